/* detect.c — the system probed: os-release, cpuinfo, MIDR, hwcaps, memory, Pythons, conda. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "facts.h"
#include "facts-int.h"
#include "distrolife.h"
#include "rootdir.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/auxv.h>
#endif

#define DETECT_MAX_FILE (4 * 1024 * 1024)

/* $ROOT/path, or path itself without a root. */
static char *
detect_path(const struct detect_opts *o, const char *path)
{
	if (o->root == NULL || *o->root == '\0' || strcmp(o->root, "/") == 0)
		return xstrdup(path);
	return xasprintf("%s%s", o->root, path);
}

static int
detect_has_root(const struct detect_opts *o)
{
	return o->root != NULL && *o->root != '\0' && strcmp(o->root, "/") != 0;
}

int
detect_elsewhere(const struct detect_opts *o)
{
	return !detect_has_root(o) && (o->os_release != NULL || o->arch != NULL);
}

/* Reads $ROOT/path quietly: NULL when missing. */
static char *
detect_read(const struct detect_opts *o, const char *path)
{
	char *full = detect_path(o, path), *data;
	data = file_read(full, DETECT_MAX_FILE, NULL, NULL);
	free(full);
	return data;
}

static int
detect_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static int
detect_os(struct facts *f, const struct detect_opts *o, char **cause)
{
	char *text = NULL, *why = NULL;
	const char *name;

	if (o->os_release != NULL) {
		name = o->os_release;
		if ((text = file_read(o->os_release, DETECT_MAX_FILE, NULL, &why)) == NULL) {
			cause_set(cause, "%s", why);
			free(why);
			return -1;
		}
	} else {
		name = "/etc/os-release";
		if ((text = detect_read(o, "/etc/os-release")) == NULL) {
			name = "/usr/lib/os-release";
			text = detect_read(o, "/usr/lib/os-release");
		}
	}
	if (osrelease_parse(f, text != NULL ? text : "", &why) != 0) {
		cause_set(cause, "%s: %s", quote_short(name), why);
		free(why);
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

/* The release's row in the target's own distro-info-data (Debian and Ubuntu ship their release
 * and end-of-life days in /usr/share/distro-info/<id>.csv): a plan prefers its later days to
 * armpy's table and says so. Nothing when the package is not installed there. */
static void
detect_distro_info(struct facts *f, const struct detect_opts *o)
{
	char *path, *csv;

	if (f->distro_id == NULL || f->distro_version == NULL ||
	    (strcmp(f->distro_id, "debian") != 0 && strcmp(f->distro_id, "ubuntu") != 0))
		return;
	path = xasprintf("/usr/share/distro-info/%s.csv", f->distro_id);
	csv = detect_read(o, path);
	if (csv != NULL)
		distroinfo_find(csv, f->distro_id, f->distro_version, &f->distro_info, NULL);
	free(csv);
	free(path);
}

/* The Debian mirror of the apt sources where armpy runs: the root's with --root, else this
 * machine's, also when planning for another machine (it is where the plan's downloads of Debian's
 * files come from, not a fact of the target); ARMPY_APT_DIR names another /etc/apt (tests). */
static void
detect_apt_mirror(struct facts *f, const struct detect_opts *o)
{
	const char *env = getenv("ARMPY_APT_DIR");
	char *dir = env != NULL && *env == '/' ? xstrdup(env) : detect_path(o, "/etc/apt");
	char *path = xasprintf("%s/sources.list", dir), *text, *sub;
	struct dirent **names = NULL;
	int n;

	text = file_read(path, DETECT_MAX_FILE, NULL, NULL);
	f->apt_mirror = facts_apt_mirror(text, 0);
	free(text);
	free(path);
	sub = xasprintf("%s/sources.list.d", dir);
	n = scandir(sub, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name);
		int deb822 = len > 8 && strcmp(name + len - 8, ".sources") == 0;
		if (f->apt_mirror == NULL && (deb822 || (len > 5 && strcmp(name + len - 5, ".list") == 0))) {
			path = xasprintf("%s/%s", sub, name);
			text = file_read(path, DETECT_MAX_FILE, NULL, NULL);
			f->apt_mirror = facts_apt_mirror(text, deb822);
			free(text);
			free(path);
		}
		free(names[i]);
	}
	free(names);
	free(sub);
	free(dir);
}

#ifdef __aarch64__
/* HWCAP bits from <asm/hwcap.h> with their /proc/cpuinfo names (arch/arm64/kernel/cpuinfo.c). */
static void
detect_hwcaps(struct cpu_info *cpu)
{
	static const struct {
		unsigned long bit;
		const char *name;
	} hw[] = {
		{ HWCAP_FP, "fp" }, { HWCAP_ASIMD, "asimd" }, { HWCAP_AES, "aes" },
		{ HWCAP_PMULL, "pmull" }, { HWCAP_SHA1, "sha1" }, { HWCAP_SHA2, "sha2" },
		{ HWCAP_CRC32, "crc32" }, { HWCAP_ATOMICS, "atomics" }, { HWCAP_FPHP, "fphp" },
		{ HWCAP_ASIMDHP, "asimdhp" }, { HWCAP_CPUID, "cpuid" },
		{ HWCAP_ASIMDRDM, "asimdrdm" }, { HWCAP_JSCVT, "jscvt" }, { HWCAP_FCMA, "fcma" },
		{ HWCAP_LRCPC, "lrcpc" }, { HWCAP_DCPOP, "dcpop" }, { HWCAP_SHA3, "sha3" },
		{ HWCAP_SM3, "sm3" }, { HWCAP_SM4, "sm4" }, { HWCAP_ASIMDDP, "asimddp" },
		{ HWCAP_SHA512, "sha512" }, { HWCAP_SVE, "sve" },
#ifdef HWCAP_ASIMDFHM
		{ HWCAP_ASIMDFHM, "asimdfhm" },
#endif
	};
#ifdef AT_HWCAP2
	static const struct {
		unsigned long bit;
		const char *name;
	} hw2[] = {
#ifdef HWCAP2_SVE2
		{ HWCAP2_SVE2, "sve2" },
#endif
#ifdef HWCAP2_I8MM
		{ HWCAP2_I8MM, "i8mm" },
#endif
#ifdef HWCAP2_BF16
		{ HWCAP2_BF16, "bf16" },
#endif
#ifdef HWCAP2_SVEBF16
		{ HWCAP2_SVEBF16, "svebf16" },
#endif
		{ 0, NULL },
	};
	unsigned long h2 = getauxval(AT_HWCAP2);
#endif
	unsigned long h = getauxval(AT_HWCAP);

	if (h == 0)
		return;
	strv_free(cpu->features);
	cpu->features = NULL;
	for (size_t i = 0; i < nitems(hw); i++)
		if (h & hw[i].bit)
			cpu_add_features(cpu, hw[i].name);
#ifdef AT_HWCAP2
	for (size_t i = 0; hw2[i].name != NULL; i++)
		if (h2 & hw2[i].bit)
			cpu_add_features(cpu, hw2[i].name);
#endif
}
#endif

/* Signs that this process runs under qemu-user (binfmt): only where they are reliable. */
static int
detect_qemu_self(void)
{
	char *maps = file_read("/proc/self/maps", DETECT_MAX_FILE, NULL, NULL);
	int found = maps != NULL && strstr(maps, "qemu-aarch64") != NULL;
	char exe[PATH_MAX];
	ssize_t n;

	free(maps);
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		if (strstr(exe, "qemu-") != NULL)
			found = 1;
	}
	return found;
}

