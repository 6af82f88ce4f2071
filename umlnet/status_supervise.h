/* SPDX-License-Identifier: GPL-2.0-or-later */
/* status_supervise - the supervisor and each process's restarts in `umlnet status`. */
#ifndef UMLNET_STATUS_SUPERVISE_H
#define UMLNET_STATUS_SUPERVISE_H

#include "state.h"

#include <stdio.h>

/* The "supervisor:" line and the PROCESS table. */
void status_supervise_text(const struct state *st, FILE *f);
/* ,"supervisor":{...},"processes":[{kind,name,pid,state,restarts,last_exit}...] */
void status_supervise_json(const struct state *st, FILE *f);

#endif
