/* test-detect.c — unit tests for facts: os-release, cpuinfo fixtures, the core table, YAML both ways. */
/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "armpy.h"
#include "facts.h"
#include "ydoc.h"

#define OSR "tests/fixtures/os-release/"
#define CPU "tests/fixtures/cpuinfo/"

static char *
slurp(const char *path)
{
	char *cause = NULL, *s = file_read(path, 1 << 22, NULL, &cause);
	if (s == NULL) {
		print_error("%s\n", cause);
		fail();
	}
	return s;
}

static void
str_eq(const char *what, const char *got, const char *want)
{
	if ((got == NULL) != (want == NULL) || (got != NULL && strcmp(got, want) != 0)) {
		print_error("%s: got '%s', want '%s'\n", what, got ? got : "(null)",
		    want ? want : "(null)");
		fail();
	}
}

/* ---- os-release ---- */

static const struct {
	const char *file, *id, *version, *family, *pm, *pretty;
} osr_cases[] = {
	{ "debian-12", "debian", "12", "debian", "apt", "Debian GNU/Linux 12 (bookworm)" },
	{ "debian-11", "debian", "11", "debian", "apt", "Debian GNU/Linux 11 (bullseye)" },
	{ "ubuntu-22.04", "ubuntu", "22.04", "debian", "apt", "Ubuntu 22.04.4 LTS" },
	{ "ubuntu-24.04", "ubuntu", "24.04", "debian", "apt", "Ubuntu 24.04.1 LTS" },
	{ "ubuntu-18.04", "ubuntu", "18.04", "debian", "apt", "Ubuntu 18.04.6 LTS" },
	{ "rhel-8", "rhel", "8.6", "rhel", "dnf", "Red Hat Enterprise Linux 8.6 (Ootpa)" },
	{ "centos-stream-8", "centos", "8", "rhel", "dnf", "CentOS Stream 8" },
	{ "centos-7", "centos", "7", "rhel", "yum", "CentOS Linux 7 (Core)" },
	{ "rocky-9", "rocky", "9.3", "rhel", "dnf", "Rocky Linux 9.3 (Blue Onyx)" },
	{ "almalinux-8", "almalinux", "8.9", "rhel", "dnf", "AlmaLinux 8.9 (Midnight Oncilla)" },
	{ "ol-8", "ol", "8.8", "rhel", "dnf", "Oracle Linux Server 8.8" },
	{ "amzn-2", "amzn", "2", "rhel", "yum", "Amazon Linux 2" },
	{ "amzn-2023", "amzn", "2023", "rhel", "dnf", "Amazon Linux 2023.4.20240401" },
	{ "sles-15", "sles", "15.5", "suse", "zypper", "SUSE Linux Enterprise Server 15 SP5" },
	{ "opensuse-leap", "opensuse-leap", "15.5", "suse", "zypper", "openSUSE Leap 15.5" },
	{ "alpine-3.18", "alpine", "3.18.4", "alpine", "apk", "Alpine Linux v3.18" },
	{ "fedora", "fedora", "39", "rhel", "dnf", "Fedora Linux 39 (Server Edition)" },
	{ "freebsd", "freebsd", "13.2", "unknown", "none", "FreeBSD 13.2-RELEASE" },
	{ "tricky-no-final-newline", "linuxmint", "21.3", "debian", "apt",
	    "Linux Mint 21.3 \"Virginia\"" },
	{ "tricky-crlf", "ubuntu", "20.04", "debian", "apt", "Ubuntu 20.04.6 LTS" },
	{ "tricky-empty", "linux", NULL, "unknown", "none", "Linux" },
};

static void
test_osrelease_fixtures(void **state)
{
	(void)state;
	for (size_t i = 0; i < nitems(osr_cases); i++) {
		char *path = xasprintf(OSR "%s", osr_cases[i].file), *text = slurp(path);
		char *cause = NULL;
		struct facts *f = facts_new();
		if (osrelease_parse(f, text, &cause) != 0) {
			print_error("%s: %s\n", path, cause);
			fail();
		}
		str_eq(path, f->distro_id, osr_cases[i].id);
		str_eq(path, f->distro_version, osr_cases[i].version);
		str_eq(path, family_name(f->family), osr_cases[i].family);
		str_eq(path, pkg_manager_name(f->package_manager), osr_cases[i].pm);
		str_eq(path, f->pretty_name, osr_cases[i].pretty);
		facts_free(f);
		free(text);
		free(path);
	}
}

static void
test_osrelease_tricky(void **state)
{
	char *text = slurp(OSR "tricky-quoting"), *cause = NULL;
	struct facts *f = facts_new();
	(void)state;
	assert_int_equal(osrelease_parse(f, text, &cause), 0);
	str_eq("id", f->distro_id, "pop");
	str_eq("like", f->distro_like, "ubuntu debian");
	str_eq("version", f->distro_version, "22.04");
	str_eq("pretty", f->pretty_name, "Pop!_OS 22.04 \"Jammy\" \\ $HOME `x` LTS");
	assert_int_equal(f->family, FAMILY_DEBIAN);   /* pop is listed, and ID_LIKE says so too */
	assert_int_equal(f->package_manager, PM_APT);
	facts_free(f);
	free(text);

	text = slurp(OSR "tricky-unterminated");
	f = facts_new();
	assert_int_equal(osrelease_parse(f, text, &cause), -1);
	str_eq("cause", cause, "line 1: ID: unterminated quote");
	free(cause);
	facts_free(f);
	free(text);
}

static void
test_osrelease_like(void **state)
{
	static const struct {
		const char *text;
		enum distro_family fam;
		enum pkg_manager pm;
	} c[] = {
		{ "ID=someubuntu\nID_LIKE=\"ubuntu debian\"\n", FAMILY_DEBIAN, PM_APT },
		{ "ID=raspbian\nVERSION_ID=11\n", FAMILY_DEBIAN, PM_APT },
		{ "ID=myrhel\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=7.9\n", FAMILY_RHEL, PM_YUM },
		{ "ID=myrhel\nID_LIKE=\"rhel\"\nVERSION_ID=9\n", FAMILY_RHEL, PM_DNF },
		{ "ID=rhel\nVERSION_ID=7.9\n", FAMILY_RHEL, PM_YUM },
		{ "ID=opensuse-tumbleweed\nID_LIKE=\"opensuse suse\"\n", FAMILY_SUSE, PM_ZYPPER },
		{ "ID=gecko\nID_LIKE=suse\n", FAMILY_SUSE, PM_ZYPPER },
		{ "ID=postmarketos\nID_LIKE=alpine\n", FAMILY_ALPINE, PM_APK },
		{ "ID=arch\n", FAMILY_UNKNOWN, PM_NONE },
		{ "ID=notdebian\nID_LIKE=debianish\n", FAMILY_UNKNOWN, PM_NONE },
	};
	(void)state;
	for (size_t i = 0; i < nitems(c); i++) {
		struct facts *f = facts_new();
		assert_int_equal(osrelease_parse(f, c[i].text, NULL), 0);
		if (f->family != c[i].fam || f->package_manager != c[i].pm) {
			print_error("%s: family %s pm %s\n", c[i].text, family_name(f->family),
			    pkg_manager_name(f->package_manager));
			fail();
		}
		facts_free(f);
	}
}

