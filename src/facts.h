/* facts.h — what this machine is: distro, arch, CPU, memory, Pythons. Pure parsers + thin I/O. */
/* SPDX-License-Identifier: MIT */
#ifndef FACTS_H
#define FACTS_H

#include <stdint.h>

#include "distrolife.h"

struct ynode;
struct yemit;

enum distro_family {
	FAMILY_UNKNOWN, FAMILY_DEBIAN, FAMILY_RHEL, FAMILY_SUSE, FAMILY_ALPINE,
};
enum pkg_manager {
	PM_NONE, PM_APT, PM_DNF, PM_YUM, PM_ZYPPER, PM_APK,
};

struct python_install {
	char *path;      /* e.g. /usr/bin/python3.11 */
	char *version;   /* "3.11.2" */
	int pep668;      /* an EXTERNALLY-MANAGED marker sits in its stdlib directory */
};

#define CPU_MAX_FEATURES 256   /* features kept from a cpuinfo; the rest are ignored */

struct cpu_info {
	char *vendor;           /* "Arm", "Ampere", "NVIDIA", "GenuineIntel", ... or NULL */
	char *implementer;      /* "0x41" (aarch64) or NULL */
	char *part;             /* "0xd0c" (aarch64) or NULL */
	char *name;             /* "Neoverse-N1", "Intel(R) Xeon(R) ...", or "unknown" */
	char *openblas_target;  /* OpenBLAS TARGET= for this core, e.g. NEOVERSEN1; NULL unknown */
	char *blis_config;      /* BLIS configure target, e.g. "armsve", "firestorm", "cortexa57" */
	int cores;
	char **features;        /* lower-case hwcap names: asimd, atomics, sve, sve2, ... */
	long mhz;               /* nominal clock when known, else 0 */
	int sve_bits;           /* SVE vector length when known, else 0 */
	int x86_family;         /* x86 "cpu family" / "model" (BLIS zen generation), else 0 */
	int x86_model;
};

struct facts {
	/* distro */
	char *distro_id;          /* ubuntu, debian, rhel, centos, rocky, almalinux, ... */
	char *distro_version;     /* VERSION_ID, "22.04" */
	char *distro_like;        /* ID_LIKE, may be NULL */
	char *pretty_name;
	enum distro_family family;
	enum pkg_manager package_manager;
	/* machine */
	char *arch;               /* aarch64, x86_64, ... (uname -m spelling) */
	char *multiarch;          /* aarch64-linux-gnu; NULL when not a Debian triplet arch */
	struct cpu_info cpu;
	long page_size;
	uint64_t mem_bytes;
	int emulated;             /* running under qemu-user (timings are not machine speed) */
	/* software */
	char *system_python;      /* version of the distro's python3, "3.11.2", or NULL */
	struct python_install *pythons;
	int npythons;
	char *conda;              /* path of an existing conda, or NULL */
	/* The Debian mirror of the apt sources where armpy runs (the root's with --root; a
	 * deb entry whose URI ends in /debian), as https://HOST/PATH, or NULL: pinned files that
	 * Debian's archive keeps are fetched from it (facts_apt_mirror) */
	char *apt_mirror;
	int pep668;               /* the system python3 is externally managed */
	char **notes;             /* what detection changed in what it read (bad bytes replaced) */
	/* The target's own distro-info-data row for its release (Debian, Ubuntu: distroinfo_find
	 * on $ROOT/usr/share/distro-info/<id>.csv), all NULL when none: a plan prefers its later
	 * days to armpy's table and says so (distrolife_merge). Detection fills it from the
	 * machine it describes (never for another machine's --os-release); the facts YAML carries
	 * it as distro_info: {version, released, end, extended}. */
	struct distro_info distro_info;
};

/* Where detection reads from; NULL fields mean the live system. */
struct detect_opts {
	const char *root;          /* prefix for every path read, "" or NULL for / */
	const char *os_release;    /* file overriding $ROOT/etc/os-release */
	const char *cpuinfo;       /* file overriding /proc/cpuinfo */
	const char *arch;          /* overrides uname */
	int no_probe;              /* do not run interpreters or look at PATH (for tests) */
};

struct facts *facts_new(void);
void facts_free(struct facts *);

