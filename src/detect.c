/* detect.c — the thin I/O shell around the fact parsers, and facts as YAML in both directions. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "facts.h"
#include "ydoc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
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

extern char **environ;

#define DETECT_MAX_FILE (4 * 1024 * 1024)

struct facts *
facts_new(void)
{
	return xcalloc(1, sizeof(struct facts));
}

void
facts_free(struct facts *f)
{
	if (f == NULL)
		return;
	free(f->distro_id);
	free(f->distro_version);
	free(f->distro_like);
	free(f->pretty_name);
	free(f->arch);
	free(f->multiarch);
	cpu_info_clear(&f->cpu);
	free(f->system_python);
	for (int i = 0; i < f->npythons; i++) {
		free(f->pythons[i].path);
		free(f->pythons[i].version);
	}
	free(f->pythons);
	free(f->conda);
	strv_free(f->notes);
	free(f);
}

int
facts_has_feature(const struct facts *f, const char *name)
{
	return f != NULL && strv_contains(f->cpu.features, name);
}

const char *
arch_normalise(const char *arch)
{
	if (arch == NULL)
		return NULL;
	if (strcmp(arch, "arm64") == 0)
		return "aarch64";
	if (strcmp(arch, "amd64") == 0)
		return "x86_64";
	return arch;
}

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

static void
detect_add_python(struct facts *f, const char *path, const char *version, int pep668)
{
	struct python_install *p;
	f->pythons = xreallocarray(f->pythons, (size_t)f->npythons + 1, sizeof *f->pythons);
	p = &f->pythons[f->npythons++];
	p->path = xstrdup(path);
	p->version = xstrdup(version);
	p->pep668 = pep668;
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
		detect_add_python(f, p->exe, out, pep668);
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
			detect_add_python(f, rel, version, pep668);
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

/* ---- what detection writes must load back ---- */

#define FACT_MAX_TEXT 4096
#define FACT_ID_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-"

/* The facts schema's patterns, shared by the loader and the sanitiser. Free text: one line of
 * UTF-8; a name: [A-Za-z0-9._+-], not starting with '-'; a path: absolute, no "/../". */
static int
fact_is_text(const char *s)
{
	size_t n = strlen(s);
	return n <= FACT_MAX_TEXT && strchr(s, '\n') == NULL && utf8_check(s, n) == n;
}

static int
fact_is_id(const char *s)
{
	return *s != '\0' && *s != '-' && strlen(s) <= FACT_MAX_TEXT &&
	    strspn(s, FACT_ID_CHARS) == strlen(s);
}

static int
fact_is_path(const char *s)
{
	return *s == '/' && strstr(s, "/../") == NULL && fact_is_text(s);
}

static void
fact_note(struct facts *f, const char *fmt, ...) ARMPY_PRINTF(2, 3);

static void
fact_note(struct facts *f, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	f->notes = strv_push(f->notes, s);
	free(s);
}

/* Free text: bad bytes and control characters become U+FFFD, and it is cut to fit. */
static void
fact_text(struct facts *f, const char *name, char **field)
{
	int replaced = 0;
	char *fixed, *clipped;

	if (*field == NULL)
		return;
	fixed = utf8_fix(*field, 1, &replaced);
	clipped = utf8_clip(fixed, FACT_MAX_TEXT - 3);
	if (replaced > 0)
		fact_note(f, "%s: %d byte(s) that are not UTF-8 text replaced with U+FFFD", name,
		    replaced);
	if (strlen(clipped) < strlen(fixed))
		fact_note(f, "%s: cut to %d bytes", name, FACT_MAX_TEXT - 3);
	free(fixed);
	free(*field);
	*field = clipped;
}

/* A name or path that does not fit the schema is dropped (unknown), never passed on. */
static void
fact_drop(struct facts *f, const char *name, char **field, int (*ok)(const char *))
{
	char *shown;

	if (*field == NULL)
		return;
	if (**field == '\0') {
		free(*field);
		*field = NULL;
		return;
	}
	if (ok(*field))
		return;
	shown = utf8_fix(*field, 1, NULL);
	fact_note(f, "%s: '%s' is not a valid %s; ignored", name, quote_short(shown),
	    ok == fact_is_path ? "path" : "name");
	free(shown);
	free(*field);
	*field = NULL;
}