static void
test_unsupported(void **state)
{
	struct facts *f = facts_new();
	(void)state;
	assert_int_equal(osrelease_parse(f, "ID=freebsd\nVERSION_ID=13.2\n", NULL), 0);
	assert_non_null(facts_unsupported(f));
	assert_non_null(strstr(facts_unsupported(f), "Linux only"));
	facts_free(f);
	f = facts_new();
	assert_int_equal(osrelease_parse(f, "ID=debian\n", NULL), 0);
	assert_null(facts_unsupported(f));
	facts_free(f);
}

/* ---- cpuinfo fixtures ---- */

static const struct {
	const char *file, *arch, *vendor, *impl, *part, *name, *openblas, *blis;
	int cores, sve, sve2, atomics, asimd;
} cpu_cases[] = {
	{ "neoverse-n1-graviton2", "aarch64", "Arm", "0x41", "0xd0c", "Neoverse-N1", "NEOVERSEN1",
	    "cortexa57", 2, 0, 0, 1, 1 },
	{ "neoverse-n1-altra", "aarch64", "Arm", "0x41", "0xd0c", "Neoverse-N1", "NEOVERSEN1",
	    "cortexa57", 4, 0, 0, 1, 1 },
	{ "neoverse-v1-graviton3", "aarch64", "Arm", "0x41", "0xd40", "Neoverse-V1", "NEOVERSEV1",
	    "armsve", 1, 1, 0, 1, 1 },
	{ "neoverse-v2-grace", "aarch64", "Arm", "0x41", "0xd4f", "Neoverse-V2", "NEOVERSEV2",
	    "armsve", 4, 1, 1, 1, 1 },
	{ "neoverse-n2", "aarch64", "Arm", "0x41", "0xd49", "Neoverse-N2", "NEOVERSEN2", "armsve",
	    4, 1, 1, 1, 1 },
	{ "a64fx", "aarch64", "Fujitsu", "0x46", "0x001", "A64FX", "A64FX", "a64fx", 1, 1, 0, 1, 1 },
	{ "thunderx2", "aarch64", "Cavium", "0x43", "0x0af", "ThunderX2", "THUNDERX2T99",
	    "thunderx2", 4, 0, 0, 1, 1 },
	{ "cortex-a72-rpi4", "aarch64", "Arm", "0x41", "0xd08", "Cortex-A72", "CORTEXA72",
	    "cortexa57", 4, 0, 0, 0, 1 },
	{ "ampereone", "aarch64", "Ampere", "0xc0", "0xac4", "AmpereOne-A", "NEOVERSEN1",
	    "cortexa57", 1, 0, 0, 1, 1 },
	/* big.LITTLE: four Cortex-A55 blocks, then four Cortex-A76: one block names the core */
	{ "rk3588-biglittle", "aarch64", "Arm", "0x41", "0xd0b", "Cortex-A76", "CORTEXA76",
	    "cortexa57", 8, 0, 0, 1, 1 },
	/* the host's text under qemu-user: never named on aarch64 */
	{ "qemu-user-x86-host", "aarch64", NULL, NULL, NULL, "unknown", NULL, NULL, 2, 0, 0, 0, 0 },
	{ "x86-amd-epyc", "x86_64", "AuthenticAMD", NULL, NULL, "AMD EPYC", "ZEN", "zen3", 2, 0, 0,
	    0, 0 },
};

static void
test_cpuinfo_fixtures(void **state)
{
	(void)state;
	for (size_t i = 0; i < nitems(cpu_cases); i++) {
		char *path = xasprintf(CPU "%s", cpu_cases[i].file), *text = slurp(path);
		struct cpu_info c;
		memset(&c, 0, sizeof c);
		cpuinfo_parse(&c, cpu_cases[i].arch, text);
		cpu_identify(&c, cpu_cases[i].arch);
		str_eq(path, c.vendor, cpu_cases[i].vendor);
		str_eq(path, c.implementer, cpu_cases[i].impl);
		str_eq(path, c.part, cpu_cases[i].part);
		str_eq(path, c.name, cpu_cases[i].name);
		str_eq(path, c.openblas_target, cpu_cases[i].openblas);
		str_eq(path, c.blis_config, cpu_cases[i].blis);
		if (c.cores != cpu_cases[i].cores ||
		    strv_contains(c.features, "sve") != cpu_cases[i].sve ||
		    strv_contains(c.features, "sve2") != cpu_cases[i].sve2 ||
		    strv_contains(c.features, "atomics") != cpu_cases[i].atomics ||
		    strv_contains(c.features, "asimd") != cpu_cases[i].asimd) {
			print_error("%s: cores %d sve %d sve2 %d atomics %d asimd %d\n", path, c.cores,
			    strv_contains(c.features, "sve"), strv_contains(c.features, "sve2"),
			    strv_contains(c.features, "atomics"), strv_contains(c.features, "asimd"));
			fail();
		}
		assert_int_equal(cpuinfo_is_foreign(cpu_cases[i].arch, text),
		    strcmp(cpu_cases[i].file, "qemu-user-x86-host") == 0);
		cpu_info_clear(&c);
		free(text);
		free(path);
	}
}

/* Implementer, part and features come from one processor block, never mixed: a block with
 * no part (processor 0) does not lend its implementer to the next block's part. */
static void
test_cpuinfo_one_block(void **state)
{
	struct cpu_info c;
	(void)state;

	memset(&c, 0, sizeof c);
	cpuinfo_parse(&c, "aarch64", "processor : 0\nFeatures : fp asimd\nCPU implementer : 0x41\n"
	    "\nprocessor : 1\nFeatures : fp asimd atomics\nCPU implementer : 0x61\n"
	    "CPU part : 0x022\n");
	cpu_identify(&c, "aarch64");
	str_eq("impl", c.implementer, "0x61");
	str_eq("part", c.part, "0x022");
	str_eq("name", c.name, "Icestorm-M1");
	assert_true(strv_contains(c.features, "atomics"));
	assert_int_equal(c.cores, 2);
	cpu_info_clear(&c);

	/* no block names both: the first block's implementer, no part borrowed from a later one */
	memset(&c, 0, sizeof c);
	cpuinfo_parse(&c, "aarch64", "processor : 0\nCPU implementer : 0x41\n"
	    "processor : 1\nCPU part : 0xd0c\n");
	str_eq("impl", c.implementer, "0x41");
	assert_null(c.part);
	cpu_info_clear(&c);

	/* the old layout (every "processor" line first, one block after them) still names it */
	memset(&c, 0, sizeof c);
	cpuinfo_parse(&c, "aarch64", "Processor : AArch64 Processor rev 1 (aarch64)\n"
	    "processor : 0\nprocessor : 1\nFeatures : fp asimd\nCPU implementer : 0x41\n"
	    "CPU part : 0xd07\n");
	cpu_identify(&c, "aarch64");
	str_eq("name", c.name, "Cortex-A57");
	assert_int_equal(c.cores, 2);
	cpu_info_clear(&c);
}

