// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the lab parser (umlnet/lab_conf.c) and of the topology a lab becomes
 * (umlnet/lab_topo.c). */
#include "check.h"
#include "conf.h"
#include "lab_conf.h"
#include "lab_topo.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static struct lab *lab_new(void)
{
	struct lab *l = calloc(1, sizeof(*l));

	if (!l)
		abort();
	return l;
}

/* Parses text as lab.conf (then lab_check); returns the status, err gets the message. */
static int parse(struct lab *l, const char *text, char *err)
{
	int rc = lab_conf_parse(l, text, "lab.conf", err, LAB_ERR);

	return rc ? rc : lab_check(l, "lab.conf", err, LAB_ERR);
}

/* A new lab from text that must be accepted: one failed check (with the message) otherwise.
 * The caller frees it. */
static struct lab *parsed(const char *text)
{
	struct lab *l = lab_new();
	char err[LAB_ERR] = "";
	int rc = parse(l, text, err);

	if (rc || err[0])
		fprintf(stderr, "  refused (%d): %s\n", rc, err);
	CHECK(rc == 0 && !err[0]);
	return l;
}

static const struct lab_machine *machine(const struct lab *l, const char *name)
{
	int i = lab_find_machine(l, name);

	return i < 0 ? NULL : &l->m[i];
}

static void test_kathara_dialect(void)
{
	struct lab *l = parsed("LAB_NAME=\"three\"\r\n"
			       "LAB_DESCRIPTION='a lab' # about it\r\n"
			       "# a comment\r\n"
			       "\r\n"
			       "pc1[0]=A\r\n"
			       "r1[0]=A   \r\n"
			       "r1[1]=\"B/02:42:ac:11:00:02\"   # a MAC\r\n"
			       "  r2[0]=B # indented\r\n"
			       "lonely[mem]=32m\r\n");
	const struct lab_machine *m;

	CHECK_STR(l->name, "three");
	CHECK_STR(l->description, "a lab");
	CHECK_EQ(l->nm, 4);
	CHECK_EQ(l->ncd, 2);
	m = machine(l, "r1");
	CHECK(m != NULL);
	if (m) {
		CHECK_EQ(m->neth, 2);
		CHECK_STR(m->eth[0].cd, "A");
		CHECK_STR(m->eth[1].cd, "B");
		CHECK_STR(m->eth[1].mac, "02:42:ac:11:00:02");
		CHECK_EQ(m->eth[1].line, 7);
	}
	m = machine(l, "lonely");
	CHECK(m != NULL && m->neth == 0 && m->mem_mb == 32);
	free(l);
}

static void test_options(void)
{
	struct lab *l = parsed("a[0]=A\n"
			       "a[image]=kathara/frr\n"
			       "a[ipv6]=True\n"
			       "a[sysctl]=net.ipv4.conf.all.forwarding=0\n"
			       "a[sysctl]=\"net.ipv6.conf.eth0.accept_ra=2\"\n"
			       "a[env]=GREETING=hello world\n"
			       "a[exec]=echo one > /tmp/one\n"
			       "a[exec]=\"echo two # not a comment\"\n"
			       "a[bridged]=true\n"
			       "a[port]=8080:80/tcp\n"
			       "a[num_terms]=2\n"
			       "a[shell]=/bin/bash\n"
			       "b[M]=128\n"
			       "c[mem]=1g\n"
			       "d[mem]=65536k\n"
			       "e[mem]=67108864b\n");
	const struct lab_machine *m;

	m = machine(l, "a");
	CHECK(m != NULL);
	if (m) {
		CHECK_STR(m->image, "kathara/frr");
		CHECK(m->ipv6 && m->bridged);
		CHECK_EQ(m->sysctl.n, 2);
		CHECK_STR(m->sysctl.v[1], "net.ipv6.conf.eth0.accept_ra=2");
		CHECK_EQ(m->env.n, 1);
		CHECK_STR(m->env.v[0], "GREETING=hello world");
		CHECK_EQ(m->exec.n, 2);
		CHECK_STR(m->exec.v[0], "echo one > /tmp/one");
		CHECK_STR(m->exec.v[1], "echo two # not a comment");
		CHECK_STR(m->port.v[0], "8080:80/tcp");
		CHECK_EQ(m->num_terms, 2);
		CHECK_STR(m->shell, "/bin/bash");
	}
	CHECK_EQ(machine(l, "b")->mem_mb, 128);
	CHECK_EQ(machine(l, "c")->mem_mb, 1024);
	CHECK_EQ(machine(l, "d")->mem_mb, 64);
	CHECK_EQ(machine(l, "e")->mem_mb, 64);
	CHECK_EQ(l->nwarn, 0);
	free(l);
}

