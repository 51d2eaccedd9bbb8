/* cpuclock.c — the clock a core really runs at, timed on a chain of dependent integer adds. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "cpuclock.h"

#include <stdint.h>
#include <time.h>

#define CPUCLOCK_STR_(x) #x
#define CPUCLOCK_STR(x) CPUCLOCK_STR_(x)

#define CPUCLOCK_ADDS 128        /* adds per loop iteration; the loop's own branch hides in them */
#define CPUCLOCK_TRIALS 32       /* short trials: some fit between two preemptions of a busy CPU */
#define CPUCLOCK_CHUNK 4096      /* iterations per warm-up step: 0.5M cycles, ~0.2 ms at 3 GHz */
#define CPUCLOCK_MIN_ITERS 1024  /* per trial: 131k cycles, so clock_gettime's cost is noise */
#define CPUCLOCK_DEFAULT 0.1     /* seconds */
#define CPUCLOCK_MIN_S 0.05
#define CPUCLOCK_MAX_S 10.0
#define CPUCLOCK_WARM_MIN 0.02
#define CPUCLOCK_WARM_MAX 0.05
#define CPUCLOCK_MIN_MHZ 50.0
#define CPUCLOCK_MAX_MHZ 20000.0

#if defined(__x86_64__) || defined(__aarch64__)
#define CPUCLOCK_HAVE_LOOP 1
#endif

const char *
cpuclock_method(void)
{
#ifdef CPUCLOCK_HAVE_LOOP
	return "measured: a chain of dependent integer adds, 1 cycle each, best of "
	    CPUCLOCK_STR(CPUCLOCK_TRIALS) " trials after a warm-up";
#else
	return "not measured: armpy has no timing loop for this architecture";
#endif
}

#ifdef CPUCLOCK_HAVE_LOOP

/* Written once per run so that nothing the loop computes is dead. */
static volatile uint64_t cpuclock_sink;

static double
cpuclock_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return -1;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * iters x CPUCLOCK_ADDS adds, each one needing the result of the one before. The step is a
 * register, not an immediate: a renamer that folds small immediates could otherwise retire the
 * chain faster than one add per cycle. The loop counter is a second, independent chain that
 * runs alongside. asm volatile with acc in and out: the compiler can neither fold nor drop it.
 */
static uint64_t
cpuclock_chain(uint64_t iters, uint64_t acc, uint64_t step)
{
	if (iters == 0)
		return acc;
#if defined(__x86_64__)
	__asm__ __volatile__(
	    "1:\n\t"
	    ".rept " CPUCLOCK_STR(CPUCLOCK_ADDS) "\n\t"
	    "addq %2, %0\n\t"
	    ".endr\n\t"
	    "decq %1\n\t"
	    "jnz 1b"
	    : "+r" (acc), "+r" (iters)
	    : "r" (step)
	    : "cc");
#else
	__asm__ __volatile__(
	    "1:\n\t"
	    ".rept " CPUCLOCK_STR(CPUCLOCK_ADDS) "\n\t"
	    "add %0, %0, %2\n\t"
	    ".endr\n\t"
	    "subs %1, %1, #1\n\t"
	    "b.ne 1b"
	    : "+r" (acc), "+r" (iters)
	    : "r" (step)
	    : "cc");
#endif
	return acc;
}

/* Seconds that iters iterations take; -1 when the clock fails. */
static double
cpuclock_time(uint64_t iters)
{
	double t0, t1;

	t0 = cpuclock_now();
	cpuclock_sink = cpuclock_chain(iters, cpuclock_sink, 1);
	t1 = cpuclock_now();
	if (t0 < 0 || t1 < 0)
		return -1;
	return t1 - t0;
}

/*
 * Runs the loop for about `seconds`; returns the best iterations per second of its steps. The
 * best, not the last: a preempted last step would size the trials far too short.
 */
static double
cpuclock_warm(double seconds)
{
	double t, total = 0, rate = -1;

	do {
		if ((t = cpuclock_time(CPUCLOCK_CHUNK)) < 0)
			return -1;
		if (t > 0 && CPUCLOCK_CHUNK / t > rate)
			rate = CPUCLOCK_CHUNK / t;
		total += t;
	} while (total < seconds);
	return rate;
}

double
cpuclock_measure_mhz(double seconds)
{
	double warm, rate, t, best = -1, mhz;
	uint64_t iters;
	int i;

	if (!(seconds > 0))
		seconds = CPUCLOCK_DEFAULT;
	if (seconds < CPUCLOCK_MIN_S)
		seconds = CPUCLOCK_MIN_S;
	if (seconds > CPUCLOCK_MAX_S)
		seconds = CPUCLOCK_MAX_S;
	warm = seconds / 4;
	if (warm < CPUCLOCK_WARM_MIN)
		warm = CPUCLOCK_WARM_MIN;
	if (warm > CPUCLOCK_WARM_MAX)
		warm = CPUCLOCK_WARM_MAX;

	/* A rate that is already nonsense would also size the trials absurdly: stop here. */
	rate = cpuclock_warm(warm);
	if (rate <= 0 || rate * CPUCLOCK_ADDS > CPUCLOCK_MAX_MHZ * 1e6)
		return -1;
	iters = (uint64_t)(rate * (seconds - warm) / CPUCLOCK_TRIALS);
	if (iters < CPUCLOCK_MIN_ITERS)
		iters = CPUCLOCK_MIN_ITERS;

	for (i = 0; i < CPUCLOCK_TRIALS; i++) {
		if ((t = cpuclock_time(iters)) < 0)
			return -1;
		if (t > 0 && (best < 0 || t < best))
			best = t;
	}
	if (best <= 0)
		return -1;
	mhz = (double)iters * CPUCLOCK_ADDS / best / 1e6;
	if (mhz < CPUCLOCK_MIN_MHZ || mhz > CPUCLOCK_MAX_MHZ)
		return -1;
	return mhz;
}

#else

double
cpuclock_measure_mhz(double seconds)
{
	(void)seconds;
	return -1;
}

#endif