/* AMD's families around each BLIS 0.9.0 zen configuration (frame/base/bli_cpuid.c: zen and
 * zen2 are family 0x17 split at model 0x30, zen3 is family 0x19; 0.9.0 has no zen4/zen5, and a
 * single-configuration build runs its kernels without a cpuid check, so family 0x1A (Zen 5)
 * and later build zen3, whose AVX2/FMA kernels they run). OpenBLAS: ZEN for every AVX2 Zen,
 * named explicitly because 0.3.21's getarch calls family 0x1A BARCELONA (cpuid_x86.c). */
static void
test_amd_families(void **state)
{
	static const struct {
		int family, model;
		const char *blis;
	} t[] = {
		{ 0x17, 0x2f, "zen" }, { 0x17, 0x30, "zen2" }, { 0x17, 0x31, "zen2" },
		{ 0x18, 0x00, "zen" }, { 0x19, 0x00, "zen3" }, { 0x19, 0x61, "zen3" },
		{ 0x1a, 0x00, "zen3" }, { 0x1a, 0x11, "zen3" }, { 0x1b, 0x00, "zen3" },
	};
	(void)state;
	for (size_t i = 0; i < nitems(t); i++) {
		struct cpu_info c;
		char *text = xasprintf("processor : 0\nvendor_id : AuthenticAMD\ncpu family : %d\n"
		    "model : %d\nmodel name : AMD EPYC\nflags : fpu sse2 avx avx2 fma avx512f\n",
		    t[i].family, t[i].model);

		memset(&c, 0, sizeof c);
		cpuinfo_parse(&c, "x86_64", text);
		cpu_identify(&c, "x86_64");
		if (strcmp(c.blis_config, t[i].blis) != 0 || strcmp(c.openblas_target, "ZEN") != 0)
			fail_msg("family 0x%x model 0x%x: BLIS %s, OpenBLAS %s; want %s, ZEN",
			    t[i].family, t[i].model, c.blis_config, c.openblas_target, t[i].blis);
		cpu_info_clear(&c);
		free(text);
	}
}

static void
test_cpuinfo_details(void **state)
{
	struct cpu_info c;
	char *text;
	(void)state;

	/* the x86 host text read as x86_64 is named; features keep only BLAS-relevant flags */
	text = slurp(CPU "x86-amd-epyc");
	memset(&c, 0, sizeof c);
	cpuinfo_parse(&c, "x86_64", text);
	assert_int_equal(c.x86_family, 25);
	assert_true(c.mhz > 1000);
	assert_true(strv_contains(c.features, "avx2"));
	assert_false(strv_contains(c.features, "vme"));
	cpu_info_clear(&c);
	free(text);

	/* comment lines are skipped; upper-case and alias spellings normalise */
	memset(&c, 0, sizeof c);
	cpuinfo_parse(&c, "aarch64", "# Features : sve\nprocessor : 0\nFeatures : FP NEON LSE sve2\n"
	    "CPU implementer : 0x41\nCPU part : 0xd0c\n");
	assert_true(strv_contains(c.features, "asimd"));
	assert_true(strv_contains(c.features, "atomics"));
	assert_true(strv_contains(c.features, "fp"));
	assert_true(strv_contains(c.features, "sve2"));
	assert_false(strv_contains(c.features, "sve"));
	assert_int_equal(c.cores, 1);
	cpu_info_clear(&c);

	/* MIDR_EL1 from sysfs: 0x413fd0c1 is Arm (0x41) part 0xd0c r3p1 */
	memset(&c, 0, sizeof c);
	cpu_midr_apply(&c, 0x00000000413fd0c1ULL);
	str_eq("impl", c.implementer, "0x41");
	str_eq("part", c.part, "0xd0c");
	cpu_identify(&c, "aarch64");
	str_eq("name", c.name, "Neoverse-N1");
	cpu_info_clear(&c);

	/* an Arm part not in the table: generic targets, SVE or not */
	memset(&c, 0, sizeof c);
	cpuinfo_parse(&c, "aarch64", "CPU implementer : 0x41\nCPU part : 0xd8e\nFeatures : asimd sve\n");
	cpu_identify(&c, "aarch64");
	str_eq("vendor", c.vendor, "Arm");
	str_eq("ob", c.openblas_target, "ARMV8SVE");
	str_eq("blis", c.blis_config, "armsve");
	assert_non_null(strstr(c.name, "0xd8e"));
	cpu_info_clear(&c);
	memset(&c, 0, sizeof c);
	cpuinfo_parse(&c, "aarch64", "CPU implementer : 0x51\nCPU part : 0x801\nFeatures : asimd\n");
	cpu_identify(&c, "aarch64");
	str_eq("ob", c.openblas_target, "ARMV8");
	str_eq("blis", c.blis_config, "arm64");
	cpu_info_clear(&c);
}