static void
facts_sanitise_cpu(struct facts *f)
{
	size_t j = 0, dropped = 0;

	fact_text(f, "cpu.vendor", &f->cpu.vendor);
	fact_text(f, "cpu.name", &f->cpu.name);
	fact_drop(f, "cpu.implementer", &f->cpu.implementer, fact_is_id);
	fact_drop(f, "cpu.part", &f->cpu.part, fact_is_id);
	fact_drop(f, "cpu.openblas_target", &f->cpu.openblas_target, fact_is_id);
	fact_drop(f, "cpu.blis_config", &f->cpu.blis_config, fact_is_id);
	for (size_t i = 0; f->cpu.features != NULL && f->cpu.features[i] != NULL; i++) {
		if (fact_is_id(f->cpu.features[i]))
			f->cpu.features[j++] = f->cpu.features[i];
		else {
			free(f->cpu.features[i]);
			dropped++;
		}
	}
	if (f->cpu.features != NULL)
		f->cpu.features[j] = NULL;
	if (dropped > 0)
		fact_note(f, "cpu.features: %zu name(s) that are not [A-Za-z0-9._+-] ignored",
		    dropped);
	if (f->cpu.mhz < 0)
		f->cpu.mhz = 0;
	if (f->cpu.cores < 0)
		f->cpu.cores = 0;
}

static void
facts_sanitise_pythons(struct facts *f)
{
	int j = 0;

	fact_drop(f, "python.system", &f->system_python, fact_is_id);
	fact_drop(f, "conda", &f->conda, fact_is_path);
	for (int i = 0; i < f->npythons; i++) {
		struct python_install *p = &f->pythons[i];
		fact_drop(f, "python.found.path", &p->path, fact_is_path);
		fact_drop(f, "python.found.version", &p->version, fact_is_id);
		if (p->path != NULL && p->version != NULL) {
			f->pythons[j++] = *p;
			continue;
		}
		free(p->path);
		free(p->version);
	}
	f->npythons = j;
}

/* Makes what was read fit the facts schema (see facts.h); -1 only for a bad --arch. */
int
facts_sanitise(struct facts *f, char **cause)
{
	if (f->arch == NULL || !fact_is_id(f->arch)) {
		char *q = utf8_fix(f->arch != NULL ? f->arch : "", 1, NULL);
		cause_set(cause, "--arch: '%s' is not an architecture name", quote_short(q));
		free(q);
		return -1;
	}
	fact_drop(f, "distro.id", &f->distro_id, fact_is_id);
	if (f->distro_id == NULL)
		f->distro_id = xstrdup("linux");   /* os-release(5) default */
	fact_drop(f, "distro.version", &f->distro_version, fact_is_id);
	fact_text(f, "distro.like", &f->distro_like);
	fact_text(f, "distro.pretty_name", &f->pretty_name);
	osrelease_classify(f);
	facts_sanitise_cpu(f);
	if (f->mem_bytes > (uint64_t)LONG_MAX)
		f->mem_bytes = 0;
	facts_sanitise_pythons(f);
	return 0;
}

