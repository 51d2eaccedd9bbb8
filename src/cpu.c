/* cpu.c — /proc/cpuinfo parsing, the aarch64 core table (OpenBLAS TARGET, BLIS config), x86 naming. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "cpu-table.h"
#include "facts.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Where the table comes from:
 * - Implementer and part numbers, and the core names: util-linux sys-utils/lscpu-arm.c (the
 *   reference the DevKit guide's CPU detection page points to), which follows the Linux kernel's
 *   arch/arm64/include/asm/cputype.h.
 * - OpenBLAS TARGET: OpenMathLib/OpenBLAS cpuid_arm64.c (detect(): 0xd03 CORTEXA53, 0xd05
 *   CORTEXA55, 0xd07 CORTEXA57, 0xd08 CORTEXA72, 0xd09 CORTEXA73, 0xd0b CORTEXA76, 0xd0c
 *   NEOVERSEN1, 0xd40 NEOVERSEV1, 0xd49 NEOVERSEN2, 0xd4f NEOVERSEV2 ("NVIDIA Grace et al."),
 *   0xd46 CORTEXA510, 0xd47 CORTEXA710, 0xd44 CORTEXX1, 0x43/0x0af THUNDERX2T99, 0x43/0x0b8
 *   THUNDERX3T110, 0x48/0xd01 TSV110, 0x50/0x000 EMAG8180, 0x46/0x001 A64FX, 0x51/0xc00 FALKOR,
 *   0x61/0x022 VORTEX) and TargetList.txt (ARMV8, and ARMV8SVE for SVE cores it does not know).
 *   These are the CPU's names in OpenBLAS's newest cpuid, not always TARGETs a release builds:
 *   NEOVERSEV2 is named by 0.3.29's cpuid_arm64.c but is in no TargetList.txt up to 0.3.29.
 *   What the pinned release accepts, and its substitutes, are in plan-pins.c
 *   (pin_openblas_target; tests/conform checks them in the pinned tree).
 *   Parts OpenBLAS does not list (Cortex-A75, NVIDIA Carmel/Denver, Broadcom's 0x516 alias of
 *   ThunderX2 aside) get what its cpuid would pick: ARMV8, or ARMV8SVE when SVE is present.
 *   AmpereOne (0xc0/0xac3, 0xac4): OpenBLAS has no AmpereOne target in the sources checked;
 *   its cpuid falls back to ARMV8. We choose NEOVERSEN1: an Armv8.2+ NEON-only core with LSE,
 *   which is what AmpereOne is (no SVE), so the N1 kernels run and are the closest tuning.
 * - BLIS config: flame/blis config_registry (0.9: "arm64: armsve firestorm thunderx2 cortexa57
 *   cortexa53 generic") and its config/ directory (a64fx, armsve, firestorm, thunderx2,
 *   cortexa57, cortexa53; x86: skx haswell sandybridge zen zen2 zen3). NEON-only cores without
 *   their own config use cortexa57 (the armv8a kernels); SVE cores use armsve, A64FX its own.
 */
#define SRC_ARM "lscpu-arm.c (util-linux); OpenBLAS cpuid_arm64.c and TargetList.txt; BLIS " \
	"0.9.0 config_registry"
#define SRC_ARM_GENERIC "lscpu-arm.c (util-linux); OpenBLAS cpuid_arm64.c does not list it: " \
	"ARMV8, what its cpuid picks; BLIS 0.9.0 config_registry"
#define SRC_AMPERE "lscpu-arm.c (util-linux); no AmpereOne target in OpenBLAS (its cpuid: " \
	"ARMV8): armpy's choice, NEOVERSEN1, for an Armv8.2+ NEON core with LSE and no SVE"
#define SRC_APPLE "lscpu-arm.c (util-linux); OpenBLAS cpuid_arm64.c (0x022: VORTEX); BLIS " \
	"0.9.0 config/firestorm"
#define CHECKED_CPU "2026-12-02"

