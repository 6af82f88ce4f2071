// SPDX-License-Identifier: GPL-2.0-or-later
#include "lab_conf.h"

#include "ether.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct lab_parser {
	struct lab *l;
	const char *fname;
	int line;
	char *err;
	size_t errlen;
};

static int lab_fail(struct lab_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "<file>:<line>: <message>", once: every error of this file goes through here. */
static int lab_fail(struct lab_parser *p, const char *fmt, ...)
{
	char msg[LAB_ERR - 64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->line)
		snprintf(p->err, p->errlen, "%s:%d: %s", p->fname, p->line, msg);
	else
		snprintf(p->err, p->errlen, "%s: %s", p->fname, msg);
	return -EINVAL;
}

static void lab_warn(struct lab *l, const char *fname, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void lab_warn(struct lab *l, const char *fname, int line, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	if (l->nwarn == LAB_MAX_WARN)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(l->warn[l->nwarn++], sizeof(l->warn[0]), "%s:%d: %s", fname, line, msg);
}

static bool lab_chars_ok(const char *s, size_t max, const char *extra)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && !(extra && strchr(extra, s[i])))
			return false;
	return true;
}

bool lab_machine_name_ok(const char *name)
{
	return lab_chars_ok(name, LAB_NAME - 1, "-") && name[0] != '-' &&
	       strncmp(name, "cd-", 3) != 0 && strcmp(name, "shared") != 0 &&
	       strcmp(name, "_test") != 0;
}

bool lab_cd_name_ok(const char *name)
{
	return lab_chars_ok(name, LAB_CD - 1, NULL);
}

int lab_find_machine(const struct lab *l, const char *name)
{
	for (int i = 0; i < l->nm; i++)
		if (!strcmp(l->m[i].name, name))
			return i;
	return -1;
}

/* The machine called name, made when new. NULL with the error reported. */
static struct lab_machine *lab_machine_get(struct lab_parser *p, const char *name)
{
	struct lab *l = p->l;
	int i = lab_find_machine(l, name);

	if (i >= 0)
		return &l->m[i];
	if (!lab_machine_name_ok(name)) {
		lab_fail(p, "machine '%s': not a valid name (letters, digits, '_' and '-', at most "
			    "%d characters, not 'shared', '_test' or 'cd-...')", name, LAB_NAME - 1);
		return NULL;
	}
	if (l->nm == LAB_MAX_MACHINES) {
		lab_fail(p, "machine '%s': more than %d machines in one lab", name, LAB_MAX_MACHINES);
		return NULL;
	}
	memset(&l->m[l->nm], 0, sizeof(l->m[0]));
	snprintf(l->m[l->nm].name, LAB_NAME, "%s", name);
	return &l->m[l->nm++];
}

int lab_parse_mem(const char *s, unsigned long *mb)
{
	unsigned long long v, div = 1, mul = 1;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || v > (1ULL << 40))
		return -EINVAL;
	switch (tolower((unsigned char)*end)) {
	case 'b':
		div = 1024 * 1024;
		break;
	case 'k':
		div = 1024;
		break;
	case 'g':
		mul = 1024;
		break;
	case 'm':
	case '\0':
		break;
	default:
		return -EINVAL;
	}
	if (*end && end[1])
		return -EINVAL;
	*mb = (unsigned long)((v * mul + div - 1) / div);
	return 0;
}

/*
 * The value after '=': quoted with " or ' (then only spaces and a "# comment" may follow), or
 * bare up to a "# comment" preceded by a space, trailing spaces dropped. v is changed in place;
 * *out points into it.
 */