int
facts_detect(struct facts *f, const struct detect_opts *opts, char **cause)
{
	struct detect_opts o = *opts;
	struct utsname u;
	const char *uname_arch = "unknown", *env = getenv("ARMPY_NO_PROBE");
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

	if (uname(&u) == 0)
		uname_arch = u.machine;
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

/* ---- YAML out ---- */

void
facts_emit(const struct facts *f, struct yemit *y)
{
	yemit_map_start(y, 0);

	yemit_str(y, "distro");
	yemit_map_start(y, 0);
	yemit_kv_str(y, "id", f->distro_id);
	yemit_kv_str(y, "version", f->distro_version);
	yemit_kv_str(y, "like", f->distro_like);
	yemit_kv_str(y, "family", family_name(f->family));
	yemit_kv_str(y, "package_manager",
	    f->package_manager == PM_NONE ? NULL : pkg_manager_name(f->package_manager));
	yemit_kv_str(y, "pretty_name", f->pretty_name);
	yemit_map_end(y);

	yemit_kv_str(y, "arch", f->arch);
	yemit_kv_str(y, "multiarch", f->multiarch);

	yemit_str(y, "cpu");
	yemit_map_start(y, 0);
	yemit_kv_str(y, "vendor", f->cpu.vendor);
	yemit_kv_str(y, "implementer", f->cpu.implementer);
	yemit_kv_str(y, "part", f->cpu.part);
	yemit_kv_str(y, "name", f->cpu.name != NULL ? f->cpu.name : "unknown");
	yemit_kv_str(y, "openblas_target", f->cpu.openblas_target);
	yemit_kv_str(y, "blis_config", f->cpu.blis_config);
	yemit_kv_long(y, "cores", f->cpu.cores);
	yemit_kv_long(y, "mhz", f->cpu.mhz);
	yemit_kv_long(y, "sve_bits", f->cpu.sve_bits);
	yemit_str(y, "features");
	yemit_seq_start(y, 1);
	for (char **p = f->cpu.features; p != NULL && *p != NULL; p++)
		yemit_str(y, *p);
	yemit_seq_end(y);
	yemit_map_end(y);

	yemit_kv_long(y, "page_size", f->page_size);
	yemit_str(y, "memory_bytes");
	{
		/* yemit_long takes a long; memory fits on LP64 */
		yemit_long(y, (long)f->mem_bytes);
	}
	yemit_kv_bool(y, "emulated", f->emulated);

	yemit_str(y, "python");
	yemit_map_start(y, 0);
	yemit_kv_str(y, "system", f->system_python);
	yemit_kv_bool(y, "pep668", f->pep668);
	yemit_str(y, "found");
	yemit_seq_start(y, 0);
	for (int i = 0; i < f->npythons; i++) {
		yemit_map_start(y, 1);
		yemit_kv_str(y, "path", f->pythons[i].path);
		yemit_kv_str(y, "version", f->pythons[i].version);
		yemit_kv_bool(y, "pep668", f->pythons[i].pep668);
		yemit_map_end(y);
	}
	yemit_seq_end(y);
	yemit_map_end(y);

	yemit_kv_str(y, "conda", f->conda);
	if (f->notes != NULL && f->notes[0] != NULL)
		yemit_kv_strv(y, "notes", f->notes, 0);
	yemit_map_end(y);
}

char *
facts_to_yaml(const struct facts *f)
{
	struct yemit *y = yemit_new();
	char *s;

	facts_emit(f, y);
	s = yemit_finish(y, NULL);
	yemit_free(y);
	return s;
}

/* ---- YAML in ---- */

struct fload {
	const char *name;
	char **cause;
};

static int
fload_error(struct fload *l, const struct ynode *n, const char *key, const char *fmt, ...)
    ARMPY_PRINTF(4, 5);

static int
fload_error(struct fload *l, const struct ynode *at, const char *key, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = ynode_verror(l->cause, l->name, at, key, fmt, ap);
	va_end(ap);
	return r;
}

/* Refuses keys outside allowed[] (a NULL-terminated list). */
static int
fload_keys(struct fload *l, const struct ynode *map, const char *path, const char *const *allowed)
{
	for (size_t i = 0; i < map->n; i++) {
		int ok = 0;
		for (const char *const *a = allowed; *a != NULL; a++)
			if (strcmp(map->items[i]->value, *a) == 0)
				ok = 1;
		if (!ok) {
			char *k = *path != '\0' ? xasprintf("%s.%s", path, map->items[i]->value) :
			    xstrdup(map->items[i]->value);
			fload_error(l, map->items[i], k, "unknown key");
			free(k);
			return -1;
		}
	}
	return 0;
}

static int
fload_map(struct fload *l, const struct ynode *n, const char *key)
{
	if (n->type != YNODE_MAP)
		return fload_error(l, n, key, "expected a mapping, found %s", ynode_type_name(n));
	return 0;
}

/*
 * A string field. pattern: NULL for free text (one line), "id" for [A-Za-z0-9._+-] names
 * that may reach commands, "path" for absolute paths. nullable: null allowed.
 */
static int
fload_str(struct fload *l, const struct ynode *n, const char *key, const char *pattern,
    int nullable, char **out)
{
	int b;
	if (n == NULL)
		return 0;
	if (ynode_is_null(n)) {
		if (!nullable)
			return fload_error(l, n, key, "must not be null");
		free(*out);
		*out = NULL;
		return 0;
	}
	if (n->type != YNODE_SCALAR || ynode_bool(n, &b) == 0)
		return fload_error(l, n, key, "expected a string, found %s", ynode_type_name(n));
	if (!fact_is_text(n->value))
		return fload_error(l, n, key, "must be a single line of at most %d bytes",
		    FACT_MAX_TEXT);
	if (pattern != NULL && strcmp(pattern, "id") == 0 && !fact_is_id(n->value))
		return fload_error(l, n, key, "'%s' is not a valid name", n->value);
	if (pattern != NULL && strcmp(pattern, "path") == 0 && !fact_is_path(n->value))
		return fload_error(l, n, key, "'%s' is not an absolute path", n->value);
	free(*out);
	*out = xstrdup(n->value);
	return 0;
}

static int
fload_long(struct fload *l, const struct ynode *n, const char *key, long *out)
{
	long v;
	if (n == NULL)
		return 0;
	if (ynode_long(n, &v) != 0 || v < 0)
		return fload_error(l, n, key, "expected a non-negative integer, found %s",
		    ynode_type_name(n));
	*out = v;
	return 0;
}

static int
fload_bool(struct fload *l, const struct ynode *n, const char *key, int *out)
{
	if (n == NULL)
		return 0;
	if (ynode_bool(n, out) != 0)
		return fload_error(l, n, key, "expected true or false, found %s", ynode_type_name(n));
	return 0;
}

static int
fload_distro(struct fload *l, struct facts *f, const struct ynode *d)
{
	static const char *const keys[] = { "id", "version", "like", "family", "package_manager",
	    "pretty_name", NULL };
	const struct ynode *n;
	char *s = NULL;

	if (fload_map(l, d, "distro") != 0 || fload_keys(l, d, "distro", keys) != 0)
		return -1;
	if ((n = ynode_get(d, "id")) == NULL)
		return fload_error(l, d, "distro.id", "missing");
	if (fload_str(l, n, "distro.id", "id", 0, &f->distro_id) != 0 ||
	    fload_str(l, ynode_get(d, "version"), "distro.version", "id", 1,
	    &f->distro_version) != 0 ||
	    fload_str(l, ynode_get(d, "like"), "distro.like", NULL, 1, &f->distro_like) != 0 ||
	    fload_str(l, ynode_get(d, "pretty_name"), "distro.pretty_name", NULL, 1,
	    &f->pretty_name) != 0)
		return -1;
	osrelease_classify(f);   /* defaults; explicit values below override */
	if ((n = ynode_get(d, "family")) != NULL) {
		static const enum distro_family fams[] = { FAMILY_DEBIAN, FAMILY_RHEL, FAMILY_SUSE,
		    FAMILY_ALPINE, FAMILY_UNKNOWN };
		size_t i;
		if (fload_str(l, n, "distro.family", "id", 0, &s) != 0)
			return -1;
		for (i = 0; i < nitems(fams); i++)
			if (strcmp(s, family_name(fams[i])) == 0)
				break;
		if (i == nitems(fams)) {
			fload_error(l, n, "distro.family", "'%s' is not one of debian, rhel, suse, "
			    "alpine, unknown", s);
			free(s);
			return -1;
		}
		f->family = fams[i];
		free(s);
		s = NULL;
	}
	if ((n = ynode_get(d, "package_manager")) != NULL) {
		static const enum pkg_manager pms[] = { PM_APT, PM_DNF, PM_YUM, PM_ZYPPER, PM_APK };
		size_t i;
		if (fload_str(l, n, "distro.package_manager", "id", 1, &s) != 0)
			return -1;
		if (s == NULL) {
			f->package_manager = PM_NONE;
			return 0;
		}
		for (i = 0; i < nitems(pms); i++)
			if (strcmp(s, pkg_manager_name(pms[i])) == 0)
				break;
		if (i == nitems(pms)) {
			fload_error(l, n, "distro.package_manager", "'%s' is not one of apt, dnf, "
			    "yum, zypper, apk", s);
			free(s);
			return -1;
		}
		f->package_manager = pms[i];
		free(s);
	}
	return 0;
}

static int
fload_cpu(struct fload *l, struct facts *f, const struct ynode *c)
{
	static const char *const keys[] = { "vendor", "implementer", "part", "name",
	    "openblas_target", "blis_config", "cores", "mhz", "sve_bits", "features", NULL };
	const struct ynode *n;
	long v;

	if (fload_map(l, c, "cpu") != 0 || fload_keys(l, c, "cpu", keys) != 0)
		return -1;
	if (fload_str(l, ynode_get(c, "vendor"), "cpu.vendor", NULL, 1, &f->cpu.vendor) != 0 ||
	    fload_str(l, ynode_get(c, "implementer"), "cpu.implementer", "id", 1,
	    &f->cpu.implementer) != 0 ||
	    fload_str(l, ynode_get(c, "part"), "cpu.part", "id", 1, &f->cpu.part) != 0 ||
	    fload_str(l, ynode_get(c, "name"), "cpu.name", NULL, 1, &f->cpu.name) != 0 ||
	    fload_str(l, ynode_get(c, "openblas_target"), "cpu.openblas_target", "id", 1,
	    &f->cpu.openblas_target) != 0 ||
	    fload_str(l, ynode_get(c, "blis_config"), "cpu.blis_config", "id", 1,
	    &f->cpu.blis_config) != 0)
		return -1;
	v = 0;
	if (fload_long(l, ynode_get(c, "cores"), "cpu.cores", &v) != 0)
		return -1;
	f->cpu.cores = (int)(v > 1 << 20 ? 1 << 20 : v);
	if (fload_long(l, ynode_get(c, "mhz"), "cpu.mhz", &f->cpu.mhz) != 0)
		return -1;
	v = 0;
	if (fload_long(l, ynode_get(c, "sve_bits"), "cpu.sve_bits", &v) != 0)
		return -1;
	if (v > 2048)
		return fload_error(l, ynode_get(c, "sve_bits"), "cpu.sve_bits", "at most 2048");
	f->cpu.sve_bits = (int)v;
	if ((n = ynode_get(c, "features")) != NULL && !ynode_is_null(n)) {
		if (n->type != YNODE_SEQ)
			return fload_error(l, n, "cpu.features", "expected a list, found %s",
			    ynode_type_name(n));
		for (size_t i = 0; i < n->n; i++) {
			char *s = NULL;
			if (fload_str(l, n->items[i], "cpu.features", "id", 0, &s) != 0)
				return -1;
			cpu_add_features(&f->cpu, s);
			free(s);
		}
	}
	if (f->cpu.name == NULL)
		f->cpu.name = xstrdup("unknown");
	return 0;
}

static int
fload_python(struct fload *l, struct facts *f, const struct ynode *p)
{
	static const char *const keys[] = { "system", "pep668", "found", NULL };
	static const char *const fkeys[] = { "path", "version", "pep668", NULL };
	const struct ynode *n;

	if (fload_map(l, p, "python") != 0 || fload_keys(l, p, "python", keys) != 0)
		return -1;
	if (fload_str(l, ynode_get(p, "system"), "python.system", "id", 1,
	    &f->system_python) != 0 ||
	    fload_bool(l, ynode_get(p, "pep668"), "python.pep668", &f->pep668) != 0)
		return -1;
	if ((n = ynode_get(p, "found")) == NULL || ynode_is_null(n))
		return 0;
	if (n->type != YNODE_SEQ)
		return fload_error(l, n, "python.found", "expected a list, found %s",
		    ynode_type_name(n));
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *e = n->items[i];
		char *path = NULL, *version = NULL;
		int pep668 = 0;
		if (fload_map(l, e, "python.found") != 0 ||
		    fload_keys(l, e, "python.found", fkeys) != 0)
			return -1;
		if (ynode_get(e, "path") == NULL || ynode_get(e, "version") == NULL)
			return fload_error(l, e, "python.found", "each entry needs path and version");
		if (fload_str(l, ynode_get(e, "path"), "python.found.path", "path", 0, &path) != 0 ||
		    fload_str(l, ynode_get(e, "version"), "python.found.version", "id", 0,
		    &version) != 0 ||
		    fload_bool(l, ynode_get(e, "pep668"), "python.found.pep668", &pep668) != 0) {
			free(path);
			free(version);
			return -1;
		}
		detect_add_python(f, path, version, pep668);
		free(path);
		free(version);
	}
	return 0;
}