static const struct cpu_part cpu_parts[] = {
	/* Arm Ltd */
	{ 0x41, 0xd03, "Cortex-A53", "CORTEXA53", "cortexa53",
	    SRC_ARM, CHECKED_CPU },
	{ 0x41, 0xd04, "Cortex-A35", "ARMV8", "cortexa53",
	    SRC_ARM_GENERIC, CHECKED_CPU },
	{ 0x41, 0xd05, "Cortex-A55", "CORTEXA55", "cortexa53",
	    SRC_ARM, CHECKED_CPU },
	{ 0x41, 0xd07, "Cortex-A57", "CORTEXA57", "cortexa57",
	    SRC_ARM, CHECKED_CPU },
	{ 0x41, 0xd08, "Cortex-A72", "CORTEXA72", "cortexa57",
	    SRC_ARM, CHECKED_CPU },
	{ 0x41, 0xd09, "Cortex-A73", "CORTEXA73", "cortexa57",
	    SRC_ARM, CHECKED_CPU },
	{ 0x41, 0xd0a, "Cortex-A75", "ARMV8", "cortexa57",
	    SRC_ARM_GENERIC, CHECKED_CPU },
	{ 0x41, 0xd0b, "Cortex-A76", "CORTEXA76", "cortexa57",
	    SRC_ARM, CHECKED_CPU },
	{ 0x41, 0xd0c, "Neoverse-N1", "NEOVERSEN1", "cortexa57",
	    SRC_ARM, CHECKED_CPU },
	{ 0x41, 0xd0d, "Cortex-A77", "ARMV8", "cortexa57",
	    SRC_ARM_GENERIC, CHECKED_CPU },
	{ 0x41, 0xd40, "Neoverse-V1", "NEOVERSEV1", "armsve",
	    SRC_ARM, CHECKED_CPU },
	{ 0x41, 0xd41, "Cortex-A78", "ARMV8", "cortexa57",
	    SRC_ARM_GENERIC, CHECKED_CPU },
	{ 0x41, 0xd44, "Cortex-X1", "CORTEXX1", "cortexa57",
	    SRC_ARM, CHECKED_CPU },
	{ 0x41, 0xd46, "Cortex-A510", "CORTEXA510", "armsve",
	    SRC_ARM, CHECKED_CPU },
	{ 0x41, 0xd47, "Cortex-A710", "CORTEXA710", "armsve",
	    SRC_ARM, CHECKED_CPU },
	{ 0x41, 0xd49, "Neoverse-N2", "NEOVERSEN2", "armsve",
	    SRC_ARM, CHECKED_CPU },
	{ 0x41, 0xd4f, "Neoverse-V2", "NEOVERSEV2", "armsve",
	    SRC_ARM, CHECKED_CPU },
	/* Broadcom: its MIDR for ThunderX2 (lscpu-arm.c brcm_part 0x516) */
	{ 0x42, 0x516, "ThunderX2", "THUNDERX2T99", "thunderx2",
	    SRC_ARM, CHECKED_CPU },
	/* Cavium */
	{ 0x43, 0x0a1, "ThunderX-88XX", "THUNDERX", "cortexa57",
	    SRC_ARM, CHECKED_CPU },
	{ 0x43, 0x0af, "ThunderX2", "THUNDERX2T99", "thunderx2",
	    SRC_ARM, CHECKED_CPU },
	{ 0x43, 0x0b8, "ThunderX3-T110", "THUNDERX3T110", "thunderx2",
	    SRC_ARM, CHECKED_CPU },
	/* Fujitsu */
	{ 0x46, 0x001, "A64FX", "A64FX", "a64fx",
	    SRC_ARM, CHECKED_CPU },
	/* HiSilicon */
	{ 0x48, 0xd01, "Kunpeng-920", "TSV110", "cortexa57",
	    SRC_ARM, CHECKED_CPU },
	/* NVIDIA */
	{ 0x4e, 0x000, "Denver", "ARMV8", "cortexa57",
	    SRC_ARM_GENERIC, CHECKED_CPU },
	{ 0x4e, 0x003, "Denver-2", "ARMV8", "cortexa57",
	    SRC_ARM_GENERIC, CHECKED_CPU },
	{ 0x4e, 0x004, "Carmel", "ARMV8", "cortexa57",
	    SRC_ARM_GENERIC, CHECKED_CPU },
	/* Applied Micro (now Ampere): X-Gene / eMAG */
	{ 0x50, 0x000, "eMAG", "EMAG8180", "cortexa57",
	    SRC_ARM, CHECKED_CPU },
	/* Qualcomm */
	{ 0x51, 0xc00, "Falkor", "FALKOR", "cortexa57",
	    SRC_ARM, CHECKED_CPU },
	/* Apple (M1 and M2 families; OpenBLAS names them all VORTEX) */
	{ 0x61, 0x022, "Icestorm-M1", "VORTEX", "firestorm",
	    SRC_APPLE, CHECKED_CPU },
	{ 0x61, 0x023, "Firestorm-M1", "VORTEX", "firestorm",
	    SRC_APPLE, CHECKED_CPU },
	{ 0x61, 0x024, "Icestorm-M1-Pro", "VORTEX", "firestorm",
	    SRC_APPLE, CHECKED_CPU },
	{ 0x61, 0x025, "Firestorm-M1-Pro", "VORTEX", "firestorm",
	    SRC_APPLE, CHECKED_CPU },
	{ 0x61, 0x028, "Icestorm-M1-Max", "VORTEX", "firestorm",
	    SRC_APPLE, CHECKED_CPU },
	{ 0x61, 0x029, "Firestorm-M1-Max", "VORTEX", "firestorm",
	    SRC_APPLE, CHECKED_CPU },
	{ 0x61, 0x032, "Blizzard-M2", "VORTEX", "firestorm",
	    SRC_APPLE, CHECKED_CPU },
	{ 0x61, 0x033, "Avalanche-M2", "VORTEX", "firestorm",
	    SRC_APPLE, CHECKED_CPU },
	/* Phytium */
	{ 0x70, 0x662, "FTC662", "FT2000", "cortexa57",
	    SRC_ARM, CHECKED_CPU },
	{ 0x70, 0x663, "FTC663", "FT2000", "cortexa57",
	    SRC_ARM, CHECKED_CPU },
	/* Ampere */
	{ 0xc0, 0xac3, "AmpereOne", "NEOVERSEN1", "cortexa57",
	    SRC_AMPERE, CHECKED_CPU },
	{ 0xc0, 0xac4, "AmpereOne-A", "NEOVERSEN1", "cortexa57",
	    SRC_AMPERE, CHECKED_CPU },
	{ 0xc0, 0xac5, "AmpereOne-B", "NEOVERSEN1", "cortexa57",
	    SRC_AMPERE, CHECKED_CPU },
};