/* Every row of the core table, checked against the names OpenBLAS and BLIS use. */
static void
test_cpu_table(void **state)
{
	static const struct {
		const char *impl, *part, *vendor, *name, *openblas, *blis;
	} t[] = {
		{ "0x41", "0xd03", "Arm", "Cortex-A53", "CORTEXA53", "cortexa53" },
		{ "0x41", "0xd04", "Arm", "Cortex-A35", "ARMV8", "cortexa53" },
		{ "0x41", "0xd05", "Arm", "Cortex-A55", "CORTEXA55", "cortexa53" },
		{ "0x41", "0xd07", "Arm", "Cortex-A57", "CORTEXA57", "cortexa57" },
		{ "0x41", "0xd08", "Arm", "Cortex-A72", "CORTEXA72", "cortexa57" },
		{ "0x41", "0xd09", "Arm", "Cortex-A73", "CORTEXA73", "cortexa57" },
		{ "0x41", "0xd0a", "Arm", "Cortex-A75", "ARMV8", "cortexa57" },
		{ "0x41", "0xd0b", "Arm", "Cortex-A76", "CORTEXA76", "cortexa57" },
		{ "0x41", "0xd0c", "Arm", "Neoverse-N1", "NEOVERSEN1", "cortexa57" },
		{ "0x41", "0xd0d", "Arm", "Cortex-A77", "ARMV8", "cortexa57" },
		{ "0x41", "0xd40", "Arm", "Neoverse-V1", "NEOVERSEV1", "armsve" },
		{ "0x41", "0xd41", "Arm", "Cortex-A78", "ARMV8", "cortexa57" },
		{ "0x41", "0xd44", "Arm", "Cortex-X1", "CORTEXX1", "cortexa57" },
		{ "0x41", "0xd46", "Arm", "Cortex-A510", "CORTEXA510", "armsve" },
		{ "0x41", "0xd47", "Arm", "Cortex-A710", "CORTEXA710", "armsve" },
		{ "0x41", "0xd49", "Arm", "Neoverse-N2", "NEOVERSEN2", "armsve" },
		{ "0x41", "0xd4f", "Arm", "Neoverse-V2", "NEOVERSEV2", "armsve" },
		{ "0x42", "0x516", "Broadcom", "ThunderX2", "THUNDERX2T99", "thunderx2" },
		{ "0x43", "0x0a1", "Cavium", "ThunderX-88XX", "THUNDERX", "cortexa57" },
		{ "0x43", "0x0af", "Cavium", "ThunderX2", "THUNDERX2T99", "thunderx2" },
		{ "0x43", "0x0b8", "Cavium", "ThunderX3-T110", "THUNDERX3T110", "thunderx2" },
		{ "0x46", "0x001", "Fujitsu", "A64FX", "A64FX", "a64fx" },
		{ "0x48", "0xd01", "HiSilicon", "Kunpeng-920", "TSV110", "cortexa57" },
		{ "0x4e", "0x000", "NVIDIA", "Denver", "ARMV8", "cortexa57" },
		{ "0x4e", "0x003", "NVIDIA", "Denver-2", "ARMV8", "cortexa57" },
		{ "0x4e", "0x004", "NVIDIA", "Carmel", "ARMV8", "cortexa57" },
		{ "0x50", "0x000", "APM", "eMAG", "EMAG8180", "cortexa57" },
		{ "0x51", "0xc00", "Qualcomm", "Falkor", "FALKOR", "cortexa57" },
		{ "0x61", "0x022", "Apple", "Icestorm-M1", "VORTEX", "firestorm" },
		{ "0x61", "0x023", "Apple", "Firestorm-M1", "VORTEX", "firestorm" },
		{ "0x61", "0x024", "Apple", "Icestorm-M1-Pro", "VORTEX", "firestorm" },
		{ "0x61", "0x025", "Apple", "Firestorm-M1-Pro", "VORTEX", "firestorm" },
		{ "0x61", "0x028", "Apple", "Icestorm-M1-Max", "VORTEX", "firestorm" },
		{ "0x61", "0x029", "Apple", "Firestorm-M1-Max", "VORTEX", "firestorm" },
		{ "0x61", "0x032", "Apple", "Blizzard-M2", "VORTEX", "firestorm" },
		{ "0x61", "0x033", "Apple", "Avalanche-M2", "VORTEX", "firestorm" },
		{ "0x70", "0x662", "Phytium", "FTC662", "FT2000", "cortexa57" },
		{ "0x70", "0x663", "Phytium", "FTC663", "FT2000", "cortexa57" },
		{ "0xc0", "0xac3", "Ampere", "AmpereOne", "NEOVERSEN1", "cortexa57" },
		{ "0xc0", "0xac4", "Ampere", "AmpereOne-A", "NEOVERSEN1", "cortexa57" },
		{ "0xc0", "0xac5", "Ampere", "AmpereOne-B", "NEOVERSEN1", "cortexa57" },
	};
	(void)state;
	for (size_t i = 0; i < nitems(t); i++) {
		struct cpu_info c;
		char *text = xasprintf("processor : 0\nCPU implementer : %s\nCPU part : %s\n",
		    t[i].impl, t[i].part);
		memset(&c, 0, sizeof c);
		cpuinfo_parse(&c, "aarch64", text);
		cpu_identify(&c, "aarch64");
		str_eq(text, c.vendor, t[i].vendor);
		str_eq(text, c.name, t[i].name);
		str_eq(text, c.openblas_target, t[i].openblas);
		str_eq(text, c.blis_config, t[i].blis);
		cpu_info_clear(&c);
		free(text);
	}
}

static void
test_x86_targets(void **state)
{
	static const struct {
		const char *text, *openblas, *blis;
	} t[] = {
		{ "vendor_id : GenuineIntel\nmodel name : Xeon\nflags : sse2 avx avx2 fma avx512f\n",
		    "SKYLAKEX", "skx" },
		{ "vendor_id : GenuineIntel\nmodel name : Xeon\nflags : sse2 avx avx2 fma\n",
		    "HASWELL", "haswell" },
		{ "vendor_id : GenuineIntel\nmodel name : Xeon\nflags : sse2 sse4_2 avx\n",
		    "SANDYBRIDGE", "sandybridge" },
		{ "vendor_id : GenuineIntel\nmodel name : Core\nflags : sse2 sse4_2\n", "NEHALEM",
		    "x86_64" },
		{ "vendor_id : AuthenticAMD\ncpu family : 23\nmodel : 1\nflags : avx avx2 fma\n", "ZEN",
		    "zen" },
		{ "vendor_id : AuthenticAMD\ncpu family : 23\nmodel : 49\nflags : avx avx2 fma\n",
		    "ZEN", "zen2" },
		{ "vendor_id : AuthenticAMD\ncpu family : 25\nmodel : 1\nflags : avx avx2 fma\n", "ZEN",
		    "zen3" },
	};
	(void)state;
	for (size_t i = 0; i < nitems(t); i++) {
		struct cpu_info c;
		memset(&c, 0, sizeof c);
		cpuinfo_parse(&c, "x86_64", t[i].text);
		cpu_identify(&c, "x86_64");
		str_eq(t[i].text, c.openblas_target, t[i].openblas);
		str_eq(t[i].text, c.blis_config, t[i].blis);
		cpu_info_clear(&c);
	}
}

static void
test_multiarch(void **state)
{
	(void)state;
	str_eq("aarch64", arch_multiarch("aarch64"), "aarch64-linux-gnu");
	str_eq("x86_64", arch_multiarch("x86_64"), "x86_64-linux-gnu");
	str_eq("armv7l", arch_multiarch("armv7l"), "arm-linux-gnueabihf");
	str_eq("mips", arch_multiarch("mips"), NULL);
	str_eq("arm64", arch_normalise("arm64"), "aarch64");
	str_eq("amd64", arch_normalise("amd64"), "x86_64");
}

/* ---- facts_detect with overrides (what `armpy detect --os-release --cpuinfo --arch` does) ---- */