static int lab_value(struct lab_parser *p, char *v, const char *field, char **out)
{
	char *end;

	for (char *c = v; *c; c++)
		if ((unsigned char)*c < 0x20 && *c != '\t')
			return lab_fail(p, "%s: control character 0x%02x in the value", field,
					(unsigned char)*c);
	if (*v == '"' || *v == '\'') {
		char *close = strchr(v + 1, *v), *rest;

		if (!close)
			return lab_fail(p, "%s: the quoted value has no closing %c", field, *v);
		*close = '\0';
		rest = close + 1;
		while (*rest == ' ' || *rest == '\t')
			rest++;
		if (*rest && *rest != '#')
			return lab_fail(p, "%s: '%s' after the closing quote (a comment needs '#')",
					field, rest);
		v++;
	} else {
		for (char *c = v; *c; c++) {
			if (*c == '#' && c > v && (c[-1] == ' ' || c[-1] == '\t')) {
				*c = '\0';
				break;
			}
			if (*c == '"' || *c == '\'')
				return lab_fail(p, "%s: a quote inside an unquoted value (quote the whole "
						   "value)", field);
		}
	}
	end = v + strlen(v);
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (!*v)
		return lab_fail(p, "%s: needs a value", field);
	*out = v;
	return 0;
}

static int lab_add_cd(struct lab_parser *p, const char *cd)
{
	struct lab *l = p->l;

	for (int i = 0; i < l->ncd; i++)
		if (!strcmp(l->cd[i], cd))
			return 0;
	if (l->ncd == LAB_MAX_CDS)
		return lab_fail(p, "collision domain '%s': more than %d in one lab", cd, LAB_MAX_CDS);
	snprintf(l->cd[l->ncd++], LAB_CD, "%s", cd);
	return 0;
}

/* machine[N]=CD or machine[N]=CD/MAC. */
static int lab_iface(struct lab_parser *p, struct lab_machine *m, const char *arg, char *v)
{
	char field[64], *slash = strchr(v, '/');
	uint8_t mac[ETHER_ADDR_LEN];
	unsigned long n;
	char *end;
	struct lab_iface *e;

	errno = 0;
	n = strtoul(arg, &end, 10);
	snprintf(field, sizeof(field), "%s[%.8s]", m->name, arg);
	if (*end || errno || n >= LAB_MAX_IFACES)
		return lab_fail(p, "%s: interface number %s: expected 0 to %d", field, arg,
				LAB_MAX_IFACES - 1);
	e = &m->eth[n];
	if (e->cd[0])
		return lab_fail(p, "%s: interface %lu is already on collision domain '%s' (line %d)",
				field, n, e->cd, e->line);
	if (!strncmp(v, "tap,", 4))
		return lab_fail(p, "%s: '%s': host taps are not supported (use %s[bridged]=true to "
				   "reach the host)", field, v, m->name);
	if (slash) {
		*slash = '\0';
		if (mac_parse(slash + 1, mac) < 0 || strlen(slash + 1) != 17)
			return lab_fail(p, "%s: MAC '%s': expected six hex bytes such as "
					   "02:42:ac:11:00:02", field, slash + 1);
		if (mac[0] & 1)
			return lab_fail(p, "%s: MAC '%s': a multicast address (the first byte is odd)",
					field, slash + 1);
		if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
			return lab_fail(p, "%s: MAC '%s': all zero", field, slash + 1);
		mac_format(mac, e->mac);
	}
	if (!lab_cd_name_ok(v))
		return lab_fail(p, "%s: collision domain '%s': expected letters, digits and '_' (at "
				   "most %d), optionally followed by /MAC", field, v, LAB_CD - 1);
	snprintf(e->cd, LAB_CD, "%s", v);
	e->line = p->line;
	if ((int)n >= m->neth)
		m->neth = (int)n + 1;
	return lab_add_cd(p, v);
}

static int lab_list_add(struct lab_parser *p, struct lab_list *list, const char *field,
			const char *v)
{
	if (list->n == LAB_MAX_REPEAT)
		return lab_fail(p, "%s: more than %d of them for one machine", field, LAB_MAX_REPEAT);
	if (strlen(v) >= LAB_VALUE)
		return lab_fail(p, "%s: longer than %d characters", field, LAB_VALUE - 1);
	snprintf(list->v[list->n++], LAB_VALUE, "%s", v);
	return 0;
}

static int lab_bool(struct lab_parser *p, const char *field, const char *v, bool *out)
{
	static const char *const yes[] = { "true", "yes", "1", "on" };
	static const char *const no[] = { "false", "no", "0", "off" };

	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(v, yes[i]) || !strcasecmp(v, no[i])) {
			*out = !strcasecmp(v, yes[i]);
			return 0;
		}
	}
	return lab_fail(p, "%s: '%s': expected true or false", field, v);
}

