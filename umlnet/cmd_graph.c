// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * graph - the topology as a Graphviz graph.
 *   umlnet graph [FILE] [-o OUT.dot|OUT.svg|OUT.png]
 * Without FILE it draws the running network. DOT goes to stdout or OUT; an .svg or .png OUT is
 * rendered with Graphviz's dot.
 */
#include "log.h"
#include "umlnet.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* Graphviz IDs and labels are quoted; names are already restricted to [A-Za-z0-9_-]. */
static void graph_write(const struct conf *c, FILE *f)
{
	fprintf(f, "graph \"%s\" {\n", c->name);
	fprintf(f, "  graph [label=\"umlnet network %s\", labelloc=t, fontname=\"sans\"];\n",
		c->name);
	fputs("  node [fontname=\"sans\"]; edge [fontname=\"sans\", fontsize=10];\n", f);
	for (int i = 0; i < c->nsw; i++) {
		const struct conf_switch *s = &c->sw[i];

		fprintf(f, "  \"sw_%s\" [label=\"%s\\n(%s)\", shape=box, style=filled, "
			   "fillcolor=\"#cfe2f3\"];\n", s->name, s->name, s->hub ? "hub" : "switch");
		if (s->slirp)
			fprintf(f, "  \"gw_%s\" [label=\"slirp gateway\\n10.0.2.2 (host)\", "
				   "shape=house, style=filled, fillcolor=\"#fce5cd\"];\n"
				   "  \"gw_%s\" -- \"sw_%s\";\n", s->name, s->name, s->name);
		if (s->tap[0])
			fprintf(f, "  \"tap_%s\" [label=\"host tap %s\", shape=diamond];\n"
				   "  \"tap_%s\" -- \"sw_%s\";\n", s->tap, s->tap, s->tap, s->name);
	}
	for (int i = 0; i < c->ng; i++) {
		const struct conf_guest *g = &c->g[i];
		/* UML guest, QEMU VM, namespace: label, shape, colour. */
		static const char *const look[][3] = {
			[CONF_GUEST_UML] = { "UML guest", "ellipse", "#d9ead3" },
			[CONF_GUEST_QEMU] = { "QEMU VM", "component", "#fff2cc" },
			[CONF_GUEST_NETNS] = { "netns", "octagon", "#ead1dc" },
		};

		fprintf(f, "  \"g_%s\" [label=\"%s\\n%s%s\", shape=%s, style=filled, "
			   "fillcolor=\"%s\"];\n", g->name, g->name, look[g->kind][0],
			g->forward ? ", router" : "", look[g->kind][1], look[g->kind][2]);
		for (int k = 0; k < g->neth; k++) {
			const struct conf_eth *e = &g->eth[k];
			char dev[CONF_DEV_NAME];

			conf_dev_name(e, dev);
			if (e->sw < 0) {
				fprintf(f, "  \"spec_%s_%s\" [label=\"%s\", shape=note];\n", g->name,
					dev, e->spec);
				fprintf(f, "  \"g_%s\" -- \"spec_%s_%s\" [label=\"%s\"];\n", g->name,
					g->name, dev, dev);
				continue;
			}
			fprintf(f, "  \"g_%s\" -- \"sw_%s\" [label=\"%s%s%s\"];\n", g->name,
				e->sw_name, dev, e->ip[0] ? "\\n" : "", e->ip);
		}
	}
	for (int i = 0; i < c->ndev; i++) {
		const struct conf_hostdev *d = &c->dev[i];

		fprintf(f, "  \"host_%s\" [label=\"host %s %s\\n%s\", shape=diamond];\n", d->name,
			d->bridge ? "bridge" : "tap", d->name, d->ip);
		if (d->master[0])
			fprintf(f, "  \"host_%s\" -- \"host_%s\";\n", d->name, d->master);
	}
	fputs("}\n", f);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* Pipes DOT into `dot -T<fmt> -o out`. */
static int graph_render(const struct conf *c, const char *fmt, const char *out)
{
	char cmd[PATH_MAX + 64], dot[PATH_MAX];
	FILE *p;
	int status;

	if (proc_find_program("dot", dot, sizeof(dot))) {
		log_err("-o %s: rendering needs Graphviz's dot (package "
				"graphviz); write a .dot file instead", out);
		return -ENOENT;
	}
	if (strchr(out, '\'')) {
		log_err("-o '%s': no quotes in the file name, please", out);
		return -EINVAL;
	}
	snprintf(cmd, sizeof(cmd), "'%s' -T%s -o '%s'", dot, fmt, out);
	p = popen(cmd, "w");
	if (!p)
		return -errno;
	graph_write(c, p);
	status = pclose(p);
	if (status != 0) {
		log_err("dot failed (status %d) writing %s",
			WIFEXITED(status) ? WEXITSTATUS(status) : -1, out);
		return -EIO;
	}
	return 0;
}

int cmd_graph(struct umlnet_opts *o, int argc, char **argv)
{
	const char *file = NULL, *out = NULL;
	struct conf *conf = NULL;
	struct state st = { .conf = NULL };
	char *text = NULL;
	int err = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!file && argv[i][0] != '-')
			file = argv[i];
		else {
			log_err("usage: umlnet graph [FILE] [-o OUT]");
			return 2;
		}
	}
	if (file)
		err = umlnet_load(file, &conf, &text);
	else if (!(err = umlnet_open(o, &st)))
		conf = st.conf;
	if (!err) {
		if (out && (ends_with(out, ".svg") || ends_with(out, ".png")))
			err = graph_render(conf, ends_with(out, ".svg") ? "svg" : "png", out);
		else if (out) {
			FILE *f = fopen(out, "w");

			if (!f) {
				log_err("-o %s: %s", out, strerror(errno));
				err = -errno;
			} else {
				graph_write(conf, f);
				err = fclose(f) ? -errno : 0;
			}
		} else {
			graph_write(conf, stdout);
		}
	}
	if (file)
		free(conf);
	else
		state_close(&st);
	free(text);
	return err ? 1 : 0;
}