/* Detect everything; never fails as a whole (unknowns stay unknown), but returns -1 with
 * *cause when an explicitly named override file cannot be read or --arch is not a name.
 * What the machine says is sanitised so that facts_to_yaml always loads back: text that is
 * not UTF-8 (or holds control characters) gets U+FFFD, names and paths that do not fit the
 * facts schema are dropped, numbers out of range become 0 (unknown); each change is noted
 * in f->notes. */
int facts_detect(struct facts *, const struct detect_opts *, char **cause);
/* 1 when the options describe another machine than the one a run would act on: --os-release
 * or --arch without --root (a run there would execute that machine's plan here). --cpuinfo
 * alone is not another machine: under qemu-user it names the CPU the plan is for. */
int detect_elsewhere(const struct detect_opts *);

/* What facts_detect does last: makes what was read fit the facts schema (text not UTF-8 gets
 * U+FFFD, names that do not fit are dropped, numbers out of range become 0), each change
 * noted in f->notes; -1 with *cause only when the arch is not a name. */
int facts_sanitise(struct facts *, char **cause);

/* Pure parsers, exposed for tests. */
int osrelease_parse(struct facts *, const char *text, char **cause);
void osrelease_classify(struct facts *);          /* family and package manager from id/like */
void cpuinfo_parse(struct cpu_info *, const char *arch, const char *text);
void cpu_identify(struct cpu_info *, const char *arch); /* name/targets from implementer+part */
const char *arch_multiarch(const char *arch);         /* Debian triplet or NULL */
/* aarch64 with a cpuinfo that has x86 fields and no "CPU implementer": the host's text, as
 * qemu-user shows it. Nothing in it describes the emulated CPU. */
int cpuinfo_is_foreign(const char *arch, const char *text);
void cpu_add_features(struct cpu_info *, const char *list);  /* space-separated, normalised */
void cpu_midr_apply(struct cpu_info *, uint64_t midr);       /* implementer/part from MIDR_EL1 */
void cpu_info_clear(struct cpu_info *);
/* "uname -m" spelling for --arch aliases (arm64 -> aarch64, amd64 -> x86_64). */
const char *arch_normalise(const char *arch);
/* Why this system is outside what armpy supports (e.g. FreeBSD), or NULL. */
const char *facts_unsupported(const struct facts *);

/* Facts as YAML (the `armpy detect` output) and back (for `armpy plan --facts`). Schema:
 *   distro: {id: debian, version: "12", like: null, family: debian, package_manager: apt,
 *            pretty_name: "Debian GNU/Linux 12 (bookworm)"}
 *   arch: aarch64
 *   multiarch: aarch64-linux-gnu            # null when not a Debian triplet arch
 *   cpu: {vendor: Arm, implementer: "0x41", part: "0xd0c", name: Neoverse-N1,
 *         openblas_target: NEOVERSEN1, blis_config: <config>, cores: 80, mhz: 3000,
 *         sve_bits: 0, features: [fp, asimd, atomics, ...]}
 *   page_size: 4096
 *   memory_bytes: 549755813888
 *   emulated: false
 *   python: {system: "3.11.2", pep668: true,
 *            found: [{path: /usr/bin/python3.11, version: "3.11.2", pep668: true}]}
 *   conda: null                              # or the path of an existing conda
 * facts_from_yaml accepts a file with only distro and arch (the rest unknown/defaults). */
/*   distro_info: {version: "12", released: "2023-06-10", end: "2028-06-30", extended: null}
 *                                            # only when the target has distro-info-data
 *   notes: [...]                             # only when detection changed what it read */
void facts_emit(const struct facts *, struct yemit *);
char *facts_to_yaml(const struct facts *);
struct facts *facts_from_yaml(const struct ynode *, const char *name, char **cause);

const char *family_name(enum distro_family);
const char *pkg_manager_name(enum pkg_manager);
int facts_has_feature(const struct facts *, const char *);
/* The Debian mirror in apt sources text: one-line (sources.list, *.list) or deb822 (*.sources,
 * deb822 != 0; "Enabled: no" skipped): the first URI of a deb entry whose path ends in
 * /debian, as https (new), or NULL. Pure. */
char *facts_apt_mirror(const char *text, int deb822);
/* A mirror value the facts accept: https://, then printable ASCII without spaces or quotes,
 * at most 256 bytes. */
int facts_mirror_ok(const char *);

#endif
