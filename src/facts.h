/* facts.h — what this machine is: distro, arch, CPU, memory, Pythons. Pure parsers + thin I/O. */
#ifndef FACTS_H
#define FACTS_H

#include <stdint.h>
#include <time.h>

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
	int pep668;               /* the system python3 is externally managed */
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
 * *cause when an explicitly named override file cannot be read. */
int facts_detect(struct facts *, const struct detect_opts *, char **cause);

/* Pure parsers, exposed for tests. */
int osrelease_parse(struct facts *, const char *text, char **cause);
void osrelease_classify(struct facts *);          /* family and package manager from id/like */
void cpuinfo_parse(struct cpu_info *, const char *arch, const char *text);
void cpu_identify(struct cpu_info *, const char *arch); /* name/targets from implementer+part */
const char *arch_multiarch(const char *arch);         /* Debian triplet or NULL */

/* Facts as YAML (the `armpy detect` output) and back (for `armpy plan --facts`). */
void facts_emit(const struct facts *, struct yemit *);
char *facts_to_yaml(const struct facts *);
struct facts *facts_from_yaml(const struct ynode *, const char *name, char **cause);

const char *family_name(enum distro_family);
const char *pkg_manager_name(enum pkg_manager);
int facts_has_feature(const struct facts *, const char *);

/* Python end of life: a table of CPython versions and their EOL dates. */
struct python_eol {
	const char *version;     /* "3.8" */
	const char *eol;         /* "2024-10-07" */
};
const struct python_eol *pyeol_lookup(const char *version);  /* "3.8" or "3.8.10" */
/* 1 when past end of life on the day `now`, 0 when supported, -1 when unknown version. */
int pyeol_is_past(const char *version, time_t now);
/* The clock used for EOL decisions; ARMPY_TODAY=YYYY-MM-DD overrides it (tests). */
time_t pyeol_now(void);
const struct python_eol *pyeol_table(int *n);

#endif
