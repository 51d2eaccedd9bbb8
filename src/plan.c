/* plan.c — the plan model and the pure planner's entry: (facts, profile) → steps, or a reason. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armpy.h"
#include "facts.h"
#include "plan-int.h"
#include "plan.h"
#include "profile.h"
#include "pyeol.h"

struct plan *
plan_new(void)
{
	return xcalloc(1, sizeof(struct plan));
}

void
step_clear(struct step *s)
{
	if (s == NULL)
		return;
	free(s->id);
	free(s->title);
	free(s->why);
	switch (s->kind) {
	case ACTION_RUN:
		strv_free(s->u.run.argv);
		strv_free(s->u.run.env);
		free(s->u.run.cwd);
		break;
	case ACTION_DOWNLOAD:
		free(s->u.download.url);
		free(s->u.download.sha256);
		free(s->u.download.dest);
		break;
	case ACTION_EXTRACT:
		free(s->u.extract.archive);
		free(s->u.extract.dest);
		break;
	case ACTION_WRITE:
		free(s->u.write.path);
		free(s->u.write.content);
		break;
	case ACTION_ALTERNATIVE:
		free(s->u.alternative.name);
		free(s->u.alternative.path);
		break;
	case ACTION_VALIDATE:
		free(s->u.validate.expect);
		free(s->u.validate.python);
		free(s->u.validate.openblas_min);
		free(s->u.validate.numpy_min);
		free(s->u.validate.scipy_min);
		strv_free(s->u.validate.env);
		break;
	}
	strv_free(s->check.packages);
	free(s->check.name);
	free(s->check.path);
	free(s->check.sha256);
	strv_free(s->check.argv);
	memset(s, 0, sizeof *s);
}

void
plan_free(struct plan *plan)
{
	if (plan == NULL)
		return;
	for (size_t i = 0; i < plan->nsteps; i++)
		step_clear(&plan->steps[i]);
	free(plan->steps);
	free(plan->profile_name);
	free(plan->target);
	strv_free(plan->warnings);
	strv_free(plan->notes);
	free(plan);
}

struct step *
plan_add(struct plan *plan, const char *id, const char *title, const char *why)
{
	struct step *s;

	plan->steps = xreallocarray(plan->steps, plan->nsteps + 1, sizeof *plan->steps);
	s = &plan->steps[plan->nsteps++];
	memset(s, 0, sizeof *s);
	s->id = xstrdup(id);
	s->title = xstrdup(title);
	s->why = xstrdup(why);
	s->kind = ACTION_RUN;
	return s;
}

/* Appends a formatted line to *v unless it is there already. */
static void
plan_add_line(char ***v, const char *fmt, va_list ap)
{
	char *s = xvasprintf(fmt, ap);

	if (!strv_contains(*v, s))
		*v = strv_push(*v, s);
	free(s);
}

void
plan_warn(struct plan *plan, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	plan_add_line(&plan->warnings, fmt, ap);
	va_end(ap);
}

void
plan_note(struct plan *plan, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	plan_add_line(&plan->notes, fmt, ap);
	va_end(ap);
}

struct step *
plan_find(const struct plan *plan, const char *id)
{
	for (size_t i = 0; i < plan->nsteps; i++) {
		if (strcmp(plan->steps[i].id, id) == 0)
			return &plan->steps[i];
	}
	return NULL;
}

static const char *action_names[] = {
	"run", "download", "extract", "write", "alternative", "validate",
};
static const char *check_names[] = {
	"none", "dpkg", "rpm", "alternative", "file", "command",
};

const char *
action_kind_name(enum action_kind k)
{
	if ((size_t)k < nitems(action_names))
		return action_names[k];
	return "unknown";
}

const char *
check_kind_name(enum check_kind k)
{
	if ((size_t)k < nitems(check_names))
		return check_names[k];
	return "unknown";
}

/* ---- step helpers for the route files ---- */