static int opt_mem(struct lab_parser *p, struct lab_machine *m, const char *field, const char *v)
{
	unsigned long mb;

	if (lab_parse_mem(v, &mb) < 0)
		return lab_fail(p, "%s: '%s': expected a size such as 64m (b, k, m, g; a bare number "
				   "is megabytes)", field, v);
	if (mb < LAB_MEM_MIN_MB || mb > LAB_MEM_MAX_MB)
		return lab_fail(p, "%s: '%s': a UML machine needs %d MB to %d MB", field, v,
				LAB_MEM_MIN_MB, LAB_MEM_MAX_MB);
	m->mem_mb = mb;
	return 0;
}

static int opt_image(struct lab_parser *p, struct lab_machine *m, const char *field, const char *v)
{
	if (!lab_chars_ok(v, LAB_VALUE - 1, "./:-@"))
		return lab_fail(p, "%s: '%s': not an image name", field, v);
	snprintf(m->image, sizeof(m->image), "%s", v);
	return 0;
}

static int opt_ipv6(struct lab_parser *p, struct lab_machine *m, const char *field, const char *v)
{
	return lab_bool(p, field, v, &m->ipv6);
}

static int opt_bridged(struct lab_parser *p, struct lab_machine *m, const char *field,
		       const char *v)
{
	return lab_bool(p, field, v, &m->bridged);
}

/* net.* only, as Kathará: a machine's own network stack is what a lab may tune. */
static int opt_sysctl(struct lab_parser *p, struct lab_machine *m, const char *field,
		      const char *v)
{
	const char *eq = strchr(v, '=');
	char key[LAB_VALUE];

	if (!eq || eq == v)
		return lab_fail(p, "%s: '%s': expected net.KEY=VALUE", field, v);
	snprintf(key, sizeof(key), "%.*s", (int)(eq - v), v);
	if (strncmp(key, "net.", 4) || !lab_chars_ok(key, LAB_VALUE - 1, ".-/") || !eq[1])
		return lab_fail(p, "%s: '%s': only net.* keys with a value can be set", field, v);
	return lab_list_add(p, &m->sysctl, field, v);
}

static int opt_env(struct lab_parser *p, struct lab_machine *m, const char *field, const char *v)
{
	const char *eq = strchr(v, '=');
	char key[LAB_VALUE];

	snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - v) : 0, v);
	if (!eq || !lab_chars_ok(key, 64, NULL) || isdigit((unsigned char)key[0]))
		return lab_fail(p, "%s: '%s': expected NAME=VALUE (NAME: letters, digits, '_')",
				field, v);
	return lab_list_add(p, &m->env, field, v);
}

static int opt_exec(struct lab_parser *p, struct lab_machine *m, const char *field, const char *v)
{
	return lab_list_add(p, &m->exec, field, v);
}

static int lab_port_number(const char *s, size_t n)
{
	char buf[8];
	char *end;
	long v;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	v = strtol(buf, &end, 10);
	return *end || !isdigit((unsigned char)buf[0]) || v < 1 || v > 65535 ? -1 : (int)v;
}

static int opt_port(struct lab_parser *p, struct lab_machine *m, const char *field, const char *v)
{
	const char *colon = strchr(v, ':'), *slash = strchr(v, '/');
	const char *guest = colon ? colon + 1 : v;
	size_t glen = slash ? (size_t)(slash - guest) : strlen(guest);

	if ((colon && lab_port_number(v, (size_t)(colon - v)) < 0) ||
	    (slash && slash < guest) || lab_port_number(guest, glen) < 0 ||
	    (slash && strcmp(slash + 1, "tcp") && strcmp(slash + 1, "udp")))
		return lab_fail(p, "%s: '%s': expected [HOST:]GUEST[/tcp|udp], ports 1 to 65535",
				field, v);
	return lab_list_add(p, &m->port, field, v);
}

static int opt_num_terms(struct lab_parser *p, struct lab_machine *m, const char *field,
			 const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (*end || !isdigit((unsigned char)*v) || n > 16)
		return lab_fail(p, "%s: '%s': expected 0 to 16", field, v);
	m->num_terms = (int)n;
	return 0;
}

