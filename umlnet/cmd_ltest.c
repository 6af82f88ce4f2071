// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ltest - Netkit's test mode: umlnet ltest [-d DIR] [--wait SECONDS]
 * For every machine, the built-in signature (umlnet-lab-signature.py: interfaces, routes,
 * listening sockets as sorted JSON lines) and the output of the lab's _test/M.test (run by bash
 * in the machine) go to _test/results/M.default and M.user. The first run (no signature of the
 * machine yet) stores them in _test/signature/; later runs compare and print, per machine that
 * differs, the lines only the signature has ("-") and those only the result has ("+"). Exit
 * status 0 only when every machine matches. A lab that is not running is started first and
 * cleaned after.
 */
#include "guest.h"
#include "lab.h"
#include "log.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LTEST_SIGNATURE "signature.lab"

struct ltest_args {
	const char *dir;
	int wait_s;
};

static int ltest_parse(int argc, char **argv, struct ltest_args *a)
{
	*a = (struct ltest_args){ .dir = "." };
	for (int i = 1; i < argc; i++) {
		char *end;

		if (!strcmp(argv[i], "-d") && i + 1 < argc) {
			a->dir = argv[++i];
		} else if (!strcmp(argv[i], "--wait") && i + 1 < argc) {
			a->wait_s = (int)strtol(argv[++i], &end, 10);
			if (*end || a->wait_s < 0 || a->wait_s > 3600) {
				log_err("--wait '%s': expected 0 to 3600 "
						"seconds", argv[i]);
				return 2;
			}
		} else {
			log_err("usage: umlnet ltest [-d DIR] [--wait "
					"SECONDS]");
			return 2;
		}
	}
	return 0;
}

static void ltest_collect(void *opaque, const char *guest, const char *line)
{
	(void)guest;
	fprintf(opaque, "%s\n", line);
}

/* Runs script in guest and returns its output (malloc'd), or NULL (reported). */
static char *ltest_run(struct state *st, struct notify *n, const char *guest, const char *script,
		       int timeout_s)
{
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);
	int rc;

	if (!f)
		return NULL;
	rc = guest_exec(st, n, guest, script, timeout_s * 1000, ltest_collect, f);
	fclose(f);
	if (rc < 0) {
		free(text);
		return NULL;
	}
	return text;
}

static char *ltest_read(const char *path)
{
	char err[256], *text = NULL;

	return access(path, F_OK) == 0 && !conf_read_file(path, &text, err, sizeof(err)) ? text :
											     NULL;
}

static int ltest_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	bool ok = f && fputs(text, f) >= 0;

	/* fclose once, whatever happened: it also reports a failed write of buffered text. */
	if (f && fclose(f) < 0)
		ok = false;
	if (!ok) {
		log_err("%s: %s", path, strerror(errno));
		return -EIO;
	}
	return 0;
}

/* Prints the lines of a that b lacks, with mark (each line counted once per occurrence). */
static void ltest_lines_only_in(const char *a, const char *b, char mark)
{
	char *bcopy = strdup(b);

	if (!bcopy)
		return;
	for (const char *p = a; *p;) {
		size_t n = strcspn(p, "\n");
		char *q = bcopy;
		bool found = false;

		while (*q && !found) {
			size_t m = strcspn(q, "\n");

			if (m == n && !strncmp(p, q, n) && q[0] != '\001') {
				q[0] = '\001'; /* used up */
				found = true;
			}
			q += m + (q[m] == '\n');
		}
		if (!found)
			printf("    %c %.*s\n", mark, (int)n, p);
		p += n + (p[n] == '\n');
	}
	free(bcopy);
}

/* Stores or compares one part (default or user) of machine m. 0 when it matches or was
 * stored, 1 when it differs, -errno on failure. */