static const struct {
	unsigned impl;
	const char *name;
} cpu_vendors[] = {
	{ 0x41, "Arm" }, { 0x42, "Broadcom" }, { 0x43, "Cavium" }, { 0x46, "Fujitsu" },
	{ 0x48, "HiSilicon" }, { 0x4e, "NVIDIA" }, { 0x50, "APM" }, { 0x51, "Qualcomm" },
	{ 0x53, "Samsung" }, { 0x56, "Marvell" }, { 0x61, "Apple" }, { 0x70, "Phytium" },
	{ 0xc0, "Ampere" },
};

/* x86 flags worth keeping (BLAS kernel selection); the full list is long and not used. */
static const char *x86_kept_flags[] = {
	"sse2", "ssse3", "sse4_1", "sse4_2", "avx", "avx2", "fma", "avx512f", "avx512dq",
	"avx512bw", "avx512vl", "avx512_bf16", "amx_tile",
};

const char *
arch_multiarch(const char *arch)
{
	static const struct {
		const char *arch;
		const char *triplet;
	} t[] = {
		{ "aarch64", "aarch64-linux-gnu" }, { "arm64", "aarch64-linux-gnu" },
		{ "x86_64", "x86_64-linux-gnu" }, { "amd64", "x86_64-linux-gnu" },
		{ "armv7l", "arm-linux-gnueabihf" }, { "i686", "i386-linux-gnu" },
		{ "i386", "i386-linux-gnu" }, { "ppc64le", "powerpc64le-linux-gnu" },
		{ "s390x", "s390x-linux-gnu" }, { "riscv64", "riscv64-linux-gnu" },
	};
	if (arch == NULL)
		return NULL;
	for (size_t i = 0; i < nitems(t); i++)
		if (strcmp(arch, t[i].arch) == 0)
			return t[i].triplet;
	return NULL;
}

