/* cpu-table.h — the aarch64 core table of cpu.c (OpenBLAS TARGET, BLIS config), each row cited. */
/* SPDX-License-Identifier: MIT */
#ifndef CPU_TABLE_H
#define CPU_TABLE_H

/* One core by MIDR implementer and part: its name (lscpu-arm.c's), the OpenBLAS TARGET its
 * newest cpuid names (what the pinned release builds is plan-pins.c's business) and the BLIS
 * configuration. `source` names where the row comes from, `checked` (YYYY-MM-DD) the day it
 * was last compared with it. */
struct cpu_part {
	unsigned impl;
	unsigned part;
	const char *name;
	const char *openblas;
	const char *blis;
	const char *source;
	const char *checked;
};

const struct cpu_part *cpu_part_table(int *n);

#endif