static int opt_shell(struct lab_parser *p, struct lab_machine *m, const char *field, const char *v)
{
	if (v[0] != '/' || !lab_chars_ok(v + 1, LAB_VALUE - 2, "/._-"))
		return lab_fail(p, "%s: '%s': expected an absolute path such as /bin/bash", field, v);
	snprintf(m->shell, sizeof(m->shell), "%s", v);
	return 0;
}

struct lab_opt {
	const char *name;
	int (*fn)(struct lab_parser *p, struct lab_machine *m, const char *field, const char *v);
	bool repeat;
};

static const struct lab_opt lab_opts[] = {
	{ "mem", opt_mem, false }, { "m", opt_mem, false }, { "image", opt_image, false },
	{ "ipv6", opt_ipv6, false }, { "bridged", opt_bridged, false },
	{ "sysctl", opt_sysctl, true }, { "env", opt_env, true }, { "exec", opt_exec, true },
	{ "port", opt_port, true }, { "num_terms", opt_num_terms, false },
	{ "shell", opt_shell, false },
};

/* Options of Kathará or Netkit that have no meaning for a UML machine here. */
static const char *const lab_inapplicable[] = {
	"cpus", "privileged", "entrypoint", "ulimit", "volume", "args", "kernel", "filesystem",
	"append", "con0", "con1", "hostlab", "hosthome", "xterm", "tmux", "cow", "no-cow",
};

#define LAB_NOPTS (sizeof(lab_opts) / sizeof(lab_opts[0]))
#define LAB_NINAPPLICABLE (sizeof(lab_inapplicable) / sizeof(lab_inapplicable[0]))

static int lab_option(struct lab_parser *p, struct lab_machine *m, const char *arg, const char *v)
{
	char field[LAB_NAME + 48];

	snprintf(field, sizeof(field), "%s[%.32s]", m->name, arg);
	for (size_t i = 0; i < LAB_NOPTS; i++) {
		/* Netkit's M is mem in megabytes (lab_parse_mem's bare number): the same option. */
		if (strcmp(arg, lab_opts[i].name) && !(arg[0] == 'M' && !arg[1] && i == 1))
			continue;
		if (!lab_opts[i].repeat && (m->opts_set & (1u << i)))
			lab_warn(p->l, p->fname, p->line, "%s: given again; this value wins", field);
		m->opts_set |= 1u << i;
		return lab_opts[i].fn(p, m, field, v);
	}
	for (size_t i = 0; i < LAB_NINAPPLICABLE; i++) {
		if (strcmp(arg, lab_inapplicable[i]))
			continue;
		if (!(p->l->warned & (1u << i)))
			lab_warn(p->l, p->fname, p->line, "%s: '%s' does not apply to UML machines; "
				 "ignored", field, arg);
		p->l->warned |= 1u << i;
		return 0;
	}
	return lab_fail(p, "%s: unknown option '%s' (known: a number for an interface, mem, image, "
			   "ipv6, sysctl, env, exec, bridged, port, num_terms, shell)", field, arg);
}

/* machines="a b c" (Netkit) or LAB_MACHINES=a,b,c (Netkit-JH): the start order. */
static int lab_rank(struct lab_parser *p, char *v, const char *seps)
{
	int rank = 0;

	for (char *save = NULL, *w = strtok_r(v, seps, &save); w; w = strtok_r(NULL, seps, &save)) {
		struct lab_machine *m = lab_machine_get(p, w);

		if (!m)
			return -EINVAL;
		if (!m->rank) {
			m->rank = ++rank;
			m->rank_line = p->line;
		}
	}
	p->l->netkit_order = true;
	return 0;
}

static int lab_meta(struct lab_parser *p, const char *key, char *v)
{
	struct lab *l = p->l;
	struct {
		const char *key;
		char *dst;
	} const meta[] = {
		{ "LAB_NAME", l->name }, { "LAB_DESCRIPTION", l->description },
		{ "LAB_VERSION", l->version }, { "LAB_AUTHOR", l->author },
		{ "LAB_EMAIL", l->email }, { "LAB_WEB", l->web },
	};
	char *val;
	int err = lab_value(p, v, key, &val);

	if (err)
		return err;
	if (!strcmp(key, "LAB_MACHINES"))
		return lab_rank(p, val, ", \t");
	for (size_t i = 0; i < sizeof(meta) / sizeof(meta[0]); i++) {
		if (!strcmp(key, meta[i].key)) {
			snprintf(meta[i].dst, LAB_META, "%s", val);
			return 0;
		}
	}
	lab_warn(l, p->fname, p->line, "%s: unknown lab metadata; ignored", key);
	return 0;
}