/* override: the text of --cpuinfo, already read (taken over), or NULL for the live system. */
static void
detect_cpu(struct facts *f, const struct detect_opts *o, char *override, char **warn)
{
	char *text = override, *midr;
	int live = o->cpuinfo == NULL;
	int foreign;

	if (live && (text = detect_read(o, "/proc/cpuinfo")) == NULL && detect_has_root(o))
		text = file_read("/proc/cpuinfo", DETECT_MAX_FILE, NULL, NULL);
	if (text == NULL)
		text = xstrdup("");

	foreign = cpuinfo_is_foreign(f->arch, text);
	cpuinfo_parse(&f->cpu, f->arch, text);
	free(text);
	if (foreign && (!live || o->arch == NULL)) {
		/* The host's text under qemu-user (or a capture of it): emulated, name unknown. */
		f->emulated = 1;
		if (warn != NULL && *warn == NULL)
			*warn = xstrdup("/proc/cpuinfo shows a non-Arm host CPU: running under "
			    "emulation (qemu-user); timings are not machine speed");
	}

	if (live && strcmp(f->arch, "aarch64") == 0) {
		/* sysfs MIDR: the truth when cpuinfo lacks it (qemu-user, some kernels) */
		if (f->cpu.implementer == NULL &&
		    (midr = detect_read(o, "/sys/devices/system/cpu/cpu0/regs/identification/midr_el1")) != NULL) {
			char *end;
			unsigned long long v = strtoull(midr, &end, 16);
			if (end != midr)
				cpu_midr_apply(&f->cpu, v);
			free(midr);
		}
#ifdef __aarch64__
		if (!detect_has_root(o) && o->arch == NULL) {
#ifdef HWCAP_CPUID
			/* The kernel emulates MRS MIDR_EL1 for userspace when it sets HWCAP_CPUID.
			 * Under qemu-user it reads qemu's model (implementer 0), which we refuse. */
			if (f->cpu.implementer == NULL && (getauxval(AT_HWCAP) & HWCAP_CPUID)) {
				uint64_t v;
				__asm__ volatile("mrs %0, MIDR_EL1" : "=r"(v));
				if (((v >> 24) & 0xff) != 0)
					cpu_midr_apply(&f->cpu, v);
			}
#endif
			detect_hwcaps(&f->cpu);
#ifdef PR_SVE_GET_VL
			if (strv_contains(f->cpu.features, "sve")) {
				int vl = prctl(PR_SVE_GET_VL);
				if (vl > 0)
					f->cpu.sve_bits = (vl & PR_SVE_VL_LEN_MASK) * 8;
			}
#endif
		}
#endif
		{
			char *khz = detect_read(o, "/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
			if (khz != NULL) {
				long v = strtol(khz, NULL, 10);
				f->cpu.mhz = v > 0 && v < 1000000000L ? v / 1000 : 0;
				free(khz);
			}
		}
	}
	if (live && f->cpu.cores == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		f->cpu.cores = n > 0 ? (int)n : 0;
	}
	cpu_identify(&f->cpu, f->arch);
}

static void
detect_memory(struct facts *f, const struct detect_opts *o)
{
	char *text = detect_read(o, "/proc/meminfo"), *p;
	if (text == NULL && detect_has_root(o))
		text = file_read("/proc/meminfo", DETECT_MAX_FILE, NULL, NULL);
	if (text != NULL && (p = strstr(text, "MemTotal:")) != NULL) {
		unsigned long long kb = strtoull(p + strlen("MemTotal:"), NULL, 10);
		f->mem_bytes = kb < (unsigned long long)LONG_MAX / 1024 ? kb * 1024 : 0;
	}
	free(text);
}

/* Reads a spawned child's stdout (at most 4 KiB kept) and reaps it; NULL unless it exited 0. */
static char *
detect_collect(pid_t pid, int fd)
{
	struct buf b;
	int status;

	buf_init(&b);
	buf_read_fd(&b, fd, 4096);
	close(fd);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

static const char *python_names[] = {
	"python3", "python3.6", "python3.7", "python3.8", "python3.9", "python3.10",
	"python3.11", "python3.12", "python3.13", "python3.14",
};

#define PY_PROBE "import sys,sysconfig;print('%d.%d.%d'%sys.version_info[:3]);" \
	"print(sysconfig.get_path('stdlib'))"

struct py_probe {
	char *exe;
	char *real;
	pid_t pid;
	int fd;
};

/* Records one probe's answer ("3.11.2\n/usr/lib/python3.11\n"). */
static void
detect_python_answer(struct facts *f, const struct py_probe *p, char *out)
{
	char *nl = strchr(out, '\n'), *stdlib, *marker;
	int pep668;

	if (nl == NULL)
		return;
	*nl = '\0';
	stdlib = nl + 1;
	stdlib[strcspn(stdlib, "\n")] = '\0';
	marker = xasprintf("%s/EXTERNALLY-MANAGED", stdlib);
	pep668 = *stdlib == '/' && detect_exists(marker);
	free(marker);
	if (p->exe != NULL)
		facts_add_python(f, p->exe, out, pep668);
	if (p->exe == NULL || strcmp(p->exe, "/usr/bin/python3") == 0 ||
	    (f->system_python == NULL && strcmp(p->real, "/usr/bin/python3") == 0)) {
		free(f->system_python);
		f->system_python = xstrdup(out);
		f->pep668 = pep668;
	}
}

/*
 * Live: every python3[.X] on PATH (one per distinct binary), plus the distro's /usr/bin/python3
 * when PATH does not reach it. The interpreters run concurrently: shims such as pyenv's take
 * hundreds of milliseconds each, and a machine may have a dozen.
 */
static void
detect_pythons_live(struct facts *f)
{
	const char *path = getenv("PATH");
	char **seen = NULL;
	char *dirs, *save = NULL;
	struct py_probe *probes = NULL;
	size_t n = 0;
	int have_system = 0;

	if (path == NULL || *path == '\0')
		path = "/usr/local/bin:/usr/bin:/bin";
	dirs = xstrdup(path);
	for (char *d = strtok_r(dirs, ":", &save); d != NULL; d = strtok_r(NULL, ":", &save)) {
		if (*d != '/')
			continue;   /* relative PATH entries are not trusted */
		for (size_t i = 0; i < nitems(python_names); i++) {
			char *exe = xasprintf("%s/%s", d, python_names[i]), *real;
			if (access(exe, X_OK) != 0 || (real = realpath(exe, NULL)) == NULL) {
				free(exe);
				continue;
			}
			if (strv_contains(seen, real)) {
				free(real);
				free(exe);
				continue;
			}
			seen = strv_push(seen, real);
			if (strcmp(real, "/usr/bin/python3") == 0 ||
			    strcmp(exe, "/usr/bin/python3") == 0)
				have_system = 1;
			probes = xreallocarray(probes, n + 1, sizeof *probes);
			probes[n].exe = exe;
			probes[n].real = real;
			probes[n++].fd = -1;
		}
	}
	free(dirs);
	strv_free(seen);
	if (!have_system && access("/usr/bin/python3", X_OK) == 0) {
		probes = xreallocarray(probes, n + 1, sizeof *probes);
		probes[n].exe = NULL;      /* the system one: a fact, not a PATH entry */
		probes[n].real = xstrdup("/usr/bin/python3");
		probes[n++].fd = -1;
	}
	for (size_t i = 0; i < n; i++) {
		char *argv[] = { probes[i].exe != NULL ? probes[i].exe : probes[i].real,
		    (char *)"-I", (char *)"-c", (char *)PY_PROBE, NULL };
		/* a hung interpreter is killed, not waited for */
		probes[i].fd = proc_spawn(argv, 0, 10, &probes[i].pid);
	}
	for (size_t i = 0; i < n; i++) {
		char *out = probes[i].fd >= 0 ? detect_collect(probes[i].pid, probes[i].fd) : NULL;
		if (out != NULL)
			detect_python_answer(f, &probes[i], out);
		free(out);
		free(probes[i].exe);
		free(probes[i].real);
	}
	free(probes);
}

/* Version X.Y from a name like python3.11; NULL for plain python3. */
static char *
detect_name_version(const char *name)
{
	if (!str_startswith(name, "python3.") || name[8] == '\0' ||
	    strspn(name + 8, "0123456789") != strlen(name + 8))
		return NULL;
	return xstrdup(name + 6);
}

/* The highest python3.X directory under $ROOT/PREFIX/lib, as "3.X". */
static char *
detect_lib_version(const struct detect_opts *o, const char *prefix)
{
	char *libdir = xasprintf("%s/lib", prefix), *full = detect_path(o, libdir), *best = NULL;
	DIR *d = opendir(full);
	struct dirent *de;

	free(libdir);
	free(full);
	if (d == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		char *v = detect_name_version(de->d_name);
		if (v == NULL)
			continue;
		if (best == NULL || version_cmp(v, best) > 0) {
			free(best);
			best = v;
		} else
			free(v);
	}
	closedir(d);
	return best;
}

/* --root: never execute the root's binaries; versions from names and lib directories. */
static void
detect_pythons_root(struct facts *f, const struct detect_opts *o)
{
	static const char *prefixes[] = { "/usr", "/usr/local" };
	for (size_t k = 0; k < nitems(prefixes); k++) {
		for (size_t i = 0; i < nitems(python_names); i++) {
			char *rel = xasprintf("%s/bin/%s", prefixes[k], python_names[i]);
			char *full = detect_path(o, rel), *version, *marker, *mfull;
			char link[PATH_MAX];
			ssize_t n;
			int pep668;

			if (access(full, F_OK) != 0) {
				free(rel);
				free(full);
				continue;
			}
			version = detect_name_version(python_names[i]);
			if (version == NULL && (n = readlink(full, link, sizeof link - 1)) > 0) {
				link[n] = '\0';
				version = detect_name_version(strrchr(link, '/') != NULL ?
				    strrchr(link, '/') + 1 : link);
			}
			if (version == NULL)
				version = detect_lib_version(o, prefixes[k]);
			if (version == NULL) {
				free(rel);
				free(full);
				continue;
			}
			marker = xasprintf("%s/lib/python%s/EXTERNALLY-MANAGED", prefixes[k], version);
			mfull = detect_path(o, marker);
			pep668 = detect_exists(mfull);
			facts_add_python(f, rel, version, pep668);
			if (strcmp(rel, "/usr/bin/python3") == 0) {
				f->system_python = xstrdup(version);
				f->pep668 = pep668;
			}
			free(marker);
			free(mfull);
			free(version);
			free(rel);
			free(full);
		}
	}
}

static void
detect_conda(struct facts *f, const struct detect_opts *o)
{
	const char *env = getenv("CONDA_EXE"), *home = getenv("HOME");
	static const char *homes[] = { "miniforge3", "miniconda3", "anaconda3", "mambaforge" };

	if (!o->no_probe && !detect_has_root(o) && env != NULL && *env == '/' &&
	    access(env, X_OK) == 0) {
		f->conda = xstrdup(env);
		return;
	}
	if (!o->no_probe && home != NULL && *home == '/') {
		for (size_t i = 0; i < nitems(homes); i++) {
			char *rel = xasprintf("%s/%s/bin/conda", home, homes[i]);
			char *full = detect_path(o, rel);
			int ok = access(full, X_OK) == 0;
			free(full);
			if (ok) {
				f->conda = rel;
				return;
			}
			free(rel);
		}
	}
	if (!o->no_probe || detect_has_root(o)) {
		char *full = detect_path(o, "/opt/conda/bin/conda");
		if (access(full, X_OK) == 0)
			f->conda = xstrdup("/opt/conda/bin/conda");
		free(full);
	}
}

/* The architecture a --root's programs are built for: the ELF machine of its /usr/bin/env,
 * opened inside the root (an absolute symlink there stays in it), or NULL when it cannot tell.
 * uname names this machine's, which is not the root's under qemu-user. */
static const char *
detect_root_arch(const struct detect_opts *o)
{
	static const struct { unsigned short em; const char *arch; } ems[] = {
		{ EM_AARCH64, "aarch64" }, { EM_X86_64, "x86_64" }, { EM_PPC64, "ppc64le" },
		{ EM_RISCV, "riscv64" },
	};
	struct rootdir *rd = rootdir_open(o->root, NULL);
	unsigned char h[EI_NIDENT + 4];
	unsigned short em;
	int fd = rd != NULL ? rootdir_openat(rd, "/usr/bin/env", O_RDONLY, 0, NULL) : -1;
	ssize_t n = fd >= 0 ? read(fd, h, sizeof h) : -1;

	if (fd >= 0)
		close(fd);
	rootdir_free(rd);
	if (n != (ssize_t)sizeof h || memcmp(h, ELFMAG, SELFMAG) != 0 || h[EI_DATA] != ELFDATA2LSB)
		return NULL;
	em = (unsigned short)(h[EI_NIDENT + 2] | h[EI_NIDENT + 3] << 8);
	for (size_t i = 0; i < nitems(ems); i++)
		if (ems[i].em == em)
			return ems[i].arch;
	return NULL;
}

int
facts_detect(struct facts *f, const struct detect_opts *opts, char **cause)
{
	struct detect_opts o = *opts;
	struct utsname u;
	const char *uname_arch = "unknown", *root_arch, *env = getenv("ARMPY_NO_PROBE");
	char *warn = NULL, *cpuinfo = NULL;
	int other;

	if (env != NULL && strcmp(env, "1") == 0)
		o.no_probe = 1;
	/* Another machine (--os-release/--cpuinfo/--arch without --root): nothing of this one
	 * (its CPU, page size, memory, Pythons, conda) is mixed into its facts; unknown instead. */
	other = !detect_has_root(&o) && (o.os_release != NULL || o.cpuinfo != NULL ||
	    o.arch != NULL);
	if (other)
		o.no_probe = 1;
	/* A named override must be a readable regular file: refused, never skipped. */
	if (o.cpuinfo != NULL &&
	    (cpuinfo = file_read(o.cpuinfo, DETECT_MAX_FILE, NULL, cause)) == NULL)
		return -1;
	if (other && o.cpuinfo == NULL) {
		cpuinfo = xstrdup("");          /* the CPU is unknown, not this one */
		o.cpuinfo = "(not given)";
	}
	if (o.root != NULL && *o.root != '\0') {
		struct stat st;
		if (stat(o.root, &st) != 0 || !S_ISDIR(st.st_mode)) {
			cause_set(cause, "%s: not a directory", quote_short(o.root));
			free(cpuinfo);
			return -1;
		}
	}
	if (detect_os(f, &o, cause) != 0) {
		free(cpuinfo);
		return -1;
	}
	if (!other)
		detect_distro_info(f, &o);
	detect_apt_mirror(f, &o);

	if (uname(&u) == 0)
		uname_arch = u.machine;
	if (o.arch == NULL && detect_has_root(&o) && (root_arch = detect_root_arch(&o)) != NULL)
		uname_arch = root_arch;
	free(f->arch);
	f->arch = xstrdup(arch_normalise(o.arch != NULL ? o.arch : uname_arch));
	free(f->multiarch);
	f->multiarch = xstrdup(arch_multiarch(f->arch));

	detect_cpu(f, &o, cpuinfo, &warn);
	/* Is this process emulated? Asked of the live system even when --cpuinfo describes the
	 * CPU: under qemu-user, uname says aarch64 while /proc/cpuinfo is the host's x86 text. */
	if (!other && !detect_has_root(&o)) {
		char *live = file_read("/proc/cpuinfo", DETECT_MAX_FILE, NULL, NULL);
		if (cpuinfo_is_foreign(arch_normalise(uname_arch), live) || detect_qemu_self())
			f->emulated = 1;
		free(live);
	}
	free(warn);   /* the command reports emulation from f->emulated */

	if (!other) {
		long ps = sysconf(_SC_PAGESIZE);
		f->page_size = ps > 0 ? ps : 4096;
		detect_memory(f, &o);
	}

	if (detect_has_root(&o))
		detect_pythons_root(f, &o);
	else if (!o.no_probe)
		detect_pythons_live(f);
	detect_conda(f, &o);
	return facts_sanitise(f, cause);
}