struct step *
pc_runv(struct pctx *c, const char *id, const char *title, const char *why, int privileged,
    int est, char **argv)
{
	struct step *s = plan_add(c->plan, id, title, why);

	s->kind = ACTION_RUN;
	s->privileged = privileged;
	s->est_seconds = est;
	s->u.run.argv = argv;
	return s;
}

struct step *
pc_run(struct pctx *c, const char *id, const char *title, const char *why, int privileged,
    int est, const char *const *argv)
{
	char **v = strv_new();

	for (size_t i = 0; argv[i] != NULL; i++)
		v = strv_push(v, argv[i]);
	return pc_runv(c, id, title, why, privileged, est, v);
}

struct step *
pc_download(struct pctx *c, const char *id, const char *title, const char *why,
    const char *url, const char *sha256, const char *dest)
{
	struct step *s = plan_add(c->plan, id, title, why);

	s->kind = ACTION_DOWNLOAD;
	s->est_seconds = 30;
	s->u.download.url = xstrdup(url);
	s->u.download.sha256 = xstrdup(sha256);
	s->u.download.dest = xstrdup(dest);
	step_check_file(s, dest, sha256);
	return s;
}

void
step_env(struct step *s, const char *fmt, ...)
{
	va_list ap;
	char *e;

	va_start(ap, fmt);
	e = xvasprintf(fmt, ap);
	va_end(ap);
	s->u.run.env = strv_push(s->u.run.env, e);
	free(e);
}

void
step_check_dpkg(struct step *s, char *const *packages)
{
	s->check.kind = CHECK_DPKG;
	s->check.packages = strv_dup(packages);
}

void
step_check_rpm(struct step *s, char *const *packages)
{
	s->check.kind = CHECK_RPM;
	s->check.packages = strv_dup(packages);
}

void
step_check_file(struct step *s, const char *path, const char *sha256)
{
	s->check.kind = CHECK_FILE;
	s->check.path = xstrdup(path);
	s->check.sha256 = xstrdup(sha256);
}

void
step_check_command(struct step *s, const char *const *argv)
{
	s->check.kind = CHECK_COMMAND;
	s->check.argv = strv_new();
	for (size_t i = 0; argv[i] != NULL; i++)
		s->check.argv = strv_push(s->check.argv, argv[i]);
}

void
step_check_import(struct step *s, const char *python, const char *modules)
{
	char *code = xasprintf("import %s", modules);
	const char *argv[] = { python, "-c", code, NULL };

	step_check_command(s, argv);
	free(code);
}

int
pc_refuse(struct pctx *c, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	cause_set(c->cause, "refused: %s", s);
	free(s);
	return -1;
}

int
pc_unsupported(struct pctx *c, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	cause_set(c->cause, "unsupported: %s", s);
	free(s);
	return -1;
}

/* ---- facts helpers ---- */

/* The python3 each release ships (pure table; facts.system_python wins when known). */
static const struct {
	const char *id, *version, *python;
} distro_pythons[] = {
	{ "debian", "10", "3.7" }, { "debian", "11", "3.9" }, { "debian", "12", "3.11" },
	{ "debian", "13", "3.13" },
	{ "ubuntu", "18.04", "3.6" }, { "ubuntu", "20.04", "3.8" }, { "ubuntu", "22.04", "3.10" },
	{ "ubuntu", "24.04", "3.12" },
	{ "rhel", "8", "3.6" }, { "rhel", "9", "3.9" }, { "rocky", "8", "3.6" }, { "rocky", "9", "3.9" },
	{ "almalinux", "8", "3.6" }, { "almalinux", "9", "3.9" }, { "centos", "8", "3.6" },
	{ "centos", "9", "3.9" }, { "ol", "8", "3.6" }, { "ol", "9", "3.9" },
	{ "amzn", "2", "3.7" }, { "amzn", "2023", "3.9" },
	{ "sles", "15", "3.6" }, { "opensuse-leap", "15", "3.6" },
};