static bool lab_all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* One stripped, non-empty, non-comment line. */
static int lab_line(struct lab_parser *p, char *s)
{
	char *eq = strchr(s, '='), *open = strchr(s, '['), *close, *val;
	struct lab_machine *m;
	int err;

	if (eq && (!open || open > eq)) {
		*eq = '\0';
		if (!strncmp(s, "LAB_", 4))
			return lab_meta(p, s, eq + 1);
		if (!strcmp(s, "machines")) {
			err = lab_value(p, eq + 1, s, &val);
			return err ? err : lab_rank(p, val, " \t");
		}
		return lab_fail(p, "'%s': expected machine[N]=CD, machine[option]=value or LAB_...=",
				s);
	}
	if (!open || !(close = strchr(open, ']')) || close[1] != '=')
		return lab_fail(p, "'%.60s': expected machine[N]=CD, machine[option]=value or "
				   "LAB_...=", s);
	*open = '\0';
	*close = '\0';
	m = lab_machine_get(p, s);
	if (!m)
		return -EINVAL;
	if (!*(open + 1))
		return lab_fail(p, "%s[]: an interface number or an option name goes in the "
				   "brackets", m->name);
	if (!m->line)
		m->line = p->line;
	err = lab_value(p, close + 2, open + 1, &val);
	if (err)
		return err;
	if (lab_all_digits(open + 1))
		return lab_iface(p, m, open + 1, val);
	return lab_option(p, m, open + 1, val);
}

/* Calls fn on each line of text (a copy: lines are changed), stripped of CR and surrounding
 * spaces, with p->line set; comment lines starting with '#' and blank ones are skipped. */
static int lab_each_line(struct lab_parser *p, const char *text,
			 int (*fn)(struct lab_parser *p, char *line))
{
	char *copy = strdup(text), *s, *next;
	int err = 0;

	if (!copy)
		return lab_fail(p, "out of memory");
	p->line = 0;
	for (s = copy; !err && s; s = next) {
		char *end;

		next = strchr(s, '\n');
		if (next)
			*next++ = '\0';
		p->line++;
		end = s + strlen(s);
		while (end > s && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s && *s != '#')
			err = fn(p, s);
	}
	free(copy);
	return err;
}

int lab_conf_parse(struct lab *l, const char *text, const char *fname, char *err, size_t errlen)
{
	struct lab_parser p = { .l = l, .fname = fname, .err = err, .errlen = errlen };

	return lab_each_line(&p, text, lab_line);
}