static int ltest_part(const char *labdir, const char *m, const char *part, const char *got)
{
	char sig[PATH_MAX], res[PATH_MAX];
	char *want;
	int rc;

	if (snprintf(res, sizeof(res), "%s/_test/results/%s.%s", labdir, m, part) >= (int)sizeof(res) ||
	    snprintf(sig, sizeof(sig), "%s/_test/signature/%s.%s", labdir, m, part) >= (int)sizeof(sig))
		return -ENAMETOOLONG;
	rc = ltest_write(res, got);
	if (rc)
		return rc;
	want = ltest_read(sig);
	if (!want) {
		printf("machine %s: %s signature written\n", m, part);
		return ltest_write(sig, got);
	}
	rc = strcmp(want, got) != 0;
	if (rc) {
		printf("machine %s: %s differs from the signature (- signature, + now)\n", m, part);
		ltest_lines_only_in(want, got, '-');
		ltest_lines_only_in(got, want, '+');
	}
	free(want);
	return rc;
}

static int ltest_machine(struct state *st, struct notify *n, const char *labdir, const char *m,
			 int timeout_s)
{
	char script[LAB_NAME + 64], user[PATH_MAX];
	char *def = ltest_run(st, n, m, "python3 /run/lab/" LTEST_SIGNATURE, timeout_s), *out;
	int rc, rc2 = 0;

	if (!def)
		return -EIO;
	rc = ltest_part(labdir, m, "default", def);
	free(def);
	if (snprintf(user, sizeof(user), "%s/_test/%s.test", labdir, m) < (int)sizeof(user) &&
	    access(user, F_OK) == 0) {
		snprintf(script, sizeof(script), "bash /hostlab/_test/%s.test 2>&1", m);
		out = ltest_run(st, n, m, script, timeout_s);
		rc2 = out ? ltest_part(labdir, m, "user", out) : -EIO;
		free(out);
	}
	return rc < 0 || rc2 < 0 ? -EIO : rc | rc2;
}

static int ltest_dirs(const char *labdir)
{
	static const char *const sub[] = { "_test", "_test/results", "_test/signature" };
	char path[PATH_MAX];

	for (size_t i = 0; i < 3; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", labdir, sub[i]) >= (int)sizeof(path))
			return -ENAMETOOLONG;
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			log_err("%s: %s", path, strerror(errno));
			return -errno;
		}
	}
	return 0;
}

/* Tests every machine of the running lab; 0 all match, 1 some differ, -errno. */
static int ltest_lab(struct umlnet_opts *o, const struct lab *l, int wait_s)
{
	struct state st;
	struct notify n;
	bool opened;
	int rc, differ = 0;

	sleep((unsigned int)wait_s);
	if (lab_open(o, l->dir, &st)) {
		state_close(&st);
		return -ENOENT;
	}
	rc = guest_install_data(&st, "umlnet-lab-signature.py", LTEST_SIGNATURE);
	if (!rc)
		rc = ltest_dirs(l->dir);
	opened = !rc && !(rc = notify_open(&n, &st));
	for (int i = 0; !rc && i < st.conf->ng; i++) {
		int r = ltest_machine(&st, &n, l->dir, st.conf->g[i].name, o->timeout_s);

		if (r < 0)
			rc = r;
		differ |= r > 0;
	}
	if (opened)
		notify_close(&n);
	state_close(&st);
	return rc ? rc : differ;
}

int cmd_ltest(struct umlnet_opts *o, int argc, char **argv)
{
	struct ltest_args a;
	struct lab *l = calloc(1, sizeof(*l));
	char err[LAB_ERR + 64];
	bool started = false;
	int rc = ltest_parse(argc, argv, &a);

	if (!l)
		return 1;
	if (!rc && lab_load(l, a.dir, err, sizeof(err))) {
		log_err("%s", err);
		rc = 2;
	}
	if (!rc && !lab_running(o, l->dir)) {
		if (lab_check_images(l, NULL, o->quiet) ||
		    runas_guest_user(o->guest_user, &o->as, &o->guest_user))
			rc = 2;
		else if (lab_start(o, l, &(struct lab_start_opts){ 0 }))
			rc = 1;
		else
			started = true;
	}
	if (!rc) {
		rc = ltest_lab(o, l, a.wait_s);
		rc = rc < 0 ? 1 : rc;
		if (!o->quiet)
			printf("ltest: %s\n", rc ? "FAILED" : "all machines match their signatures");
	}
	if (started) {
		struct state st;

		if (!lab_open(o, l->dir, &st))
			lab_stop(&st, true, o->timeout_s);
		state_close(&st);
	}
	free(l);
	return rc;
}