const char *
distro_default_python(const char *id, const char *version)
{
	size_t n;

	if (id == NULL || version == NULL)
		return NULL;
	for (size_t i = 0; i < nitems(distro_pythons); i++) {
		if (strcmp(distro_pythons[i].id, id) != 0)
			continue;
		n = strlen(distro_pythons[i].version);
		/* "8.8" matches "8", "22.04" matches "22.04", "15.5" matches "15" */
		if (strncmp(version, distro_pythons[i].version, n) == 0 &&
		    (version[n] == '\0' || version[n] == '.'))
			return distro_pythons[i].python;
	}
	return NULL;
}

int
distro_major(const struct facts *f)
{
	return f->distro_version != NULL ? atoi(f->distro_version) : 0;
}

const char *
pc_pm(const struct pctx *c)
{
	switch (c->f->package_manager) {
	case PM_APT: return "apt-get";
	case PM_DNF: return "dnf";
	case PM_YUM: return "yum";
	case PM_ZYPPER: return "zypper";
	case PM_APK: return "apk";
	case PM_NONE: break;
	}
	switch (c->f->family) {
	case FAMILY_DEBIAN: return "apt-get";
	case FAMILY_RHEL: return "dnf";
	case FAMILY_SUSE: return "zypper";
	case FAMILY_ALPINE: return "apk";
	case FAMILY_UNKNOWN: break;
	}
	return "unknown";
}

const char *
pc_target(const struct pctx *c)
{
	return c->plan->target;
}

int
pc_cores(const struct pctx *c)
{
	return c->f->cpu.cores > 0 ? c->f->cpu.cores : 0;
}

/* "3.11.2" → "3.11" (new string) */
static char *
py_minor(const char *v)
{
	const char *dot;

	if (v == NULL)
		return NULL;
	dot = strchr(v, '.');
	if (dot != NULL && (dot = strchr(dot + 1, '.')) != NULL)
		return xstrndup(v, dot - v);
	return xstrdup(v);
}

/* ---- shared planning blocks ---- */

/*
 * apt-get update is needed only while something is still to install: its check is every
 * package the plan's apt steps check for, so a plan run a second time is all "already
 * satisfied" and does not touch the network.
 */
static void
plan_check_apt_update(struct plan *plan)
{
	struct step *up = plan_find(plan, "apt-update");
	char **all = NULL;

	if (up == NULL || up->check.kind != CHECK_NONE)
		return;
	for (size_t i = 0; i < plan->nsteps; i++) {
		const struct step *s = &plan->steps[i];
		char **argv = s->kind == ACTION_RUN ? s->u.run.argv : NULL;
		if (argv != NULL && argv[0] != NULL && argv[1] != NULL &&
		    strcmp(argv[0], "apt-get") == 0 && strcmp(argv[1], "install") == 0 &&
		    s->check.kind != CHECK_DPKG) {
			strv_free(all);     /* an unchecked install: always refresh */
			return;
		}
		if (s->check.kind != CHECK_DPKG)
			continue;
		for (char **p = s->check.packages; p != NULL && *p != NULL; p++)
			if (!strv_contains(all, *p))
				all = strv_push(all, *p);
	}
	if (all != NULL)
		step_check_dpkg(up, all);
	strv_free(all);
}

void
pc_apt_update(struct pctx *c)
{
	static const char *argv[] = { "apt-get", "update", NULL };

	if (c->apt_updated)
		return;
	c->apt_updated = 1;
	pc_run(c, "apt-update", "Refresh the package lists (apt-get update)", GUIDE_NAME ": 'sudo "
	    "apt update' before 'sudo apt-get install ...'", 1, 30, argv);
}