static void test_inapplicable_warn_once(void)
{
	struct lab *l = parsed("a[cpus]=1\nb[cpus]=2\na[privileged]=true\na[mem]=64\na[mem]=96\n");

	CHECK_EQ(l->nwarn, 3); /* cpus once, privileged once, mem given twice */
	CHECK(strstr(l->warn[0], "lab.conf:1: a[cpus]") != NULL);
	CHECK(strstr(l->warn[1], "lab.conf:3: a[privileged]") != NULL);
	CHECK(strstr(l->warn[2], "lab.conf:5: a[mem]: given again") != NULL);
	CHECK_EQ(machine(l, "a")->mem_mb, 96);
	free(l);
}

static void test_netkit_dialect(void)
{
	struct lab *l = parsed("machines=\"c a b\"\na[0]=X\nb[0]=X\nc[0]=X\nc[M]=48\n");
	int order[LAB_MAX_MACHINES];

	lab_order(l, order);
	CHECK_STR(l->m[order[0]].name, "c");
	CHECK_STR(l->m[order[1]].name, "a");
	CHECK_STR(l->m[order[2]].name, "b");
	CHECK_EQ(machine(l, "c")->mem_mb, 48);
	free(l);
	l = parsed("LAB_MACHINES=b,a\na[0]=X\nb[0]=X\n");
	lab_order(l, order);
	CHECK_STR(l->m[order[0]].name, "b");
	free(l);
}

/* Every wrong line: one error naming the file, the line and the field. */
static void test_errors(void)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "a[0]=A\nthis is not a line\n", "lab.conf:2: 'this is not a line': expected" },
		{ "a[0]=A\nb=1\n", "lab.conf:2: 'b': expected machine[N]=CD" },
		{ "a[frobnicate]=1\n", "lab.conf:1: a[frobnicate]: unknown option 'frobnicate'" },
		{ "a[0]=A-B\n", "lab.conf:1: a[0]: collision domain 'A-B': expected" },
		{ "a[0]=\"A/02:42:ac:11:00\"\n", "lab.conf:1: a[0]: MAC '02:42:ac:11:00': expected" },
		{ "a[0]=A/03:00:00:00:00:01\n", "lab.conf:1: a[0]: MAC '03:00:00:00:00:01': a multicast" },
		{ "a[0]=tap,10.0.0.1,10.0.0.2\n", "lab.conf:1: a[0]: 'tap,10.0.0.1,10.0.0.2': host taps" },
		{ "a[99]=A\n", "lab.conf:1: a[99]: interface number 99: expected 0 to 14" },
		{ "a[0]=\"A\n", "lab.conf:1: 0: the quoted value has no closing \"" },
		{ "a[0]=\"A\" B\n", "lab.conf:1: 0: 'B' after the closing quote" },
		{ "a[0]=A\"B\n", "lab.conf:1: 0: a quote inside an unquoted value" },
		{ "a[0]=\n", "lab.conf:1: 0: needs a value" },
		{ "a[mem]=lots\n", "lab.conf:1: a[mem]: 'lots': expected a size" },
		{ "a[mem]=8m\n", "lab.conf:1: a[mem]: '8m': a UML machine needs 16 MB" },
		{ "a[sysctl]=kernel.panic=1\n", "lab.conf:1: a[sysctl]: 'kernel.panic=1': only net.*" },
		{ "a[env]=1X=2\n", "lab.conf:1: a[env]: '1X=2': expected NAME=VALUE" },
		{ "a[port]=80000\n", "lab.conf:1: a[port]: '80000': expected [HOST:]GUEST" },
		{ "a[ipv6]=maybe\n", "lab.conf:1: a[ipv6]: 'maybe': expected true or false" },
		{ "a[0]=A\na[0]=B\n", "lab.conf:2: a[0]: interface 0 is already on collision domain 'A' (line 1)" },
		{ "Bad.Name[0]=A\n", "lab.conf:1: machine 'Bad.Name': not a valid name" },
		{ "shared[0]=A\n", "lab.conf:1: machine 'shared': not a valid name" },
		{ "cd-x[0]=A\n", "lab.conf:1: machine 'cd-x': not a valid name" },
		{ "a[]=A\n", "lab.conf:1: a[]: an interface number or an option name" },
		{ "a[0]=A\na[2]=B\n", "lab.conf:2: a[2]: interface 1 is missing" },
		{ "a[shell]=bash\n", "lab.conf:1: a[shell]: 'bash': expected an absolute path" },
		{ "a[exec]=\"x\x01y\"\n", "lab.conf:1: exec: control character 0x01" },
		{ "machines=\"a b\"\na[0]=A\n", "lab.conf:1: machine 'b': listed, but the lab has no folder" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lab *l = lab_new();
		char err[LAB_ERR] = "";
		bool found;

		CHECK(parse(l, cases[i].text, err) < 0);
		found = strstr(err, cases[i].msg) != NULL;
		if (!found) {
			fprintf(stderr, "  case %zu: got: ", i);
			fputs(err, stderr);
			fputc('\n', stderr);
		}
		CHECK(found);
		CHECK(strchr(err, '\n') == NULL);
		free(l);
	}
}