static struct facts *
detect(const char *osr, const char *cpuinfo, const char *arch, const char *root)
{
	struct detect_opts o = { .root = root, .os_release = osr, .cpuinfo = cpuinfo,
	    .arch = arch, .no_probe = 1 };
	struct facts *f = facts_new();
	char *cause = NULL;
	if (facts_detect(f, &o, &cause) != 0) {
		print_error("detect: %s\n", cause);
		fail();
	}
	return f;
}

static void
test_detect_overrides(void **state)
{
	struct facts *f;
	char *y;
	(void)state;

	f = detect(OSR "ubuntu-22.04", CPU "neoverse-n1-graviton2", "aarch64", NULL);
	str_eq("arch", f->arch, "aarch64");
	str_eq("multiarch", f->multiarch, "aarch64-linux-gnu");
	str_eq("name", f->cpu.name, "Neoverse-N1");
	assert_int_equal(f->cpu.cores, 2);
	assert_int_equal(f->emulated, 0);
	assert_true(facts_has_feature(f, "atomics"));
	assert_false(facts_has_feature(f, "sve"));
	/* another machine's facts: this one's page size, memory and Pythons are not its own */
	assert_int_equal(f->page_size, 0);
	assert_int_equal(f->mem_bytes, 0);
	assert_int_equal(f->npythons, 0);
	assert_null(f->system_python);
	y = facts_to_yaml(f);
	assert_non_null(strstr(y, "\nmultiarch: aarch64-linux-gnu\n"));
	assert_non_null(strstr(y, "  name: Neoverse-N1\n"));
	assert_non_null(strstr(y, "  openblas_target: NEOVERSEN1\n"));
	assert_non_null(strstr(y, "  id: ubuntu\n"));
	assert_non_null(strstr(y, "  version: \"22.04\"\n"));
	assert_non_null(strstr(y, "  implementer: \"0x41\"\n"));
	free(y);
	facts_free(f);

	/* qemu-user: the x86 host text on aarch64 names nothing and says emulated */
	f = detect(OSR "debian-12", CPU "qemu-user-x86-host", "aarch64", NULL);
	str_eq("name", f->cpu.name, "unknown");
	str_eq("ob", f->cpu.openblas_target, NULL);
	str_eq("blis", f->cpu.blis_config, NULL);
	str_eq("vendor", f->cpu.vendor, NULL);
	assert_null(f->cpu.features);
	assert_int_equal(f->emulated, 1);
	facts_free(f);

	/* arm64 spelling */
	f = detect(OSR "rhel-8", CPU "a64fx", "arm64", NULL);
	str_eq("arch", f->arch, "aarch64");
	assert_int_equal(f->package_manager, PM_DNF);
	str_eq("blis", f->cpu.blis_config, "a64fx");
	facts_free(f);

	/* only --os-release: the CPU is unknown, not this machine's */
	f = detect(OSR "rocky-9", NULL, "aarch64", NULL);
	str_eq("name", f->cpu.name, "unknown");
	assert_int_equal(f->cpu.cores, 0);
	assert_null(f->cpu.features);
	assert_int_equal(f->page_size, 0);
	facts_free(f);
}

static void
test_detect_errors(void **state)
{
	struct detect_opts o = { .os_release = "/nonexistent/os-release", .no_probe = 1 };
	struct facts *f = facts_new();
	char *cause = NULL;
	(void)state;
	assert_int_equal(facts_detect(f, &o, &cause), -1);
	assert_non_null(strstr(cause, "/nonexistent/os-release"));
	free(cause);
	cause = NULL;
	facts_free(f);

	f = facts_new();
	o.os_release = OSR "tricky-unterminated";
	assert_int_equal(facts_detect(f, &o, &cause), -1);
	str_eq("cause", cause, OSR "tricky-unterminated: line 1: ID: unterminated quote");
	free(cause);
	cause = NULL;
	facts_free(f);

	f = facts_new();
	o.os_release = NULL;
	o.cpuinfo = "/nonexistent/cpuinfo";
	assert_int_equal(facts_detect(f, &o, &cause), -1);
	assert_non_null(strstr(cause, "/nonexistent/cpuinfo"));
	free(cause);
	facts_free(f);
}

static void
put(const char *root, const char *rel, const char *content)
{
	char *path = xasprintf("%s%s", root, rel), *dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(mkdir_p(dir, 0755, NULL), 0);
	assert_int_equal(file_write_atomic(path, content, strlen(content), 0755, NULL), 0);
	free(dir);
	free(path);
}