/* Warns about an EOL version; refuses it unless allow_eol. what: "the distro's python3". */
int
pc_python_eol(struct pctx *c, const char *ver, const char *what)
{
	const struct python_eol *e;

	if (ver == NULL)
		return 0;
	if (strcmp(ver, "2.7") == 0 || str_startswith(ver, "2."))
		return pc_refuse(c, "Python %s: no NumPy release supports Python 2 (EOL since "
		    "2020-01-01, as " GUIDE_NAME " says)", ver);
	if (pyeol_is_past(ver, pyeol_now()) != 1)
		return 0;
	e = pyeol_lookup(ver);
	plan_warn(c->plan, "Python %s (%s) is past end of life (%s)", ver, what,
	    e != NULL ? e->eol : "date unknown");
	if (!c->p->allow_eol)
		return pc_refuse(c, "Python %s (%s) is past end of life (%s); set allow_eol: true "
		    "or choose python \"3.X\" (a supported version) or source: conda", ver, what,
		    e != NULL ? e->eol : "date unknown");
	return 0;
}

/* A newer interpreter the RHEL family ships as a package (AppStream python3.11). */
static const char *
rhel_newer_python(const struct facts *f, const char *want)
{
	int major = distro_major(f);
	const char *id = f->distro_id != NULL ? f->distro_id : "";

	if (want != NULL && strcmp(want, "3.11") != 0 && strcmp(want, "3.12") != 0)
		return NULL;
	if (strcmp(id, "amzn") == 0)
		return major == 2023 ? (want != NULL ? want : "3.11") : NULL;
	if (f->family != FAMILY_RHEL || (major != 8 && major != 9))
		return NULL;
	/* AppStream: python3.11 from 8.8 / 9.2, python3.12 from 8.10 / 9.4 ("8" alone: assume) */
	{
		const char *dot = strchr(f->distro_version, '.');
		int minor = dot != NULL ? atoi(dot + 1) : 99;
		int is12 = want != NULL && strcmp(want, "3.12") == 0;
		int need = major == 8 ? (is12 ? 10 : 8) : (is12 ? 4 : 2);

		if (minor < need)
			return NULL;
	}
	return want != NULL ? want : "3.11";
}

static const struct python_install *
facts_python(const struct facts *f, const char *minor)
{
	for (int i = 0; i < f->npythons; i++) {
		char *m = py_minor(f->pythons[i].version);
		int same = m != NULL && strcmp(m, minor) == 0;

		free(m);
		if (same && f->pythons[i].path != NULL)
			return &f->pythons[i];
	}
	return NULL;
}

static void
set_interp(struct pctx *c, const char *ver, const char *path, const char *why)
{
	free(c->pyver);
	free(c->interp);
	free(c->pywhy);
	c->pyver = xstrdup(ver);
	c->interp = xstrdup(path);
	c->pywhy = xstrdup(why);
}

/*
 * Decide the interpreter. need_interp: the route creates a venv with it (pip/source), so a
 * version that is not installed must be installable (RHEL python3.X) or is refused.
 */
