/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * clock - the monotonic clock as the programs use it: whole seconds for ageing tables (the
 * coarse clock: a vDSO read without the hardware counter, cheap enough for every batch) and
 * milliseconds for deadlines.
 */
#ifndef UMLNET_CLOCK_H
#define UMLNET_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint32_t clock_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint32_t)ts.tv_sec;
}

static inline long long clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
