/* cpuclock.h — the clock a core really runs at, timed rather than read from /proc/cpuinfo. */
/* SPDX-License-Identifier: MIT */
#ifndef CPUCLOCK_H
#define CPUCLOCK_H

/*
 * Measures the clock of the core the calling thread runs on, in MHz.
 *
 * What it measures: the clock the core actually ran at while it was measuring, turbo/boost
 * included, not the nominal clock that cpuinfo's "cpu MHz" often shows. It times, with
 * CLOCK_MONOTONIC, a chain of dependent integer register adds (one cycle of latency each on every
 * x86_64 and aarch64 core), so cycles = adds. A warm-up of the same loop runs first so that the
 * core leaves its idle clock; then the fastest of several trials wins (an interruption or a
 * preemption only makes a trial slower, never faster).
 *
 * Cost: about `seconds` of one busy core; 0.05 to 0.2 is plenty. Values at or below 0, or NaN,
 * mean 0.1; others are clamped to [0.05, 10]. The thread is not pinned: on a hybrid CPU
 * (big.LITTLE, P and E cores) pin it first if the answer must be about one kind of core.
 *
 * Not meaningful under qemu-user emulation: there the adds are translated code and the answer
 * is the emulator's speed, not a clock. The caller checks facts->emulated and does not call it
 * then.
 *
 * Returns the clock in MHz (> 0), or -1 on an architecture other than x86_64 and aarch64, or
 * when the timing is nonsense (under 50 MHz or over 20000 MHz, or the clock failed).
 */
double cpuclock_measure_mhz(double seconds);

/* How cpuclock_measure_mhz finds the clock, as a short sentence for reports. Static storage,
 * never NULL or empty. */
const char *cpuclock_method(void);

#endif