int
pc_resolve_python(struct pctx *c, int need_interp)
{
	const struct facts *f = c->f;
	const char *want = c->p->python != NULL ? c->p->python : "system";
	char *def = f->system_python != NULL ? py_minor(f->system_python) :
	    xstrdup(distro_default_python(f->distro_id, f->distro_version));
	const struct python_install *pi;
	const char *newer;
	char *why;
	int rc = 0;

	if (strcmp(want, "system") == 0) {
		if (def == NULL) {
			set_interp(c, NULL, "/usr/bin/python3", "the distro's python3");
			plan_warn(c->plan, "the version of %s's python3 is unknown; it is not checked "
			    "against the end-of-life table", c->plan->target);
			goto out;
		}
		if (need_interp && f->family == FAMILY_RHEL &&
		    pyeol_is_past(def, pyeol_now()) == 1 &&
		    (newer = rhel_newer_python(f, NULL)) != NULL) {
			why = xasprintf(GUIDE_NAME ": 'Centos 8 and RHEL 8 distribute Python 3.6 "
			    "... Another option is to use Python 3.8 instead of the default Python "
			    "package' -- applied with today's end-of-life table (%s is past EOL, "
			    "and so are 3.8 and 3.9), so python%s from AppStream", def, newer);
			set_interp(c, newer, NULL, why);
			free(why);
			free(c->interp);
			c->interp = xasprintf("/usr/bin/python%s", newer);
			c->py_pkgs = strv_pushf(c->py_pkgs, "python%s", newer);
			c->py_pkgs = strv_pushf(c->py_pkgs, "python%s-devel", newer);
			c->py_pkgs = strv_pushf(c->py_pkgs, "python%s-pip", newer);
			plan_note(c->plan, "the distro's Python %s is past end of life; the venv uses "
			    "python%s", def, newer);
			goto out;
		}
		set_interp(c, def, "/usr/bin/python3", "the distro's python3");
		if (need_interp && f->family == FAMILY_RHEL && !c->p->allow_eol &&
		    pyeol_is_past(def, pyeol_now()) == 1) {
			rc = pc_refuse(c, "Python %s (the distro's python3) is past end of life and "
			    "%s has no newer python3.X package armpy plans (python3.11 is in "
			    "AppStream from RHEL 8.8 / 9.2); update the system, set allow_eol: true, "
			    "or use source: conda", def, c->plan->target);
			goto out;
		}
		rc = pc_python_eol(c, def, "the distro's python3");
		goto out;
	}
	if (!valid_python_version(want)) {
		rc = pc_refuse(c, "python: '%s' is not \"system\" or \"3.X\"", want);
		goto out;
	}
	if ((rc = pc_python_eol(c, want, "chosen in the profile")) != 0)
		goto out;
	if (def != NULL && strcmp(def, want) == 0) {
		set_interp(c, want, "/usr/bin/python3", "the distro's python3");
		goto out;
	}
	if ((pi = facts_python(f, want)) != NULL) {
		why = xasprintf("Python %s found on this machine at %s", want, pi->path);
		set_interp(c, want, pi->path, why);
		free(why);
		goto out;
	}
	if (need_interp && (newer = rhel_newer_python(f, want)) != NULL) {
		why = xasprintf("python%s is an AppStream package on %s", newer, c->plan->target);
		set_interp(c, newer, NULL, why);
		free(why);
		c->interp = xasprintf("/usr/bin/python%s", newer);
		c->py_pkgs = strv_pushf(c->py_pkgs, "python%s", newer);
		c->py_pkgs = strv_pushf(c->py_pkgs, "python%s-devel", newer);
		c->py_pkgs = strv_pushf(c->py_pkgs, "python%s-pip", newer);
		goto out;
	}
	if (need_interp)
		rc = pc_refuse(c, "python \"%s\": no Python %s interpreter on %s (its python3 is %s) "
		    "and none found on this machine; a venv needs an installed interpreter -- "
		    "install python%s first, choose python: system, or use source: conda", want,
		    want, c->plan->target, def != NULL ? def : "unknown", want);
	else
		rc = pc_refuse(c, "python \"%s\": %s ships only Python %s as python3 (distro "
		    "packages are built for that one version); choose python: system, source: pip "
		    "with an installed python%s, or source: conda (which can install any version)",
		    want, c->plan->target, def != NULL ? def : "(unknown)", want);
out:
	free(def);
	return rc;
}

/* NAME=value thread settings (empty when the thread count is unknown). */
char **
pc_thread_env(const struct pctx *c)
{
	char **env = strv_new();

	if (c->threads > 0) {
		env = strv_pushf(env, "OMP_NUM_THREADS=%d", c->threads);
		env = strv_pushf(env, "OPENBLAS_NUM_THREADS=%d", c->threads);
		env = strv_pushf(env, "BLIS_NUM_THREADS=%d", c->threads);
	}
	for (size_t i = 0; c->extra_env != NULL && c->extra_env[i] != NULL; i++)
		env = strv_push(env, c->extra_env[i]);
	return env;
}