static void test_dep(void)
{
	struct lab *l = parsed("a[0]=X\nb[0]=X\nc[0]=X\nd[0]=X\n");
	char err[LAB_ERR] = "";
	int order[LAB_MAX_MACHINES];

	CHECK_EQ(lab_dep_parse(l, "# c waits for a and b\nc: a \\\n   b\r\na: d\n", "lab.dep", err,
			       sizeof(err)), 0);
	CHECK_STR(err, "");
	lab_order(l, order);
	CHECK_STR(l->m[order[0]].name, "b");
	CHECK_STR(l->m[order[1]].name, "d");
	CHECK_STR(l->m[order[2]].name, "a");
	CHECK_STR(l->m[order[3]].name, "c");
	free(l);

	l = parsed("a[0]=X\nb[0]=X\nc[0]=X\n");
	CHECK(lab_dep_parse(l, "a: b\nb: c\nc: a\n", "lab.dep", err, sizeof(err)) < 0);
	CHECK(strstr(err, "lab.dep: a loop: a -> b -> c -> a") != NULL);
	CHECK(lab_dep_parse(l, "a: zz\n", "lab.dep", err, sizeof(err)) < 0);
	CHECK(strstr(err, "lab.dep:1: machine 'zz': not a machine of the lab") != NULL);
	CHECK(lab_dep_parse(l, "a b c\n", "lab.dep", err, sizeof(err)) < 0);
	CHECK(strstr(err, "lab.dep:1: 'a b c': expected 'MACHINE: MACHINE...'") != NULL);
	free(l);
	l = parsed("a[0]=X\n");
	CHECK(lab_dep_parse(l, "a: a\n", "lab.dep", err, sizeof(err)) < 0);
	CHECK(strstr(err, "a loop: a -> a") != NULL);
	free(l);
}

static void test_macs(void)
{
	struct lab *l = parsed("a[0]=X\na[1]=Y\nb[0]=\"X/02:00:00:00:00:0b\"\n");
	char m0[18], m1[18], again[18];

	lab_iface_mac(machine(l, "a"), 0, m0);
	lab_iface_mac(machine(l, "a"), 1, m1);
	lab_iface_mac(machine(l, "a"), 0, again);
	CHECK_STR(m0, again);
	CHECK(strcmp(m0, m1) != 0);
	CHECK(!strncmp(m0, "02:", 3) && strlen(m0) == 17);
	lab_iface_mac(machine(l, "b"), 0, m0);
	CHECK_STR(m0, "02:00:00:00:00:0b");
	free(l);
}

static void test_network_name(void)
{
	char a[CONF_NAME], b[CONF_NAME];

	lab_network_name("/home/u/labs/my lab!", a);
	CHECK(!strncmp(a, "my_lab_-", 8) && strlen(a) == 14);
	CHECK(conf_name_ok(a));
	lab_network_name("/srv/labs/my lab!", b);
	CHECK(strcmp(a, b) != 0);
	lab_network_name("/x/-a-very-long-lab-directory-name-indeed", a);
	CHECK(conf_name_ok(a));
	CHECK(lab_path_ok("/tmp/lab_1.x"));
	CHECK(!lab_path_ok("/tmp/a,b"));
	CHECK(!lab_path_ok("/tmp/a b"));
	CHECK(!lab_path_ok("/tmp/a'b"));
	CHECK(!lab_path_ok("relative"));
}