/* --root: files under the root, MIDR from its sysfs, Pythons by name, PEP 668 marker. */
static void
test_detect_root(void **state)
{
	char tmpl[] = "/tmp/armpy-test-root-XXXXXX";
	char *root = mkdtemp(tmpl), *link, *qemu;
	struct facts *f;
	(void)state;

	assert_non_null(root);
	put(root, "/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian 12\"\n");
	qemu = slurp(CPU "qemu-user-x86-host");
	put(root, "/proc/cpuinfo", qemu);
	free(qemu);
	put(root, "/sys/devices/system/cpu/cpu0/regs/identification/midr_el1",
	    "0x00000000410fd4f0\n");
	put(root, "/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq", "3474000\n");
	put(root, "/proc/meminfo", "MemTotal:       1024 kB\n");
	put(root, "/usr/bin/python3.11", "");
	put(root, "/usr/lib/python3.11/EXTERNALLY-MANAGED", "[externally-managed]\n");
	put(root, "/usr/local/bin/python3.12", "");
	put(root, "/opt/conda/bin/conda", "#!/bin/sh\n");
	link = xasprintf("%s/usr/bin/python3", root);
	assert_int_equal(symlink("python3.11", link), 0);
	free(link);

	f = detect(NULL, NULL, "aarch64", root);
	str_eq("id", f->distro_id, "debian");
	str_eq("name", f->cpu.name, "Neoverse-V2");   /* from MIDR, not from the x86 text */
	str_eq("ob", f->cpu.openblas_target, "NEOVERSEV2");
	assert_int_equal(f->cpu.mhz, 3474);
	assert_int_equal(f->mem_bytes, 1024 * 1024);
	str_eq("system python", f->system_python, "3.11");
	assert_int_equal(f->pep668, 1);
	assert_int_equal(f->npythons, 3);
	str_eq("p0", f->pythons[0].path, "/usr/bin/python3");
	str_eq("p1", f->pythons[1].path, "/usr/bin/python3.11");
	str_eq("p2", f->pythons[2].path, "/usr/local/bin/python3.12");
	str_eq("p2v", f->pythons[2].version, "3.12");
	assert_int_equal(f->pythons[2].pep668, 0);
	str_eq("conda", f->conda, "/opt/conda/bin/conda");
	assert_null(f->distro_info.version);           /* no distro-info-data in this root */
	facts_free(f);
	/* the root's own distro-info-data: its row for the release, carried by the facts YAML */
	put(root, "/usr/share/distro-info/debian.csv", "version,codename,series,created,release,"
	    "eol,eol-lts,eol-elts\n11,Bullseye,bullseye,2019-07-06,2021-08-14,2024-08-14,"
	    "2026-08-31,2031-06-30\n12,Bookworm,bookworm,2021-08-14,2023-06-10,2026-06-10,"
	    "2028-06-30,2033-06-30\n");
	f = detect(NULL, NULL, "aarch64", root);
	str_eq("di version", f->distro_info.version, "12");
	str_eq("di end", f->distro_info.end, "2028-06-30");
	str_eq("di extended", f->distro_info.extended, "2033-06-30");
	{
		char *yaml = facts_to_yaml(f), *cause = NULL, *again;
		struct ynode *n = ydoc_parse(yaml, strlen(yaml), "t", &cause);
		struct facts *g = n != NULL ? facts_from_yaml(n, "t", &cause) : NULL;
		if (g == NULL)
			fail_msg("%s", cause);
		str_eq("yaml di end", g->distro_info.end, "2028-06-30");
		again = facts_to_yaml(g);
		assert_string_equal(yaml, again);
		free(again);
		free(yaml);
		facts_free(g);
		ynode_free(n);
	}
	facts_free(f);
	/* the root's apt sources name the Debian mirror, as https (deb822 and one-line) */
	put(root, "/etc/apt/sources.list.d/debian.sources", "Types: deb-src\nURIs: http://src.example.org/debian\n\n"
	    "Types: deb\nURIs: http://off.example.org/debian\nEnabled: no\n\n"
	    "Types: deb\nURIs: http://mirror.example.net/debian/ http://x.example.net/debian-security\n");
	f = detect(NULL, NULL, "aarch64", root);
	str_eq("mirror", f->apt_mirror, "https://mirror.example.net/debian");
	facts_free(f);
	put(root, "/etc/apt/sources.list", "# deb http://no.example.org/debian bookworm main\n"
	    "deb [arch=arm64 signed-by=/k.gpg] http://one.example.org/debian/ bookworm main\n");
	f = detect(NULL, NULL, "aarch64", root);
	str_eq("mirror one-line", f->apt_mirror, "https://one.example.org/debian");
	facts_free(f);
	assert_null(facts_apt_mirror("deb http://x.example.org/debian\"' bookworm main\n", 0));
	/* no --arch: the root's programs say (its /usr/bin/env's ELF machine, an absolute
	 * symlink resolved inside the root), not uname; not ELF: this machine's */
	{
		unsigned char elf[20] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0,
		    0, 0, 0, 0, 2, 0, 183, 0 };
		char *env = xasprintf("%s/usr/bin/env-real", root), *lk;
		struct utsname u;
		assert_int_equal(file_write_atomic(env, (const char *)elf, sizeof elf, 0755, NULL), 0);
		lk = xasprintf("%s/usr/bin/env", root);
		assert_int_equal(symlink("/usr/bin/env-real", lk), 0);
		f = detect(NULL, NULL, NULL, root);
		str_eq("root arch", f->arch, "aarch64");
		facts_free(f);
		elf[18] = 62;
		unlink(env);
		assert_int_equal(file_write_atomic(env, (const char *)elf, 20, 0755, NULL), 0);
		f = detect(NULL, NULL, NULL, root);
		str_eq("root arch", f->arch, "x86_64");
		facts_free(f);
		assert_int_equal(file_write_atomic(env, "#!/bin/sh\n", 10, 0755, NULL), 0);
		assert_int_equal(uname(&u), 0);
		f = detect(NULL, NULL, NULL, root);
		str_eq("not ELF", f->arch, arch_normalise(u.machine));
		facts_free(f);
		free(env);
		free(lk);
	}
	/* another machine's --os-release (no --root): this machine's files describe nothing of it */
	f = detect("tests/fixtures/os-release/debian-12", NULL, "aarch64", NULL);
	assert_null(f->distro_info.version);
	facts_free(f);
	{
		char *argv[] = { (char *)"/bin/rm", (char *)"-rf", root, NULL };
		pid_t pid = fork();
		int status;
		if (pid == 0) {
			execv(argv[0], argv);
			_exit(127);
		}
		waitpid(pid, &status, 0);
	}
}

/* ---- YAML ---- */

static struct facts *
load(const char *text, char **cause)
{
	struct ynode *n = ydoc_parse(text, strlen(text), "f.yaml", cause);
	struct facts *f;
	if (n == NULL)
		return NULL;
	f = facts_from_yaml(n, "f.yaml", cause);
	ynode_free(n);
	return f;
}

static void
test_yaml_round_trip(void **state)
{
	static const char *files[] = { "neoverse-v2-grace", "x86-amd-epyc", "qemu-user-x86-host" };
	(void)state;
	for (size_t i = 0; i < nitems(files); i++) {
		char *path = xasprintf(CPU "%s", files[i]), *y1, *y2, *cause = NULL;
		struct facts *f = detect(OSR "tricky-quoting", path,
		    strstr(files[i], "x86-amd") != NULL ? "x86_64" : "aarch64", NULL), *g;
		f->system_python = xstrdup("3.11.2");
		f->pep668 = 1;
		f->conda = xstrdup("/root/miniforge3/bin/conda");
		f->pythons = xcalloc(1, sizeof *f->pythons);
		f->pythons[0].path = xstrdup("/usr/bin/python3.11");
		f->pythons[0].version = xstrdup("3.11.2");
		f->pythons[0].pep668 = 1;
		f->npythons = 1;
		y1 = facts_to_yaml(f);
		g = load(y1, &cause);
		if (g == NULL) {
			print_error("%s\n%s\n", y1, cause);
			fail();
		}
		y2 = facts_to_yaml(g);
		str_eq(path, y2, y1);
		assert_int_equal(g->family, f->family);
		assert_int_equal(g->mem_bytes, f->mem_bytes);
		str_eq("pretty", g->pretty_name, "Pop!_OS 22.04 \"Jammy\" \\ $HOME `x` LTS");
		free(y1);
		free(y2);
		facts_free(f);
		facts_free(g);
		free(path);
	}
}


/* ---- hostile input: what detect writes always loads back ---- */

static unsigned long hostile_seed = 12345;

static unsigned
hostile_rand(void)
{
	hostile_seed = hostile_seed * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)(hostile_seed >> 33);
}

/* A value of random bytes, biased towards what breaks things: bytes past 0x7f, controls,
 * quotes, backslashes, '-', spaces, numbers too large for any type. */
static void
hostile_value(struct buf *b)
{
	static const char *words[] = { "1e400", "-5", "nan", "inf", "0x41", "0xd0c", "-x",
	    "99999999999999999999999", "\xae", "\"", "'", "\\", "$", "`", " ", "\t", "sve",
	    "\xc3", "\xe2\x80\xae", "\x1b[2K", "true", "null", "~", "22.04", "" };
	unsigned n = hostile_rand() % 8;

	for (unsigned i = 0; i < n; i++) {
		if (hostile_rand() % 3 == 0) {
			char c = (char)(hostile_rand() % 255 + 1);
			if (c != '\n')
				buf_add(b, &c, 1);
		} else
			buf_puts(b, words[hostile_rand() % nitems(words)]);
	}
}