/* The script with the thread variables (and sentencepiece's LD_PRELOAD). */
void
pc_env_script(struct pctx *c, const char *path, int privileged, const char *why)
{
	struct buf b;
	struct step *s;
	char **env = pc_thread_env(c);
	int lines = 0;

	buf_init(&b);
	buf_printf(&b, "# armpy: BLAS settings for %s (%s threading); written by armpy\n",
	    c->lib, c->thr);
	for (size_t i = 0; env[i] != NULL; i++, lines++)
		buf_printf(&b, "export %s\n", env[i]);
	if (c->p->extras & EXTRA_SENTENCEPIECE) {
		/* the guide: export LD_PRELOAD=/lib/aarch64-linux-gnu/libtcmalloc_minimal.so.4:/$LD_PRELOAD */
		if (c->f->family == FAMILY_DEBIAN && c->triplet != NULL)
			buf_printf(&b, "export LD_PRELOAD=/lib/%s/libtcmalloc_minimal.so.4"
			    "${LD_PRELOAD:+:$LD_PRELOAD}\n", c->triplet);
		else
			buf_printf(&b, "export LD_PRELOAD=/usr/lib64/libtcmalloc_minimal.so.4"
			    "${LD_PRELOAD:+:$LD_PRELOAD}\n");
		lines++;
	}
	strv_free(env);
	if (lines == 0) {
		buf_free(&b);
		return;
	}
	s = plan_add(c->plan, "blas-env", "Write the BLAS thread settings", why);
	s->kind = ACTION_WRITE;
	s->privileged = privileged;
	s->est_seconds = 1;
	s->u.write.path = xstrdup(path);
	s->u.write.mode = 0644;
	s->u.write.content = buf_steal(&b);
	free(c->env_script);
	c->env_script = xstrdup(path);
}

void
pc_validate(struct pctx *c)
{
	struct step *s;
	char *why;

	why = xasprintf(GUIDE_NAME ": 'To test that the installed NumPy and SciPy are built with "
	    "BLIS and OpenBLAS ... python3 -c \"import numpy as np; np.__config__.show()\"'; "
	    "floors from the " GUIDE_NAME ": OpenBLAS >= %s, NumPy >= %s, SciPy >= %s",
	    FLOOR_OPENBLAS, FLOOR_NUMPY, FLOOR_SCIPY);
	s = plan_add(c->plan, "validate", "Validate NumPy/SciPy and the BLAS in use", why);
	free(why);
	s->kind = ACTION_VALIDATE;
	s->est_seconds = 30;
	s->u.validate.expect = xstrdup(c->lib);
	s->u.validate.python = xstrdup(c->pyuser);
	s->u.validate.openblas_min = xstrdup(FLOOR_OPENBLAS);
	s->u.validate.numpy_min = xstrdup(FLOOR_NUMPY);
	s->u.validate.scipy_min = c->p->scipy ? xstrdup(FLOOR_SCIPY) : NULL;
	s->u.validate.env = pc_thread_env(c);
}

/* ---- the entry ---- */

static const char *
arch_triplet(const char *arch)
{
	if (arch == NULL)
		return NULL;
	if (strcmp(arch, "aarch64") == 0)
		return "aarch64-linux-gnu";
	if (strcmp(arch, "x86_64") == 0)
		return "x86_64-linux-gnu";
	return NULL;
}

static int
plan_threads(struct pctx *c)
{
	const struct profile *p = c->p;

	if (p->blas.threading == THREADING_SERIAL) {
		if (p->blas.threads > 1)
			return pc_refuse(c, "blas.threads: %d with threading: serial; a serial BLAS "
			    "runs one thread (use threads: 1 or auto, or threading: openmp)",
			    p->blas.threads);
		c->threads = 1;
		return 0;
	}
	if (p->blas.threads > 0) {
		c->threads = p->blas.threads;
		return 0;
	}
	c->threads = pc_cores(c);
	if (c->threads == 0)
		plan_warn(c->plan, "threads: auto, but the core count is unknown; no thread count "
		    "is written (OpenBLAS and BLIS then use their defaults; " GUIDE_NAME ": BLIS "
		    "defaults to one thread)");
	return 0;
}