static int
fload_notes(struct fload *l, struct facts *f, const struct ynode *n)
{
	if (n == NULL || ynode_is_null(n))
		return 0;
	if (n->type != YNODE_SEQ)
		return fload_error(l, n, "notes", "expected a list, found %s", ynode_type_name(n));
	for (size_t i = 0; i < n->n; i++) {
		char *s = NULL;
		if (fload_str(l, n->items[i], "notes", NULL, 0, &s) != 0)
			return -1;
		free(s);
	}
	/* filled in place: strv_push per item measures the list each time (quadratic) */
	strv_free(f->notes);
	f->notes = xreallocarray(NULL, n->n + 1, sizeof *f->notes);
	for (size_t i = 0; i < n->n; i++)
		f->notes[i] = xstrdup(n->items[i]->value);
	f->notes[n->n] = NULL;
	return 0;
}

struct facts *
facts_from_yaml(const struct ynode *root, const char *name, char **cause)
{
	static const char *const keys[] = { "distro", "arch", "multiarch", "cpu", "page_size",
	    "memory_bytes", "emulated", "python", "conda", "notes", NULL };
	struct fload l = { name != NULL ? name : "facts", cause };
	struct facts *f = facts_new();
	const struct ynode *n;
	long v;

	if (root == NULL || fload_map(&l, root, "(top)") != 0 || fload_keys(&l, root, "", keys) != 0)
		goto fail;
	if ((n = ynode_get(root, "distro")) == NULL) {
		fload_error(&l, root, "distro", "missing");
		goto fail;
	}
	if (fload_distro(&l, f, n) != 0)
		goto fail;
	if ((n = ynode_get(root, "arch")) == NULL) {
		fload_error(&l, root, "arch", "missing");
		goto fail;
	}
	if (fload_str(&l, n, "arch", "id", 0, &f->arch) != 0)
		goto fail;
	{
		char *a = xstrdup(arch_normalise(f->arch));
		free(f->arch);
		f->arch = a;
	}
	if ((n = ynode_get(root, "multiarch")) != NULL) {
		if (fload_str(&l, n, "multiarch", "id", 1, &f->multiarch) != 0)
			goto fail;
	} else
		f->multiarch = xstrdup(arch_multiarch(f->arch));
	if ((n = ynode_get(root, "cpu")) != NULL && !ynode_is_null(n)) {
		if (fload_cpu(&l, f, n) != 0)
			goto fail;
	} else
		f->cpu.name = xstrdup("unknown");
	if (fload_long(&l, ynode_get(root, "page_size"), "page_size", &f->page_size) != 0)
		goto fail;
	if ((n = ynode_get(root, "page_size")) != NULL && f->page_size != 0 &&
	    (f->page_size & (f->page_size - 1)) != 0) {
		fload_error(&l, n, "page_size", "must be a power of two");
		goto fail;
	}
	v = 0;
	if (fload_long(&l, ynode_get(root, "memory_bytes"), "memory_bytes", &v) != 0)
		goto fail;
	f->mem_bytes = (uint64_t)v;
	if (fload_bool(&l, ynode_get(root, "emulated"), "emulated", &f->emulated) != 0)
		goto fail;
	if ((n = ynode_get(root, "python")) != NULL && !ynode_is_null(n) &&
	    fload_python(&l, f, n) != 0)
		goto fail;
	if (fload_str(&l, ynode_get(root, "conda"), "conda", "path", 1, &f->conda) != 0 ||
	    fload_notes(&l, f, ynode_get(root, "notes")) != 0)
		goto fail;
	return f;
fail:
	facts_free(f);
	return NULL;
}