static char *
hostile_file(const char *const *keys, size_t nkeys, const char *sep)
{
	struct buf b;

	buf_init(&b);
	for (unsigned i = 0, n = hostile_rand() % 12; i < n; i++) {
		buf_puts(&b, keys[hostile_rand() % nkeys]);
		buf_puts(&b, sep);
		hostile_value(&b);
		buf_puts(&b, "\n");
	}
	return buf_steal(&b);
}

static void
write_text(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
	assert_int_equal(fclose(fp), 0);
}

/* A temporary directory for an os-release and a cpuinfo; dir is a mkdtemp template. */
static void
hostile_dir_new(char *dir, char **osr, char **cpu)
{
	assert_non_null(mkdtemp(dir));
	*osr = xasprintf("%s/os-release", dir);
	*cpu = xasprintf("%s/cpuinfo", dir);
}

static void
hostile_dir_free(const char *dir, char *osr, char *cpu)
{
	unlink(osr);
	unlink(cpu);
	rmdir(dir);
	free(osr);
	free(cpu);
}

/* detect -> YAML -> load -> YAML gives the same text, for any bytes in os-release/cpuinfo. */
static void
round_trip_ok(const char *osr, const char *cpu, const char *arch)
{
	struct detect_opts o = { .os_release = osr, .cpuinfo = cpu, .arch = arch, .no_probe = 1 };
	struct facts *f = facts_new(), *g;
	char *y1, *y2, *cause = NULL;

	if (facts_detect(f, &o, &cause) != 0) {
		/* the one refusal: an os-release(5) quote never closed, named by line */
		if (strstr(cause, ": unterminated quote") == NULL ||
		    utf8_check(cause, strlen(cause)) != strlen(cause)) {
			print_error("detect: %s\n", cause);
			fail();
		}
		free(cause);
		facts_free(f);
		return;
	}
	y1 = facts_to_yaml(f);
	assert_non_null(y1);
	g = load(y1, &cause);
	if (g == NULL) {
		print_error("%s\n%s\n", y1, cause);
		fail();
	}
	y2 = facts_to_yaml(g);
	str_eq("round trip", y2, y1);
	free(y1);
	free(y2);
	facts_free(f);
	facts_free(g);
}

static void
test_hostile_round_trip(void **state)
{
	static const char *const okeys[] = { "ID", "ID_LIKE", "VERSION_ID", "PRETTY_NAME" };
	static const char *const ckeys[] = { "processor", "CPU implementer", "CPU part",
	    "Features", "flags", "vendor_id", "model name", "cpu family", "model", "cpu MHz" };
	char dir[] = "/tmp/armpy-hostile.XXXXXX";
	char *osr, *cpu;
	(void)state;

	hostile_dir_new(dir, &osr, &cpu);
	for (int i = 0; i < 300; i++) {
		char *o = hostile_file(okeys, nitems(okeys), "="), *c;
		c = hostile_file(ckeys, nitems(ckeys), "\t: ");
		write_text(osr, o);
		write_text(cpu, c);
		round_trip_ok(osr, cpu, i % 2 ? "aarch64" : "x86_64");
		free(o);
		free(c);
	}
	hostile_dir_free(dir, osr, cpu);
}

/* The review's cases: Latin-1 in cpuinfo, bad UTF-8 in os-release, cpu MHz 1e400. Bad bytes
 * are replaced and noted, names that cannot be names are dropped and noted. */
static void
test_hostile_cases(void **state)
{
	char dir[] = "/tmp/armpy-hostile.XXXXXX";
	char *osr, *cpu, *y;
	struct facts *f;
	(void)state;

	hostile_dir_new(dir, &osr, &cpu);
	write_text(osr, "ID=debian\nVERSION_ID=\"1\xff\" \"2\"\nPRETTY_NAME=\"Deb\xc3 \x1b[2K\"\n");
	write_text(cpu, "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel\xae "
	    "Xeon\ncpu MHz\t: 1e400\nflags\t: sse2 avx\n");
	f = detect(osr, cpu, "x86_64", NULL);
	str_eq("name", f->cpu.name, "Intel\xef\xbf\xbd Xeon");
	str_eq("pretty", f->pretty_name, "Deb\xef\xbf\xbd \xef\xbf\xbd[2K");
	str_eq("id", f->distro_id, "debian");
	str_eq("version", f->distro_version, NULL);
	assert_int_equal(f->cpu.mhz, 0);
	assert_int_equal(f->family, FAMILY_DEBIAN);
	y = facts_to_yaml(f);
	assert_non_null(strstr(y, "\nnotes:\n"));
	assert_non_null(strstr(y, "cpu.name: 1 byte(s)"));
	assert_non_null(strstr(y, "distro.version:"));
	free(y);
	facts_free(f);
	round_trip_ok(osr, cpu, "x86_64");

	/* a long aarch64 Features line: kept to CPU_MAX_FEATURES, names checked */
	{
		struct buf b;
		buf_init(&b);
		buf_puts(&b, "CPU implementer\t: 0x41\nCPU part\t: 0xd0c\nFeatures\t: -bad f\xe9 ");
		for (int i = 0; i < 5000; i++)
			buf_printf(&b, "f%d ", i);
		buf_puts(&b, "\n");
		write_text(cpu, b.data);
		buf_free(&b);
	}
	f = detect(osr, cpu, "aarch64", NULL);
	assert_true(strv_len(f->cpu.features) <= CPU_MAX_FEATURES);
	assert_false(facts_has_feature(f, "-bad"));
	facts_free(f);
	round_trip_ok(osr, cpu, "aarch64");
	hostile_dir_free(dir, osr, cpu);
}

static void
test_yaml_minimal(void **state)
{
	char *cause = NULL;
	struct facts *f = load("distro: {id: ubuntu, version: \"22.04\"}\narch: aarch64\n", &cause);
	(void)state;
	assert_non_null(f);
	assert_int_equal(f->family, FAMILY_DEBIAN);
	assert_int_equal(f->package_manager, PM_APT);
	str_eq("multiarch", f->multiarch, "aarch64-linux-gnu");
	str_eq("name", f->cpu.name, "unknown");
	assert_null(f->cpu.openblas_target);
	assert_int_equal(f->emulated, 0);
	facts_free(f);

	f = load("distro:\n  id: rhel\n  version: 8.6\narch: aarch64\ncpu: {name: Neoverse-N1, "
	    "openblas_target: NEOVERSEN1, blis_config: cortexa57, cores: 80, features: [asimd, "
	    "atomics]}\npage_size: 65536\n", &cause);
	assert_non_null(f);
	assert_int_equal(f->package_manager, PM_DNF);
	str_eq("version", f->distro_version, "8.6");
	assert_int_equal(f->cpu.cores, 80);
	assert_int_equal(f->page_size, 65536);
	assert_true(facts_has_feature(f, "atomics"));
	facts_free(f);
}

