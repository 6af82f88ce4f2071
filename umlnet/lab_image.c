// SPDX-License-Identifier: GPL-2.0-or-later
/* The images lab machines name (image=), checked before anything starts (lab.h). */
#include "image.h"
#include "lab.h"
#include "log.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

static int lab_image_fail(const struct lab_machine *m, const char *why)
{
	log_err("machine %s: image '%s' %s", m->name, m->image, why);
	return -EINVAL;
}

/* One machine's image: 0 (usable, warned about when first seen and not built) or -EINVAL. */
static int lab_image_check(const struct lab_machine *m, bool first, bool quiet)
{
	char name[IMAGE_NAME], dir[PATH_MAX], why[PATH_MAX + IMAGE_NAME + 128];

	if (!image_name(m->image, name))
		return lab_image_fail(m, "is not an image name (lowercase letters, digits, '.', "
					 "'_', '-', at most one '/')");
	if (image_impossible(name))
		return lab_image_fail(m, "needs software Debian does not package; it cannot run "
					 "here");
	if (image_built(name, dir, sizeof(dir)))
		return 0;
	if (!image_kathara(name)) {
		snprintf(why, sizeof(why), "is not in the image store %s (make it with 'umlnet "
			 "image build %s PACKAGE...')", image_store(dir, sizeof(dir)) ? "" : dir, name);
		return lab_image_fail(m, why);
	}
	if (image_packages(name))
		snprintf(why, sizeof(why), "'umlnet image build %s' makes it", name);
	else
		snprintf(why, sizeof(why), "umlnet does not know its packages");
	if (first && !quiet && strcmp(name, "kathara/base"))
		log_warn("image '%s' is not built: machines run on the "
				"host's / (what the image adds must be installed on the host; %s)",
			m->image, why);
	return 0;
}

int lab_check_images(const struct lab *l, const bool *sel, bool quiet)
{
	for (int i = 0; i < l->nm; i++) {
		bool first = true;

		if ((sel && !sel[i]) || !l->m[i].image[0])
			continue;
		for (int k = 0; k < i; k++)
			first &= (sel && !sel[k]) || strcmp(l->m[k].image, l->m[i].image);
		if (lab_image_check(&l->m[i], first, quiet))
			return -EINVAL;
	}
	return 0;
}
