// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * umlnet image build NAME [PACKAGE...]   a base image for lab machines (image.h) from Debian
 *                                         packages; Kathará's names know their packages
 * umlnet image list                       the images of the store, built or being built
 * The build itself is umlnet-image-build.sh (mmdebstrap); its output goes to the terminal.
 */
#include "image.h"
#include "log.h"
#include "proc.h"
#include "umlnet.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define IMAGE_MAX_ARGS 256

/* Splits the package list text (spaces) onto argv from *n. */
static void image_add_words(char *text, char **argv, int *n)
{
	for (char *w = strtok(text, " "); w && *n < IMAGE_MAX_ARGS - 1; w = strtok(NULL, " "))
		argv[(*n)++] = w;
}

static bool image_package_ok(const char *p)
{
	/* Debian package names (policy 5.6.1), optionally with =VERSION or /RELEASE. */
	if (!p[0] || !strchr("abcdefghijklmnopqrstuvwxyz0123456789", p[0]))
		return false;
	return !p[strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789+-.:=/~")];
}

static int image_run(char **argv)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (!pid) {
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static int image_build(int argc, char **argv)
{
	char name[IMAGE_NAME], dir[PATH_MAX], script[PATH_MAX], runtime[] = IMAGE_RUNTIME;
	char *known = NULL, *args[IMAGE_MAX_ARGS];
	int n = 0, rc;

	if (argc < 1 || !image_name(argv[0], name)) {
		log_err("image build: '%s': expected an image name (lowercase "
				"letters, digits, '.', '_', '-', at most one '/')", argc ? argv[0] : "");
		return 2;
	}
	if (image_impossible(name)) {
		log_err("image '%s': needs software Debian does not "
				"package", name);
		return 2;
	}
	if (argc == 1 && !image_packages(name)) {
		log_err("image build %s: which packages? (umlnet knows the "
				"packages of Kathara's images only)", name);
		return 2;
	}
	if (argc > IMAGE_MAX_ARGS / 2) {
		log_err("image build: more than %d packages",
			IMAGE_MAX_ARGS / 2 - 1);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (!image_package_ok(argv[i])) {
			log_err("image build: package '%s': not a Debian "
					"package name", argv[i]);
			return 2;
		}
	}
	if ((rc = image_dir(name, dir, sizeof(dir)))) {
		log_err("image '%s': %s", name, rc == -ENOENT ?
			"no image store (set UMLNET_IMAGE_DIR or HOME)" :
			"the store's path takes no space, quote, ',' or ':' (UMLNET_IMAGE_DIR)");
		return 2;
	}
	if (proc_find_data("umlnet-image-build.sh", script, sizeof(script))) {
		log_err("umlnet-image-build.sh is not installed");
		return 1;
	}
	args[n++] = "/bin/bash";
	args[n++] = script;
	args[n++] = dir;
	image_add_words(runtime, args, &n);
	if (argc == 1 && !(known = strdup(image_packages(name))))
		return 1;
	if (known)
		image_add_words(known, args, &n);
	for (int i = 1; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	printf("umlnet: building image %s in %s\n", name, dir);
	fflush(stdout);
	rc = image_run(args);
	free(known);
	return rc;
}

/* Lists the built images of the store (one level, or two for "vendor/name"). */
static void image_list_dir(const char *store, const char *prefix)
{
	char path[PATH_MAX], name[2 * NAME_MAX + 2], img[IMAGE_NAME], dir[PATH_MAX];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "%s%s%s", store, prefix[0] ? "/" : "", prefix);
	if (!(d = opendir(path)))
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "%s%s%s", prefix, prefix[0] ? "/" : "", e->d_name);
		if (image_name(name, img) && !strcmp(img, name) && image_built(name, dir, sizeof(dir)))
			printf("%s\t%s\n", name, dir);
		else if (!prefix[0] && !strchr(e->d_name, '.'))
			image_list_dir(store, e->d_name);
	}
	closedir(d);
}

int cmd_image(struct umlnet_opts *o, int argc, char **argv)
{
	char store[PATH_MAX];

	(void)o;
	if (argc >= 2 && !strcmp(argv[1], "build"))
		return image_build(argc - 2, argv + 2);
	if (argc == 2 && !strcmp(argv[1], "list")) {
		if (image_store(store, sizeof(store)))
			return 1;
		image_list_dir(store, "");
		return 0;
	}
	log_err("image: expected 'build NAME [PACKAGE...]' or 'list'");
	return 2;
}
