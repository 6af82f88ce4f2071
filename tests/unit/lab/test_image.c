// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of image names, the store and Kathará's package sets (umlnet/image.c), and of
 * the port= forwards and base= of a lab's topology (umlnet/lab_port.c, lab_topo.c). */
#include "check.h"
#include "image.h"
#include "lab_conf.h"
#include "lab_topo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void test_names(void)
{
	char n[IMAGE_NAME];

	CHECK(image_name("kathara/frr", n) && !strcmp(n, "kathara/frr"));
	CHECK(image_name("kathara/frr:latest", n) && !strcmp(n, "kathara/frr"));
	CHECK(image_name("tiny", n) && !strcmp(n, "tiny"));
	CHECK(!image_name("Kathara/frr", n));
	CHECK(!image_name("a/b/c", n));
	CHECK(!image_name("../etc", n));
	CHECK(!image_name("a/..", n));
	CHECK(!image_name("/abs", n));
	CHECK(!image_name("", n));
	CHECK(!image_name("a:", n));
	CHECK(!image_name("a b", n));
	CHECK(image_impossible("kathara/p4") && image_impossible("kathara/pox"));
	CHECK(!image_impossible("kathara/frr"));
	CHECK(strstr(image_packages("kathara/frr"), " frr ") != NULL);
	CHECK(strstr(image_packages("kathara/base"), "bridge-utils") != NULL);
	CHECK(image_packages("kathara/quagga") == NULL && image_kathara("kathara/quagga"));
	CHECK(!image_kathara("mylab/dns"));
}

static void test_store(void)
{
	char dir[4096], tmp[] = "/tmp/test_image_XXXXXX", path[4200];
	FILE *f;

	CHECK(mkdtemp(tmp) != NULL);
	setenv("UMLNET_IMAGE_DIR", tmp, 1);
	CHECK(image_dir("a/b", dir, sizeof(dir)) == 0);
	snprintf(path, sizeof(path), "%s/a/b", tmp);
	CHECK(!strcmp(dir, path));
	CHECK(!image_built("a/b", dir, sizeof(dir)));
	snprintf(path, sizeof(path), "%s/a", tmp);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/a/b", tmp);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/a/b/etc", tmp);
	mkdir(path, 0755);
	CHECK(!image_built("a/b", dir, sizeof(dir))); /* no mark: not (yet) built */
	snprintf(path, sizeof(path), "%s/a/b/%s", tmp, IMAGE_MARK);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f)
		fclose(f);
	CHECK(image_built("a/b", dir, sizeof(dir)));
	setenv("UMLNET_IMAGE_DIR", "/tmp/with:colon", 1);
	CHECK(image_dir("a", dir, sizeof(dir)) < 0);
	setenv("UMLNET_IMAGE_DIR", tmp, 1);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
		CHECK_EQ(system(cmd), 0);
	}
	unsetenv("UMLNET_IMAGE_DIR");
}

static void test_port_forwards(void)
{
	struct lab *l = calloc(1, sizeof(*l));
	char err[LAB_ERR] = "", *text = NULL;

	CHECK(l != NULL);
	if (!l)
		return;
	CHECK(lab_conf_parse(l, "a[0]=A\na[bridged]=true\nb[0]=A\nb[bridged]=true\n"
			     "b[port]=8080:80/tcp\nb[port]=53/udp\nc[0]=A\nc[port]=22\n",
			     "lab.conf", err, LAB_ERR) == 0);
	CHECK(lab_check(l, "lab.conf", err, LAB_ERR) == 0);
	CHECK(lab_topology(l, NULL, "n", 64, false, NULL, &text) == 0);
	CHECK(text && strstr(text, "switch cd--host slirp host-loopback "
			     "hostfwd=tcp:127.0.0.1:8080-10.0.2.16:80 "
			     "hostfwd=udp:127.0.0.1:3000-10.0.2.16:53\n") != NULL);
	CHECK(text && !strstr(text, ":22"));
	free(text);
	free(l);
}

#define TESTS(X) X(test_names) X(test_store) X(test_port_forwards)
#include "check.h"