/* The topology of a lab is a valid umlnet topology: hubs, MACs, the run= command. */
static void test_topology(void)
{
	struct lab *l = lab_new();
	struct conf *c = calloc(1, sizeof(*c));
	char err[LAB_ERR] = "", *text = NULL;
	bool sel[LAB_MAX_MACHINES] = { true, false, true };

	if (!c)
		abort();
	strcpy(l->dir, "/labs/x");
	CHECK_EQ(parse(l, "a[0]=A\na[1]=\"B/02:00:00:00:00:0a\"\nb[0]=A\nc[0]=B\nc[mem]=96m\n"
			  "c[bridged]=true\n", err), 0);
	CHECK_EQ(lab_topology(l, sel, "x-123456", 64, false, "/run/umlnet/x-123456", &text), 0);
	CHECK_EQ(conf_parse(c, text, "topology", err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_STR(c->name, "x-123456");
	CHECK_EQ(c->nsw, 3);
	CHECK(c->sw[0].hub && !strcmp(c->sw[0].name, "cd-A"));
	CHECK(c->sw[2].slirp && !strcmp(c->sw[2].name, LAB_BRIDGED_SWITCH));
	CHECK_EQ(c->ng, 2); /* b is not selected */
	CHECK_STR(c->g[0].name, "a");
	CHECK_STR(c->g[0].mem, "64M");
	CHECK_STR(c->g[0].eth[1].mac, "02:00:00:00:00:0a");
	CHECK(c->g[0].forward);
	CHECK(strstr(c->g[0].run, "mount -t hostfs -o '/run/umlnet/x-123456' none /run/lab") != NULL);
	CHECK(strstr(c->g[0].run, "init.lab a") != NULL);
	CHECK_STR(c->g[1].mem, "96M");
	CHECK_EQ(c->g[1].neth, 2);
	free(text);
	CHECK_EQ(lab_machine_file(l, 2, &text), 0);
	CHECK_STR(text, "hostlab /labs/x\nipv6 0\nbridged eth1 10.0.2.15/24 10.0.2.2\n");
	free(text);
	free(c);
	free(l);
}

static void test_mem(void)
{
	unsigned long mb;

	CHECK(lab_parse_mem("64", &mb) == 0 && mb == 64);
	CHECK(lab_parse_mem("64M", &mb) == 0 && mb == 64);
	CHECK(lab_parse_mem("2G", &mb) == 0 && mb == 2048);
	CHECK(lab_parse_mem("1500k", &mb) == 0 && mb == 2);
	CHECK(lab_parse_mem("64mb", &mb) < 0);
	CHECK(lab_parse_mem("-1", &mb) < 0);
	CHECK(lab_parse_mem("", &mb) < 0);
	CHECK(lab_parse_mem("99999999999999999999", &mb) < 0);
}

static void put(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!text) {
		CHECK_EQ(mkdir(path, 0755), 0);
		return;
	}
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* A lab directory: folders are machines (with or without lab.conf lines), shared/ and _test/
 * are not, a folder that is no machine name is warned about; a missing lab.conf is fine when
 * there are folders; lab.dep is read; a lab with nothing is refused. */
static void test_load(void)
{
	char dir[] = "/tmp/umlnet-labtest-XXXXXX", err[LAB_ERR + 64] = "";
	struct lab *l = lab_new();

	CHECK(mkdtemp(dir) != NULL);
	CHECK(lab_load(l, dir, err, sizeof(err)) < 0);
	CHECK(strstr(err, "no lab.conf and no machine folder") != NULL);
	put(dir, "zeta", NULL);
	put(dir, "alpha", NULL);
	put(dir, "shared", NULL);
	put(dir, "_test", NULL);
	put(dir, "not.a.machine", NULL);
	CHECK_EQ(lab_load(l, dir, err, sizeof(err)), 0);
	CHECK_EQ(l->nm, 2);
	CHECK_STR(l->m[0].name, "alpha"); /* folders sorted */
	CHECK_EQ(l->nwarn, 1);
	put(dir, "lab.conf", "zeta[0]=A\nbeta[0]=A\n");
	put(dir, "lab.dep", "zeta: alpha\n");
	CHECK_EQ(lab_load(l, dir, err, sizeof(err)), 0);
	CHECK_EQ(l->nm, 3);
	CHECK_STR(l->m[0].name, "zeta"); /* lab.conf order, then the folders */
	CHECK(l->m[0].folder && !l->m[1].folder && l->m[2].folder);
	CHECK_EQ(l->m[0].ndep, 1);
	put(dir, "lab.dep", "zeta: gamma\n");
	CHECK(lab_load(l, dir, err, sizeof(err)) < 0);
	CHECK(strstr(err, "/lab.dep:1: machine 'gamma': not a machine of the lab") != NULL);
	free(l);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		CHECK_EQ(system(cmd), 0);
	}
}

#define TESTS(X)                                                                             \
	X(test_kathara_dialect) X(test_options) X(test_inapplicable_warn_once)                  \
	X(test_netkit_dialect) X(test_errors) X(test_dep) X(test_macs) X(test_network_name)     \
	X(test_topology) X(test_mem) X(test_load)
#include "check.h"