/* The deps of a lab.dep line "T1 T2: D1 D2" (a trailing '\' joined already). */
static int lab_dep_line(struct lab_parser *p, char *s)
{
	char *colon = strchr(s, ':'), *save = NULL;
	int targets[LAB_MAX_MACHINES], nt = 0;

	if (!colon)
		return lab_fail(p, "'%.60s': expected 'MACHINE: MACHINE...'", s);
	*colon = '\0';
	for (char *w = strtok_r(s, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		int i = lab_find_machine(p->l, w);

		if (i < 0)
			return lab_fail(p, "machine '%s': not a machine of the lab", w);
		if (nt < LAB_MAX_MACHINES)
			targets[nt++] = i;
	}
	if (!nt)
		return lab_fail(p, "no machine before ':'");
	save = NULL;
	for (char *w = strtok_r(colon + 1, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		int d = lab_find_machine(p->l, w);

		if (d < 0)
			return lab_fail(p, "machine '%s': not a machine of the lab", w);
		for (int t = 0; t < nt; t++) {
			struct lab_machine *m = &p->l->m[targets[t]];
			bool have = false;

			for (int k = 0; k < m->ndep; k++)
				have |= m->dep[k] == d;
			if (!have && m->ndep < LAB_MAX_MACHINES)
				m->dep[m->ndep++] = d;
		}
	}
	return 0;
}

/* Depth-first search from i; colour 1 = on the path, 2 = done. path holds the current path. */
static int lab_dep_visit(const struct lab *l, int i, int *colour, int *path, int depth)
{
	path[depth] = i;
	if (colour[i] == 1)
		return depth + 1; /* the loop is path[k..depth] where path[k] == i */
	if (colour[i] == 2)
		return 0;
	colour[i] = 1;
	for (int k = 0; k < l->m[i].ndep; k++) {
		int r = lab_dep_visit(l, l->m[i].dep[k], colour, path, depth + 1);

		if (r)
			return r;
	}
	colour[i] = 2;
	return 0;
}

static int lab_dep_loops(struct lab_parser *p)
{
	const struct lab *l = p->l;
	int colour[LAB_MAX_MACHINES] = { 0 }, path[LAB_MAX_MACHINES + 1];

	for (int i = 0; i < l->nm; i++) {
		int n = lab_dep_visit(l, i, colour, path, 0), k = 0;
		char text[LAB_ERR / 2] = "";

		if (!n)
			continue;
		while (path[k] != path[n - 1])
			k++;
		for (; k < n; k++) {
			size_t len = strlen(text);

			snprintf(text + len, sizeof(text) - len, "%s%s", len ? " -> " : "",
				 l->m[path[k]].name);
		}
		p->line = 0;
		return lab_fail(p, "a loop: %s (a machine cannot wait for itself)", text);
	}
	return 0;
}

int lab_dep_parse(struct lab *l, const char *text, const char *fname, char *err, size_t errlen)
{
	struct lab_parser p = { .l = l, .fname = fname, .err = err, .errlen = errlen };
	char *joined = strdup(text);
	int rc;

	if (!joined)
		return lab_fail(&p, "out of memory");
	/* A '\' at a line end continues the line (make): blank both, keep the line count. */
	for (char *c = joined; (c = strchr(c, '\\')); c++) {
		char *nl = c + 1 + (c[1] == '\r');

		if (*nl == '\n') {
			*c = ' ';
			if (nl > c + 1)
				c[1] = ' ';
			*nl = ' ';
		}
	}
	rc = lab_each_line(&p, joined, lab_dep_line);
	free(joined);
	if (!rc)
		rc = lab_dep_loops(&p);
	if (!rc)
		l->has_dep = true;
	return rc;
}

int lab_check(struct lab *l, const char *fname, char *err, size_t errlen)
{
	struct lab_parser p = { .l = l, .fname = fname, .err = err, .errlen = errlen };

	for (int i = 0; i < l->nm; i++) {
		const struct lab_machine *m = &l->m[i];

		for (int k = 0; k < m->neth; k++) {
			int next = k;

			if (m->eth[k].cd[0])
				continue;
			while (!m->eth[next].cd[0])
				next++;
			p.line = m->eth[next].line;
			return lab_fail(&p, "%s[%d]: interface %d is missing (interfaces are numbered "
					   "from 0 without gaps)", m->name, next, k);
		}
		if (!m->line && !m->folder && m->rank) {
			p.line = m->rank_line;
			return lab_fail(&p, "machine '%s': listed, but the lab has no folder %s/ and no "
					   "line for it", m->name, m->name);
		}
	}
	return 0;
}

const char *lab_iface_mac(const struct lab_machine *m, int i, char *out)
{
	if (m->eth[i].mac[0])
		return strcpy(out, m->eth[i].mac);
	return conf_hashed_mac(m->name, i, out);
}

/* Whether a comes before b when both may start: the machines= rank, then lab.conf order. */
static bool lab_before(const struct lab *l, int a, int b)
{
	int ra = l->m[a].rank ? l->m[a].rank : INT_MAX, rb = l->m[b].rank ? l->m[b].rank : INT_MAX;

	return ra != rb ? ra < rb : a < b;
}

void lab_order(const struct lab *l, int *order)
{
	bool placed[LAB_MAX_MACHINES] = { false };

	for (int n = 0; n < l->nm; n++) {
		int best = -1;

		for (int i = 0; i < l->nm; i++) {
			bool ready = !placed[i];

			for (int k = 0; ready && k < l->m[i].ndep; k++)
				ready = placed[l->m[i].dep[k]];
			if (ready && (best < 0 || lab_before(l, i, best)))
				best = i;
		}
		if (best < 0)
			best = n; /* a loop: lab_dep_parse refuses them; never here */
		placed[best] = true;
		order[n] = best;
	}
}

static int lab_cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The folders of dir, sorted, that name machines (others are warned about). */
static int lab_folders(struct lab *l, const char *dir, char ***names, int *n, char *err,
		       size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int cap = 0;

	*names = NULL;
	*n = 0;
	if (!d) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -errno;
	}
	while ((e = readdir(d))) {
		char path[PATH_MAX];
		struct stat sb;

		if (e->d_name[0] == '.' || !strcmp(e->d_name, "shared") ||
		    !strcmp(e->d_name, "_test") ||
		    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path) ||
		    stat(path, &sb) < 0 || !S_ISDIR(sb.st_mode))
			continue;
		if (!lab_machine_name_ok(e->d_name)) {
			lab_warn(l, dir, 0, "folder '%.60s': not a machine name; ignored", e->d_name);
			continue;
		}
		if (*n == cap) {
			char **more = realloc(*names, sizeof(char *) * (size_t)(cap = cap * 2 + 16));

			if (!more)
				break;
			*names = more;
		}
		if (!((*names)[*n] = strdup(e->d_name)))
			break;
		(*n)++;
	}
	closedir(d);
	if (*n > 1)
		qsort(*names, (size_t)*n, sizeof(char *), lab_cmp_names);
	return 0;
}

