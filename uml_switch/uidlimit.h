/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * uidlimit - what each user (by the uid of SO_PEERCRED) holds of the switch: control
 * connections still handshaking, management connections and ports, each capped per user and
 * in total, so that one user cannot lock the others out.
 *
 * The switch's own user is exempt from the per-user caps (it could stop the switch anyway),
 * not from the totals. A refusal is counted every time and logged once per user and kind,
 * until that user holds none of the kind again: a flood of attempts is one log line.
 */
#ifndef UMLNET_SWITCH_UIDLIMIT_H
#define UMLNET_SWITCH_UIDLIMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum uidlim_kind {
	UIDLIM_PENDING,  /* control connections before their request is complete */
	UIDLIM_MGMT,     /* management connections */
	UIDLIM_PORTS,    /* ports (daemon protocol and bess) */
	UIDLIM_KINDS
};

struct uidlim_user {
	uid_t uid;
	uint32_t held[UIDLIM_KINDS];
	uint8_t logged;             /* kinds (bits) whose refusal was logged */
};

struct uidlim {
	uid_t exempt;
	uint32_t per_uid[UIDLIM_KINDS];  /* 0: no per-user cap */
	uint32_t max[UIDLIM_KINDS];      /* 0: no total cap */
	uint32_t total[UIDLIM_KINDS];
	uint64_t refused[UIDLIM_KINDS];
	bool total_logged[UIDLIM_KINDS];
	struct uidlim_user *users;       /* users holding anything */
	uint32_t nusers, cap;
};

void uidlim_init(struct uidlim *u, uid_t exempt);
void uidlim_free(struct uidlim *u);
/* Takes one of kind k for uid; false (counted, logged once, naming pid) when over a cap. */
bool uidlim_take(struct uidlim *u, enum uidlim_kind k, uid_t uid, pid_t pid);
/* Gives back one taken with uidlim_take(). */
void uidlim_put(struct uidlim *u, enum uidlim_kind k, uid_t uid);
uint32_t uidlim_held(const struct uidlim *u, enum uidlim_kind k, uid_t uid);
const char *uidlim_kind_name(enum uidlim_kind k);

#endif
