/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * image - base images of lab machines: read-only root trees built from Debian packages by
 * `umlnet image build NAME PACKAGE...` (mmdebstrap, umlnet-image-build.sh), kept in the image
 * store, one directory per name:
 *   $UMLNET_IMAGE_DIR, else /var/lib/umlnet/images as root, else
 *   ${XDG_DATA_HOME:-$HOME/.local/share}/umlnet/images
 * A machine boots on one as the lower layer of its copy-on-write root (guest key base=).
 * A name is [a-z0-9][a-z0-9._-]* with at most one '/' (Docker's "kathara/frr"); a ":TAG"
 * after it is ignored. An image is built once its directory holds IMAGE_MARK.
 * Kathará's image names map to Debian package sets (image_packages); those that need software
 * Debian does not package (P4, POX) cannot be made.
 */
#ifndef UMLNET_IMAGE_H
#define UMLNET_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#define IMAGE_NAME 64
#define IMAGE_MARK "etc/umlnet-image" /* the packages asked for, written last by the build */

/* The packages every image gets: what umlnet's guest and lab init run. */
#define IMAGE_RUNTIME "mount iproute2 kmod procps mawk"

/* name without its ":TAG" into out (IMAGE_NAME bytes); false when it is not an image name. */
bool image_name(const char *name, char *out);

/* The image store directory. 0, or -ENOENT when there is no HOME to put it under. */
int image_store(char *out, size_t len);

/* The directory of image name (checked by image_name) in the store. 0, -EINVAL (a path the
 * guests' hostfs and overlayfs cannot take), -ENOENT (no store). */
int image_dir(const char *name, char *out, size_t len);

/* Whether image name is built; its directory in dir then. */
bool image_built(const char *name, char *dir, size_t len);

/* The Debian packages of Kathará's image name (beyond IMAGE_RUNTIME), or NULL when umlnet
 * does not know the name. */
const char *image_packages(const char *name);

/* Whether name is one of Kathará's images that needs software Debian does not package. */
bool image_impossible(const char *name);

/* Whether name is in Kathará's namespace ("kathara/..."), known or not. */
bool image_kathara(const char *name);

#endif