static int
plan_route(struct pctx *c)
{
	const struct facts *f = c->f;
	const struct profile *p = c->p;

	switch (p->source) {
	case SOURCE_CONDA:
		return plan_conda(c);
	case SOURCE_PIP:
		if (p->blas.build == BUILD_SOURCE ||
		    (p->blas.library == BLAS_BLIS && f->family == FAMILY_RHEL))
			return plan_source(c);
		return plan_pip(c);
	case SOURCE_SYSTEM:
		break;
	}
	/* the guide's "Install NumPy and SciPy with BLIS on RedHat" is a source build */
	if ((p->blas.build == BUILD_SOURCE &&
	    (f->family == FAMILY_DEBIAN || f->family == FAMILY_RHEL)) ||
	    (p->blas.library == BLAS_BLIS && f->family == FAMILY_RHEL))
		return plan_source(c);
	switch (f->family) {
	case FAMILY_DEBIAN:
		return plan_debian(c);
	case FAMILY_RHEL:
		return plan_rhel(c);
	case FAMILY_SUSE:
		return plan_suse(c);
	case FAMILY_ALPINE:
		return plan_alpine(c);
	case FAMILY_UNKNOWN:
		break;
	}
	return pc_unsupported(c, "no route for %s", c->plan->target);
}

struct plan *
plan_make(const struct facts *f, const struct profile *p, char **cause)
{
	struct pctx c;
	struct plan *plan;
	const char *id = f->distro_id != NULL ? f->distro_id : "unknown";
	int rc;

	memset(&c, 0, sizeof c);
	c.f = f;
	c.p = p;
	c.cause = cause;
	c.plan = plan = plan_new();
	plan->profile_name = xstrdup(p->name);
	plan->target = xasprintf("%s-%s %s", id, f->distro_version != NULL ? f->distro_version :
	    "unknown", f->arch != NULL ? f->arch : "unknown");
	c.lib = p->blas.library == BLAS_BLIS ? "blis" : "openblas";
	c.thr = p->blas.threading == THREADING_OPENMP ? "openmp" :
	    p->blas.threading == THREADING_PTHREADS ? "pthread" : "serial";
	c.triplet = f->multiarch != NULL ? f->multiarch : arch_triplet(f->arch);

	if (strcmp(id, "freebsd") == 0 || strcmp(id, "netbsd") == 0 || strcmp(id, "openbsd") == 0)
		rc = pc_unsupported(&c, "%s: armpy is Linux-only (the NVIDIA Arm HPC DevKit User "
		    "Guide lists FreeBSD, but armpy supports Linux only)", id);
	else if (f->family == FAMILY_UNKNOWN)
		rc = pc_unsupported(&c, "distro '%s' (%s) is not in a family armpy knows (debian, "
		    "rhel, suse, alpine); its package names and paths cannot be planned", id,
		    f->pretty_name != NULL ? f->pretty_name : "no PRETTY_NAME");
	else if (f->arch == NULL)
		rc = pc_unsupported(&c, "the architecture is unknown");
	else if ((rc = plan_threads(&c)) == 0) {
		if (f->page_size == 65536)
			plan_warn(plan, "64 KB pages: some wheels and binary packages assume 4 KB "
			    "pages and fail to load (" GUIDE_NAME ": Pillow 8.x or later wheels "
			    "work with 64kB pages)");
		if (f->emulated)
			plan_warn(plan, "running under emulation (qemu-user): timings are not this "
			    "machine's speed");
		if (strcmp(f->arch, "aarch64") != 0)
			plan_note(plan, "planned for %s: armpy targets Arm64; this plan exists for "
			    "testing and comparison", f->arch);
		rc = plan_route(&c);
		if (rc == 0) {
			pc_validate(&c);
			plan_check_apt_update(plan);
		}
	}
	free(c.pyver);
	free(c.interp);
	free(c.pyuser);
	free(c.pywhy);
	strv_free(c.py_pkgs);
	strv_free(c.extra_env);
	free(c.env_script);
	if (rc != 0) {
		plan_free(plan);
		return NULL;
	}
	return plan;
}