static void
test_yaml_errors(void **state)
{
	static const struct {
		const char *text, *want;
	} c[] = {
		{ "distro: {id: debian}\narch: aarch64\nbogus: 1\n", "f.yaml:3:1: bogus: unknown key" },
		{ "arch: aarch64\n", "f.yaml:1:1: distro: missing" },
		{ "distro: {id: debian}\n", "f.yaml:1:1: arch: missing" },
		{ "distro: {version: \"12\"}\narch: x86_64\n", "f.yaml:1:1: distro.id: missing" },
		{ "distro: [debian]\narch: x86_64\n",
		    "f.yaml:1:1: distro: expected a mapping, found a list" },
		{ "distro: {id: debian, family: gentoo}\narch: aarch64\n",
		    "f.yaml:1:22: distro.family: 'gentoo' is not one of debian, rhel, suse, alpine, "
		    "unknown" },
		{ "distro: {id: debian, package_manager: pacman}\narch: aarch64\n",
		    "f.yaml:1:22: distro.package_manager: 'pacman' is not one of apt, dnf, yum, "
		    "zypper, apk" },
		{ "distro: {id: debian, colour: red}\narch: aarch64\n",
		    "f.yaml:1:22: distro.colour: unknown key" },
		{ "distro: {id: debian}\narch: aarch64\ncpu:\n  cores: many\n",
		    "f.yaml:4:3: cpu.cores: expected a non-negative integer, found a string" },
		{ "distro: {id: debian}\narch: aarch64\ncpu:\n  features: sve\n",
		    "f.yaml:4:3: cpu.features: expected a list, found a string" },
		{ "distro: {id: debian}\narch: aarch64\ncpu: {openblas_target: \"X; rm -rf /\"}\n",
		    "f.yaml:3:7: cpu.openblas_target: 'X; rm -rf /' is not a valid name" },
		{ "distro: {id: debian}\narch: \"aarch64 x\"\n",
		    "f.yaml:2:1: arch: 'aarch64 x' is not a valid name" },
		{ "distro: {id: debian}\narch: aarch64\nemulated: maybe\n",
		    "f.yaml:3:1: emulated: expected true or false, found a string" },
		{ "distro: {id: debian}\narch: aarch64\npage_size: 5000\n",
		    "f.yaml:3:1: page_size: must be a power of two" },
		{ "distro: {id: debian}\narch: aarch64\nconda: bin/conda\n",
		    "f.yaml:3:1: conda: 'bin/conda' is not an absolute path" },
		{ "distro: {id: debian}\narch: aarch64\npython: {found: [{path: /usr/bin/python3}]}\n",
		    "f.yaml:3:18: python.found: each entry needs path and version" },
		{ "distro: {id: true}\narch: aarch64\n",
		    "f.yaml:1:10: distro.id: expected a string, found a boolean" },
		{ "- a\n", "f.yaml:1:1: (top): expected a mapping, found a list" },
	};
	(void)state;
	for (size_t i = 0; i < nitems(c); i++) {
		char *cause = NULL;
		struct facts *f = load(c[i].text, &cause);
		if (f != NULL || cause == NULL || strcmp(cause, c[i].want) != 0) {
			print_error("input:\n%s\nwant: %s\ngot:  %s\n", c[i].text, c[i].want,
			    f != NULL ? "(accepted)" : cause != NULL ? cause : "(no cause)");
			fail();
		}
		free(cause);
	}
}

/* ---- the real binary, when it is built: same YAML as the functions, nothing else on stdout ---- */

static char *
run_armpy(char *const argv[], int *rc)
{
	int fds[2], status;
	pid_t pid;
	struct buf b;
	char chunk[4096];
	ssize_t n;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(fds[1], 1);
		dup2(null, 2);
		close(fds[0]);
		setenv("ARMPY_NO_PROBE", "1", 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	buf_init(&b);
	while ((n = read(fds[0], chunk, sizeof chunk)) > 0)
		buf_add(&b, chunk, (size_t)n);
	close(fds[0]);
	waitpid(pid, &status, 0);
	*rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	return buf_steal(&b);
}

static void
test_cli(void **state)
{
	char *argv[] = { (char *)"./armpy", (char *)"detect", (char *)"--os-release",
	    (char *)OSR "ubuntu-22.04", (char *)"--cpuinfo", (char *)CPU "neoverse-n1-graviton2",
	    (char *)"--arch", (char *)"aarch64", NULL };
	char *bad[] = { (char *)"./armpy", (char *)"detect", (char *)"--bogus", NULL };
	char *missing[] = { (char *)"./armpy", (char *)"detect", (char *)"--cpuinfo",
	    (char *)"/nonexistent", NULL };
	char *out, *want;
	struct facts *f;
	int rc;
	(void)state;

	if (access("./armpy", X_OK) != 0)
		skip();   /* the binary is built by `make`; the functions are tested above */
	out = run_armpy(argv, &rc);
	assert_int_equal(rc, 0);
	f = detect(OSR "ubuntu-22.04", CPU "neoverse-n1-graviton2", "aarch64", NULL);
	want = facts_to_yaml(f);
	str_eq("armpy detect stdout", out, want);
	free(want);
	free(out);
	facts_free(f);

	out = run_armpy(bad, &rc);
	assert_int_equal(rc, 2);
	str_eq("stdout on usage error", out, "");
	free(out);
	out = run_armpy(missing, &rc);
	assert_int_equal(rc, 2);
	str_eq("stdout on bad input", out, "");
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_osrelease_fixtures),
		cmocka_unit_test(test_osrelease_tricky),
		cmocka_unit_test(test_osrelease_like),
		cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_cpuinfo_fixtures),
		cmocka_unit_test(test_cpuinfo_details),
		cmocka_unit_test(test_cpuinfo_one_block),
		cmocka_unit_test(test_amd_families),
		cmocka_unit_test(test_cpu_table),
		cmocka_unit_test(test_x86_targets),
		cmocka_unit_test(test_multiarch),
		cmocka_unit_test(test_detect_overrides),
		cmocka_unit_test(test_detect_errors),
		cmocka_unit_test(test_detect_root),
		cmocka_unit_test(test_yaml_round_trip),
		cmocka_unit_test(test_yaml_minimal),
		cmocka_unit_test(test_hostile_round_trip),
		cmocka_unit_test(test_hostile_cases),
		cmocka_unit_test(test_yaml_errors),
		cmocka_unit_test(test_cli),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
