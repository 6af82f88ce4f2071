// SPDX-License-Identifier: GPL-2.0-or-later
#include "vxlan_vnimap.h"

#include "log.h"
#include "transport_spec.h"
#include "vlan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool vxlan_vnimap_is_map(const char *text)
{
	return strchr(text, ':') != NULL;
}

/* A whole decimal number in [0, max] (no sign, no spaces, no empty text). */
static bool vnimap_number(const char *text, unsigned long max, unsigned long *out)
{
	char *end;

	if (text[0] < '0' || text[0] > '9')
		return false;
	errno = 0;
	*out = strtoul(text, &end, 10);
	return !errno && !*end && *out <= max;
}

/* Inserts the pair keeping vni[] sorted; refuses a VNI or VLAN already mapped (pair: its text
 * for messages). */
static int vnimap_insert(struct vxlan_vnimap *m, uint32_t vni, uint16_t vlan, const char *pair,
			 char *err, size_t errlen)
{
	unsigned int at = 0;

	for (unsigned int i = 0; i < m->n; i++) {
		if (m->vni[i] == vni)
			return vlan_fail(err, errlen, "vni map '%s': VNI %u is mapped twice", pair, vni);
		if (m->vlan[i] == vlan)
			return vlan_fail(err, errlen, "vni map '%s': VLAN %u is mapped twice", pair,
					   vlan);
		if (m->vni[i] < vni)
			at = i + 1;
	}
	if (m->n == VXLAN_VNIMAP_MAX)
		return vlan_fail(err, errlen, "vni map: more than %d pairs", VXLAN_VNIMAP_MAX);
	memmove(&m->vni[at + 1], &m->vni[at], (m->n - at) * sizeof(m->vni[0]));
	memmove(&m->vlan[at + 1], &m->vlan[at], (m->n - at) * sizeof(m->vlan[0]));
	m->vni[at] = vni;
	m->vlan[at] = vlan;
	m->n++;
	return 0;
}

/* One "VNI:VLAN" pair (text is a writable copy; pair: the text escaped, for messages). */
static int vnimap_pair(struct vxlan_vnimap *m, char *text, const char *pair, char *err,
		       size_t errlen)
{
	char *colon = strchr(text, ':');
	unsigned long vni, vlan;

	if (!colon || strchr(colon + 1, ':'))
		return vlan_fail(err, errlen, "vni map '%s': not VNI:VLAN", pair);
	*colon = 0;
	if (!vnimap_number(text, VXLAN_VNI_MAX, &vni))
		return vlan_fail(err, errlen, "vni map '%s': VNI is not a number in 0..%u", pair,
				 VXLAN_VNI_MAX);
	if (!vnimap_number(colon + 1, VLAN_VID_MAX, &vlan) || vlan < VLAN_VID_MIN)
		return vlan_fail(err, errlen, "vni map '%s': VLAN is not a number in %d..%d", pair,
				   VLAN_VID_MIN, VLAN_VID_MAX);
	return vnimap_insert(m, (uint32_t)vni, (uint16_t)vlan, pair, err, errlen);
}

int vxlan_vnimap_parse(const char *text, struct vxlan_vnimap *m, char *err, size_t errlen)
{
	char buf[TRANSPORT_TEXT_MAX];
	size_t len = strlen(text);
	int r;

	memset(m, 0, sizeof(*m));
	if (len >= sizeof(buf))
		return vlan_fail(err, errlen, "vni map longer than %zu characters", sizeof(buf) - 1);
	memcpy(buf, text, len + 1);
	for (char *s = buf, *comma; s; s = comma ? comma + 1 : NULL) {
		char shown[LOG_ESCAPED_LEN(64)];
		size_t n;

		comma = strchr(s, ',');
		if (comma)
			*comma = 0;
		n = strlen(s);
		log_escape(s, n > 64 ? 64 : n, shown, sizeof(shown));
		if ((r = vnimap_pair(m, s, shown, err, errlen)))
			return r;
	}
	return 0;
}

uint16_t vxlan_vnimap_vlan(const struct vxlan_vnimap *m, uint32_t vni)
{
	unsigned int lo = 0, hi = m->n;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (m->vni[mid] == vni)
			return m->vlan[mid];
		if (m->vni[mid] < vni)
			lo = mid + 1;
		else
			hi = mid;
	}
	return VXLAN_VNIMAP_NONE;
}

void vxlan_vnimap_index(const struct vxlan_vnimap *m, uint32_t *vni_of)
{
	for (unsigned int v = 0; v <= VLAN_VID_MAX + 1; v++)
		vni_of[v] = VXLAN_VNIMAP_UNMAPPED;
	for (unsigned int i = 0; i < m->n; i++)
		vni_of[m->vlan[i]] = m->vni[i];
}

void vxlan_vnimap_port(const struct vxlan_vnimap *m, struct vlan_port *p)
{
	memset(p, 0, sizeof(*p));
	p->mode = VLAN_TRUNK;
	for (unsigned int i = 0; i < m->n; i++)
		vlan_set(p->member, m->vlan[i]);
}

void vxlan_vnimap_format(const struct vxlan_vnimap *m, char *buf, size_t len)
{
	size_t at = 0;

	if (len)
		buf[0] = 0;
	for (unsigned int i = 0; i < m->n && at < len; i++) {
		int w = snprintf(buf + at, len - at, "%s%u:%u", i ? "," : "", m->vni[i], m->vlan[i]);

		if (w < 0)
			return;
		at += (size_t)w;
	}
}