static void lab_free_names(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Reads file name of the lab, if there; 1 when it is missing. */
static int lab_read(const struct lab *l, const char *name, char **text, char *path, size_t len,
		    char *err, size_t errlen)
{
	snprintf(path, len, "%s/%s", l->dir, name);
	if (access(path, F_OK) < 0)
		return 1;
	return conf_read_file(path, text, err, errlen);
}

/* Every folder is a machine: marks those lab.conf named, adds the others. */
static int lab_add_folders(struct lab *l, char **names, int n, char *err, size_t errlen)
{
	for (int i = 0; i < n; i++) {
		int k = lab_find_machine(l, names[i]);

		if (k < 0) {
			if (l->nm == LAB_MAX_MACHINES) {
				snprintf(err, errlen, "%s: more than %d machines in one lab", l->dir,
					 LAB_MAX_MACHINES);
				return -EINVAL;
			}
			k = l->nm++;
			memset(&l->m[k], 0, sizeof(l->m[0]));
			snprintf(l->m[k].name, LAB_NAME, "%s", names[i]);
		}
		l->m[k].folder = true;
	}
	return 0;
}

int lab_load(struct lab *l, const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX + 16], conf_path[PATH_MAX + 16], **names = NULL, *text = NULL;
	int n = 0, rc;

	memset(l, 0, sizeof(*l));
	if (!realpath(dir, l->dir)) {
		snprintf(err, errlen, "lab directory '%s': %s", dir, strerror(errno));
		return -ENOENT;
	}
	rc = lab_folders(l, l->dir, &names, &n, err, errlen);
	if (!rc)
		rc = lab_read(l, "lab.conf", &text, conf_path, sizeof(conf_path), err, errlen);
	if (rc == 1 && n == 0) {
		snprintf(err, errlen, "%s: no lab.conf and no machine folder: not a lab", l->dir);
		rc = -ENOENT;
	} else if (rc == 1) {
		rc = 0;
	} else if (!rc) {
		rc = lab_conf_parse(l, text, conf_path, err, errlen);
		free(text);
		text = NULL;
	}
	if (!rc)
		rc = lab_add_folders(l, names, n, err, errlen);
	lab_free_names(names, n);
	if (!rc)
		rc = lab_check(l, conf_path, err, errlen);
	if (!rc) {
		rc = lab_read(l, "lab.dep", &text, path, sizeof(path), err, errlen);
		if (rc == 1)
			rc = 0;
		else if (!rc)
			rc = lab_dep_parse(l, text, path, err, errlen);
		free(text);
	}
	if (!rc && l->nm == 0) {
		snprintf(err, errlen, "%s: the lab has no machine", conf_path);
		rc = -EINVAL;
	}
	return rc;
}