/* Parses "0x41" (or "65") into *out; -1 when not a number. */
static int
cpu_parse_id(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;
	if (s == NULL || *s == '\0')
		return -1;
	v = strtoul(s, &end, 0);
	if (*end != '\0' || v > 0xffff)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* A cpuinfo number in [0, max], or 0 when it is not one (strtol, never atoi: no overflow). */
static int
cpu_parse_small(const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || errno != 0 || v < 0 || v > max)
		return 0;
	return (int)v;
}

/* "cpu MHz : 2596.102" rounded; 0 unless a finite number in [0, 1e6) ("1e400" overflowed
 * the cast to long: undefined behaviour). */
static long
cpu_parse_mhz(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || !isfinite(v) || v < 0 || v >= 1e6)
		return 0;
	return (long)(v + 0.5);
}

static void
cpu_set(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
}

/* Appends a normalised feature name unless present. */
static void
cpu_add_feature(struct cpu_info *cpu, const char *raw)
{
	char *name = xstrdup(raw);
	for (char *p = name; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	/* other spellings of the same hwcaps */
	if (strcmp(name, "lse") == 0) {
		free(name);
		name = xstrdup("atomics");
	} else if (strcmp(name, "neon") == 0) {
		free(name);
		name = xstrdup("asimd");
	}
	/* A real CPU has well under a hundred; the cap keeps a hostile list from going quadratic. */
	if (strv_len(cpu->features) < CPU_MAX_FEATURES && !strv_contains(cpu->features, name))
		cpu->features = strv_push(cpu->features, name);
	free(name);
}

void
cpu_add_features(struct cpu_info *cpu, const char *list)
{
	char *copy = xstrdup(list), *save = NULL;
	for (char *t = strtok_r(copy, " \t", &save); t != NULL; t = strtok_r(NULL, " \t", &save))
		cpu_add_feature(cpu, t);
	free(copy);
}

static void
cpu_add_x86_flags(struct cpu_info *cpu, const char *list)
{
	char *copy = xstrdup(list), *save = NULL;
	for (char *t = strtok_r(copy, " \t", &save); t != NULL; t = strtok_r(NULL, " \t", &save))
		for (size_t i = 0; i < nitems(x86_kept_flags); i++)
			if (strcmp(t, x86_kept_flags[i]) == 0)
				cpu_add_feature(cpu, t);
	free(copy);
}

int
cpuinfo_is_foreign(const char *arch, const char *text)
{
	int arm = 0, x86 = 0;
	const char *p = text;
	if (arch == NULL || text == NULL || strcmp(arch, "aarch64") != 0)
		return 0;
	while (*p != '\0') {
		if (str_startswith(p, "CPU implementer"))
			arm = 1;
		else if (str_startswith(p, "vendor_id") || str_startswith(p, "flags") ||
		    str_startswith(p, "model name"))
			x86 = 1;
		p = strchr(p, '\n');
		if (p == NULL)
			break;
		p++;
	}
	return x86 && !arm;
}

/* What one processor block of cpuinfo says about the core (pointers into the parsed copy). */
struct cpu_block {
	const char *impl, *part, *features, *features_key;
};

/* The core's identity comes from one processor block: the last one that names both its
 * implementer and part. Linux numbers a big.LITTLE SoC's little cores first (RK3588: cpu0-3
 * Cortex-A55, cpu4-7 Cortex-A76), so that is a big core, the one BLAS threads are tuned for;
 * on a uniform CPU every block is the same. Without such a block, the first block's values. */
static void
cpu_block_end(struct cpu_block *b, struct cpu_block *chosen, struct cpu_block *first)
{
	if (b->impl != NULL && b->part != NULL)
		*chosen = *b;
	if (first->impl == NULL && first->part == NULL && first->features == NULL)
		*first = *b;
	memset(b, 0, sizeof *b);
}

static void
cpu_block_apply(struct cpu_info *cpu, const struct cpu_block *b, int aarch64)
{
	if (b->impl != NULL && cpu->implementer == NULL)
		cpu->implementer = xstrdup(b->impl);
	if (b->part != NULL && cpu->part == NULL)
		cpu->part = xstrdup(b->part);
	if (b->features == NULL)
		return;
	if (aarch64 || strcmp(b->features_key, "Features") == 0)
		cpu_add_features(cpu, b->features);
	else
		cpu_add_x86_flags(cpu, b->features);
}

/* One "key : value" line; *colon splits it. 0 when it is not such a line. */
static int
cpu_split_line(char *line, char **key, char **value)
{
	char *colon, *e;

	if (line[strspn(line, " \t")] == '#' || (colon = strchr(line, ':')) == NULL)
		return 0;
	*colon = '\0';
	*key = str_trim(line);
	*value = str_trim(colon + 1);
	e = *key + strlen(*key);
	while (e > *key && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return 1;
}

static void
cpu_parse_other(struct cpu_info *cpu, const char *key, const char *value, int aarch64)
{
	if (strcmp(key, "vendor_id") == 0 && cpu->vendor == NULL && !aarch64)
		cpu->vendor = xstrdup(value);
	else if (strcmp(key, "model name") == 0 && cpu->name == NULL && !aarch64)
		cpu->name = xstrdup(value);
	else if (strcmp(key, "cpu family") == 0 && cpu->x86_family == 0)
		cpu->x86_family = cpu_parse_small(value, 0xffff);
	else if (strcmp(key, "model") == 0 && cpu->x86_model == 0)
		cpu->x86_model = cpu_parse_small(value, 0xffff);
	else if (strcmp(key, "cpu MHz") == 0 && cpu->mhz == 0)
		cpu->mhz = cpu_parse_mhz(value);
}

void
cpuinfo_parse(struct cpu_info *cpu, const char *arch, const char *text)
{
	char *copy, *line, *key, *value, *save = NULL;
	int aarch64 = arch != NULL && strcmp(arch, "aarch64") == 0;
	int foreign = cpuinfo_is_foreign(arch, text);
	int cores = 0;
	struct cpu_block b = { 0 }, chosen = { 0 }, first = { 0 };

	if (text == NULL)
		return;
	copy = xstrdup(text);
	for (line = strtok_r(copy, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (!cpu_split_line(line, &key, &value))
			continue;
		if (strcmp(key, "processor") == 0) {
			cpu_block_end(&b, &chosen, &first);
			cores++;
		} else if (foreign)
			continue;   /* the host's text under qemu-user: nothing in it is ours */
		else if (strcmp(key, "CPU implementer") == 0 && b.impl == NULL)
			b.impl = value;
		else if (strcmp(key, "CPU part") == 0 && b.part == NULL)
			b.part = value;
		else if ((strcmp(key, "Features") == 0 || strcmp(key, "flags") == 0) &&
		    b.features == NULL) {
			b.features = value;
			b.features_key = key;
		} else
			cpu_parse_other(cpu, key, value, aarch64);
	}
	cpu_block_end(&b, &chosen, &first);
	cpu_block_apply(cpu, chosen.impl != NULL ? &chosen : &first, aarch64);
	free(copy);
	if (cores > 0)
		cpu->cores = cores;
}

void
cpu_midr_apply(struct cpu_info *cpu, uint64_t midr)
{
	char tmp[16];
	snprintf(tmp, sizeof tmp, "0x%02x", (unsigned)((midr >> 24) & 0xff));
	cpu_set(&cpu->implementer, tmp);
	snprintf(tmp, sizeof tmp, "0x%03x", (unsigned)((midr >> 4) & 0xfff));
	cpu_set(&cpu->part, tmp);
}

const struct cpu_part *
cpu_part_table(int *n)
{
	*n = (int)nitems(cpu_parts);
	return cpu_parts;
}

static void
cpu_identify_aarch64(struct cpu_info *cpu)
{
	unsigned impl, part;
	int sve = strv_contains(cpu->features, "sve");

	free(cpu->openblas_target);
	free(cpu->blis_config);
	cpu->openblas_target = cpu->blis_config = NULL;
	if (cpu_parse_id(cpu->implementer, &impl) != 0) {
		cpu_set(&cpu->name, "unknown");
		return;   /* nothing trustworthy: leave the targets unknown */
	}
	for (size_t i = 0; i < nitems(cpu_vendors); i++)
		if (cpu_vendors[i].impl == impl)
			cpu_set(&cpu->vendor, cpu_vendors[i].name);
	if (cpu_parse_id(cpu->part, &part) == 0) {
		for (size_t i = 0; i < nitems(cpu_parts); i++) {
			if (cpu_parts[i].impl == impl && cpu_parts[i].part == part) {
				cpu_set(&cpu->name, cpu_parts[i].name);
				cpu->openblas_target = xstrdup(cpu_parts[i].openblas);
				cpu->blis_config = xstrdup(cpu_parts[i].blis);
				return;
			}
		}
	}
	/* An Arm core we cannot name: the generic targets, as OpenBLAS's own cpuid would. */
	{
		char *n = xasprintf("unknown (implementer %s, part %s)", cpu->implementer,
		    cpu->part != NULL ? cpu->part : "?");
		free(cpu->name);
		cpu->name = n;
	}
	cpu->openblas_target = xstrdup(sve ? "ARMV8SVE" : "ARMV8");
	cpu->blis_config = xstrdup(sve ? "armsve" : "arm64");
}

static void
cpu_identify_x86(struct cpu_info *cpu)
{
	int avx512 = strv_contains(cpu->features, "avx512f");
	int avx2 = strv_contains(cpu->features, "avx2") && strv_contains(cpu->features, "fma");
	int avx = strv_contains(cpu->features, "avx");
	int amd = cpu->vendor != NULL && strcmp(cpu->vendor, "AuthenticAMD") == 0;
	const char *ob = NULL, *bl = "x86_64";

	free(cpu->openblas_target);
	free(cpu->blis_config);
	if (cpu->name == NULL)
		cpu->name = xstrdup("unknown");
	if (amd && avx2) {
		/* OpenBLAS: ZEN for every Zen (explicit: 0.3.21's getarch, cpuid_x86.c, calls
		 * family 1Ah BARCELONA); BLIS: family 17h model < 0x30 zen, >= 0x30 zen2, 19h and
		 * later zen3, the newest config in Debian 12's BLIS 0.9.0 (bli_cpuid.c knows no
		 * family 1Ah, Zen 5: a zen3 build runs its AVX2/FMA kernels there without asking
		 * cpuid, where BLIS's amd64 family build would fall back to generic). */
		ob = "ZEN";
		if (cpu->x86_family == 0x17)
			bl = cpu->x86_model >= 0x30 ? "zen2" : "zen";
		else if (cpu->x86_family >= 0x19)
			bl = "zen3";
		else
			bl = "zen";
	} else if (avx512) {
		ob = "SKYLAKEX";
		bl = "skx";
	} else if (avx2) {
		ob = "HASWELL";
		bl = "haswell";
	} else if (avx) {
		ob = "SANDYBRIDGE";
		bl = "sandybridge";
	} else if (strv_contains(cpu->features, "sse4_2")) {
		ob = "NEHALEM";
	} else if (strv_contains(cpu->features, "sse2")) {
		ob = "PRESCOTT";
	}
	cpu->openblas_target = xstrdup(ob);
	cpu->blis_config = xstrdup(bl);
}

void
cpu_identify(struct cpu_info *cpu, const char *arch)
{
	if (arch != NULL && strcmp(arch, "aarch64") == 0)
		cpu_identify_aarch64(cpu);
	else if (arch != NULL && strcmp(arch, "x86_64") == 0)
		cpu_identify_x86(cpu);
	else if (cpu->name == NULL)
		cpu->name = xstrdup("unknown");
}

void
cpu_info_clear(struct cpu_info *cpu)
{
	free(cpu->vendor);
	free(cpu->implementer);
	free(cpu->part);
	free(cpu->name);
	free(cpu->openblas_target);
	free(cpu->blis_config);
	strv_free(cpu->features);
	memset(cpu, 0, sizeof *cpu);
}
