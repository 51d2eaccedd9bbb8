/* plan.c — the pure planner's entry and its step builders: (facts, profile) → steps, or a reason. */
/* SPDX-License-Identifier: MIT */
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
#include "distrolife.h"
#include "bundle.h"

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
	return pc_runv(c, id, title, why, privileged, est, strv_append(strv_new(),
	    (char *const *)argv));
}

struct step *
pc_download(struct pctx *c, const char *id, const char *title, const char *why,
    const char *url, const char *sha256, const char *dest)
{
	char *from = c->bundle != NULL ? xasprintf("%s (from the bundle)", title) : NULL;
	const char *name = strrchr(dest, '/') != NULL ? strrchr(dest, '/') + 1 : dest;
	struct step *s = plan_add(c->plan, id, from != NULL ? from : title, why);

	free(from);
	s->kind = ACTION_DOWNLOAD;
	s->est_seconds = 30;
	/* from a bundle: the file it carries (bundle.h), the same sha256 checked */
	s->u.download.url = c->bundle != NULL ? xasprintf("%s/" BUNDLE_DOWNLOADS_DIR "/%s",
	    c->bundle, name) : xstrdup(url);
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
	s->check.argv = strv_append(strv_new(), (char *const *)argv);
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

/* The python3 each release ships (src/distrolife.c; facts.system_python wins when known). */
const char *
distro_default_python(const struct facts *f)
{
	return distrolife_python(f->distro_id, f->distro_version, f->pretty_name);
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
		all = strv_append_new(all, s->check.packages);
	}
	if (all != NULL)
		step_check_dpkg(up, all);
	strv_free(all);
}

/*
 * From a bundle (bundle.h), apt reads the bundle's own sources list and keeps its lists beside
 * it, so the root's apt configuration and lists are not changed; no package cache file is
 * written. The archive's index is the uncompressed Packages file its InRelease vouches for (the
 * bundle keeps no compressed one). The security archive's InRelease has a Valid-Until a week
 * after it was signed: a bundle is older than that by design (docs/security.md).
 */
char **
pc_apt_opts(const struct pctx *c, char **argv)
{
	if (c->bundle == NULL)
		return argv;
	argv = strv_pushl(argv, "-o", "Dir::Etc::sourceparts=-", "-o", NULL);
	argv = strv_pushf(argv, "Dir::Etc::sourcelist=%s" BUNDLE_SOURCES_SUFFIX, c->bundle);
	argv = strv_push(argv, "-o");
	argv = strv_pushf(argv, "Dir::State::Lists=%s/lists", c->bundle);
	return strv_pushl(argv, "-o", "Dir::Cache::pkgcache=", "-o", "Dir::Cache::srcpkgcache=",
	    "-o", "Acquire::Languages=none", "-o", "Acquire::CompressionTypes::xz=false", "-o",
	    "Acquire::CompressionTypes::gz=false", "-o", "Acquire::Check-Valid-Until=false", NULL);
}

/* The bundle's sources list: its archives as file: sources, verified with the root's own
 * Debian archive keyring (the bundle carries no key). */
static void
pc_bundle_sources(struct pctx *c)
{
	struct step *s = plan_add(c->plan, "bundle-sources", "Point apt at the bundle's archive "
	    "(its own sources list; the system's is not changed)", "the bundle carries the "
	    "archives' signed InRelease files, their Packages indexes and the packages: apt "
	    "verifies them with the system's Debian archive keyring, as it would online");
	const struct bundle_archive *a;
	size_t n;
	struct buf b;

	buf_init(&b);
	a = bundle_archives(&n);
	for (size_t i = 0; i < n; i++) {
		buf_printf(&b, "deb [signed-by=%s] file:%s/apt/%s %s%s main\n", BUNDLE_KEYRING,
		    c->bundle, a[i].dir, bundle_suite(c->f), a[i].suffix);
	}
	s->kind = ACTION_WRITE;
	s->privileged = 1;
	s->est_seconds = 1;
	s->u.write.path = xasprintf("%s" BUNDLE_SOURCES_SUFFIX, c->bundle);
	s->u.write.mode = 0644;
	s->u.write.content = buf_steal(&b);
}

void
pc_apt_update(struct pctx *c)
{
	char **argv;

	if (c->apt_updated)
		return;
	c->apt_updated = 1;
	if (c->bundle != NULL)
		pc_bundle_sources(c);
	argv = pc_apt_opts(c, strv_pushl(strv_new(), "apt-get", "update", NULL));
	pc_runv(c, "apt-update", c->bundle != NULL ? "Read the bundle's package lists (apt-get "
	    "update, no network)" : "Refresh the package lists (apt-get update)", GUIDE_NAME ": "
	    "'sudo apt update' before 'sudo apt-get install ...'", 1, 30, argv);
}

/* Warns about an EOL version; refuses it unless allow_eol. what: "chosen in the profile". */
int
pc_python_eol(struct pctx *c, const char *ver, const char *what)
{
	const struct python_eol *e;

	if (ver == NULL)
		return 0;
	if (strcmp(ver, "2.7") == 0 || str_startswith(ver, "2."))
		return pc_refuse(c, "Python %s: NumPy supported Python 2.7 only up to its 1.16 "
		    "releases (SciPy up to 1.2), far below the floors of " GUIDE_NAME " (NumPy >= "
		    "%s, SciPy >= %s), and Python 2.7 is EOL since 2020-01-01 (PEP 373); the guide "
		    "says to upgrade to Python 3 before moving to Arm64", ver, FLOOR_NUMPY,
		    FLOOR_SCIPY);
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

/* The release's lifecycle entry (src/distrolife.c), NULL when not in the table; with the
 * target's distro-info-data days where they are later, noted once. */
static const struct distro_life *
pc_life(struct pctx *c)
{
	const struct distro_life *l = distrolife_lookup(c->f->distro_id, c->f->distro_version,
	    c->f->pretty_name);
	char *note;

	if (l == NULL)
		return NULL;
	note = distrolife_merge(l, &c->f->distro_info, &c->life);
	if (note != NULL && !c->life_noted)
		plan_note(c->plan, "%s", note);
	c->life_noted |= note != NULL;
	free(note);
	return &c->life;
}

/* A distro past its vendor's support is named, with the date and the page (every route). */
static void
pc_distro_life(struct pctx *c)
{
	const struct distro_life *l = pc_life(c);

	if (distrolife_is_past(l, pyeol_now()) != 1)
		return;
	if (l->extended != NULL && distrolife_is_past(&(struct distro_life){ .end =
	    l->extended }, pyeol_now()) == 0)
		plan_warn(c->plan, "%s reached its end of life on %s (the end of its %s, from %s); "
		    "security fixes after it only with %s, until %s", l->name, l->end, l->program,
		    l->source, l->ext_program, l->extended);
	else
		plan_warn(c->plan, "%s reached its end of life on %s (the end of its %s, from %s); "
		    "its packages get no more fixes", l->name, l->end, l->program, l->source);
}

/*
 * The distro's own python3 (version `ver`): while the release is within its vendor's support,
 * the vendor maintains it past upstream's end of life, so it plans with a note and needs no
 * allow_eol. A release past its support, or one not in the table, gets upstream's rule.
 */
static int
pc_distro_python_eol(struct pctx *c, const char *ver)
{
	const struct distro_life *l = pc_life(c);
	const struct python_eol *e = pyeol_lookup(ver);
	char *what;
	int rc;

	if (e == NULL || pyeol_is_past(ver, pyeol_now()) != 1)
		return pc_python_eol(c, ver, "the distro's python3");
	if (l != NULL && l->python != NULL && strcmp(l->python, ver) == 0 &&
	    distrolife_is_past(l, pyeol_now()) == 0) {
		plan_note(c->plan, "Python %s: upstream end of life %s; %s maintains python%s until "
		    "%s (%s's %s; %s)", ver, e->eol, l->name, ver, l->end, l->vendor, l->program,
		    l->source);
		return 0;
	}
	if (l != NULL && distrolife_is_past(l, pyeol_now()) == 1)
		what = xasprintf("the distro's python3; %s itself reached its end of life on %s",
		    l->name, l->end);
	else
		what = xstrdup("the distro's python3");
	rc = pc_python_eol(c, ver, what);
	free(what);
	return rc;
}

/*
 * Interpreters the RHEL family ships as AppStream packages besides python3, by minor release
 * (Red Hat's Application Streams): newest first. Their own upstream dates apply (allow_eol).
 */
static const struct {
	int major, minor;
	const char *ver, *pkg;
} appstream_pythons[] = {
	{ 8, 10, "3.12", "python3.12" }, { 8, 8, "3.11", "python3.11" },
	{ 8, 4, "3.9", "python39" }, { 8, 2, "3.8", "python38" },
	{ 9, 4, "3.12", "python3.12" }, { 9, 2, "3.11", "python3.11" },
};

/* The AppStream entry for `want` on this release (want NULL: the newest one upstream still
 * supports, or with allow_eol the newest); -1 when none. *from gets the minor it needs. */
static int
rhel_appstream(const struct pctx *c, const char *want, int *from)
{
	const struct facts *f = c->f;
	int major = distro_major(f), minor = 99;
	const char *dot = f->distro_version != NULL ? strchr(f->distro_version, '.') : NULL;

	*from = 0;
	if (f->family != FAMILY_RHEL || (major != 8 && major != 9))
		return -1;
	if (dot != NULL)
		minor = atoi(dot + 1);      /* "8" alone (CentOS Stream): the current minor */
	for (size_t i = 0; i < nitems(appstream_pythons); i++) {
		if (appstream_pythons[i].major != major)
			continue;
		if (want != NULL && strcmp(want, appstream_pythons[i].ver) != 0)
			continue;
		*from = appstream_pythons[i].minor;
		if (minor < appstream_pythons[i].minor)
			continue;
		if (want == NULL && !c->p->allow_eol &&
		    pyeol_is_past(appstream_pythons[i].ver, pyeol_now()) == 1)
			continue;
		return (int)i;
	}
	return -1;
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

/* python3.X from AppStream (or Amazon Linux 2023's python3.11): interpreter and packages. */
static void
set_package_python(struct pctx *c, const char *ver, const char *pkg, const char *why)
{
	char *path = xasprintf("/usr/bin/python%s", ver);

	set_interp(c, ver, path, why);
	free(path);
	c->py_pkgs = strv_push(c->py_pkgs, pkg);
	c->py_pkgs = strv_pushf(c->py_pkgs, "%s-devel", pkg);
	c->py_pkgs = strv_pushf(c->py_pkgs, "%s-pip", pkg);
}

/* Amazon Linux 2023 packages python3.11 and python3.12 beside its python3 3.9. */
static const char *
amzn_python(const struct facts *f, const char *want)
{
	if (f->distro_id == NULL || strcmp(f->distro_id, "amzn") != 0 || distro_major(f) != 2023)
		return NULL;
	if (want == NULL)
		return "3.11";
	return strcmp(want, "3.11") == 0 || strcmp(want, "3.12") == 0 ? want : NULL;
}

/*
 * A venv on the distro's python3 that upstream no longer supports: PyPI's NumPy and SciPy
 * follow upstream's support, so a newer interpreter the distro packages is used when there
 * is one. Returns 1 when it chose one.
 */
static int
pc_venv_newer_python(struct pctx *c, const char *def)
{
	const char *amzn = amzn_python(c->f, NULL);
	int i, from;
	char *why;

	if (pyeol_is_past(def, pyeol_now()) != 1)
		return 0;
	if (amzn != NULL) {
		why = xasprintf("the distro's Python %s is past its upstream end of life and PyPI's "
		    "NumPy follows upstream's support, so Amazon Linux 2023's python%s package",
		    def, amzn);
		set_package_python(c, amzn, "python3.11", why);
		free(why);
		return 1;
	}
	if ((i = rhel_appstream(c, NULL, &from)) < 0)
		return 0;
	why = xasprintf(GUIDE_NAME ": 'Centos 8 and RHEL 8 distribute Python 3.6 ... Another "
	    "option is to use Python 3.8 instead of the default Python package' -- applied with "
	    "today's end-of-life table: the distro's Python %s is past its upstream end of life "
	    "and PyPI's NumPy follows upstream's support, so %s from AppStream (there from "
	    "%d.%d)", def, appstream_pythons[i].pkg, appstream_pythons[i].major,
	    appstream_pythons[i].minor);
	set_package_python(c, appstream_pythons[i].ver, appstream_pythons[i].pkg, why);
	free(why);
	plan_note(c->plan, "the distro's Python %s is past its upstream end of life; the venv uses "
	    "python%s (%s, AppStream)", def, appstream_pythons[i].ver, appstream_pythons[i].pkg);
	return 1;
}

/* python: system, or the version the distro's python3 has. */
static int
pc_system_python(struct pctx *c, const char *def, int need_interp)
{
	if (def == NULL) {
		set_interp(c, NULL, "/usr/bin/python3", "the distro's python3");
		plan_warn(c->plan, "the version of %s's python3 is unknown; it is not checked "
		    "against the end-of-life table", c->plan->target);
		return 0;
	}
	if (need_interp && pc_venv_newer_python(c, def))
		return 0;
	set_interp(c, def, "/usr/bin/python3", "the distro's python3");
	return pc_distro_python_eol(c, def);
}

/* A version the profile names that is not the distro's python3. */
static int
pc_other_python(struct pctx *c, const char *want, const char *def, int need_interp)
{
	const struct python_install *pi;
	const char *amzn = amzn_python(c->f, want);
	int i, from = 0;
	char *why;

	if (pc_python_eol(c, want, "chosen in the profile") != 0)
		return -1;
	if ((pi = facts_python(c->f, want)) != NULL) {
		why = xasprintf("Python %s found on this machine at %s", want, pi->path);
		set_interp(c, want, pi->path, why);
		free(why);
		return 0;
	}
	i = rhel_appstream(c, want, &from);
	if (need_interp && (i >= 0 || amzn != NULL)) {
		why = xasprintf("%s is %s package on %s (its upstream end of life applies, not the "
		    "distro's)", i >= 0 ? appstream_pythons[i].pkg : "python3.11", i >= 0 ?
		    "an AppStream" : "a", c->plan->target);
		if (i >= 0)
			set_package_python(c, want, appstream_pythons[i].pkg, why);
		else
			set_package_python(c, amzn, strcmp(amzn, "3.12") == 0 ? "python3.12" :
			    "python3.11", why);
		free(why);
		return 0;
	}
	if (need_interp && from > 0)
		return pc_refuse(c, "python \"%s\": Python %s is an AppStream package from "
		    "release %d.%d; %s is older -- update the system, choose python: system, or "
		    "use source: conda", want, want, distro_major(c->f), from, c->plan->target);
	if (need_interp)
		return pc_refuse(c, "python \"%s\": no Python %s interpreter on %s (its python3 is "
		    "%s) and none found on this machine; a venv needs an installed interpreter -- "
		    "install python%s first, choose python: system, or use source: conda", want,
		    want, c->plan->target, def != NULL ? def : "unknown", want);
	return pc_refuse(c, "python \"%s\": %s ships only Python %s as python3 (distro "
	    "packages are built for that one version); choose python: system, source: pip "
	    "with an installed python%s, or source: conda (which can install any version)",
	    want, c->plan->target, def != NULL ? def : "(unknown)", want);
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
	    xstrdup(distro_default_python(f));
	int rc;

	if (strcmp(want, "system") == 0 || (def != NULL && strcmp(def, want) == 0))
		rc = pc_system_python(c, def, need_interp);
	else if (!valid_python_version(want))
		rc = pc_refuse(c, "python: '%s' is not \"system\" or \"3.X\"", want);
	else
		rc = pc_other_python(c, want, def, need_interp);
	free(def);
	return rc;
}

/*
 * Floor warnings of the guide at plan time: `what` ships NumPy `numpy`, SciPy `scipy` and
 * OpenBLAS `openblas` (NULL: not known, not checked); each one below its floor is named.
 */
void
pc_floor_warn(struct pctx *c, const char *what, const char *numpy, const char *scipy,
    const char *openblas, const char *advice)
{
	struct buf b;
	int n = 0;

	buf_init(&b);
	if (numpy != NULL && version_cmp(numpy, FLOOR_NUMPY) < 0)
		buf_printf(&b, "%sNumPy %s < %s", n++ ? ", " : "", numpy, FLOOR_NUMPY);
	if (c->p->scipy && scipy != NULL && version_cmp(scipy, FLOOR_SCIPY) < 0)
		buf_printf(&b, "%sSciPy %s < %s", n++ ? ", " : "", scipy, FLOOR_SCIPY);
	if (openblas != NULL && version_cmp(openblas, FLOOR_OPENBLAS) < 0)
		buf_printf(&b, "%sOpenBLAS %s < %s", n++ ? ", " : "", openblas, FLOOR_OPENBLAS);
	if (n > 0)
		plan_warn(c->plan, "%s: %s -- below the floors of " GUIDE_NAME " (Arm64 "
		    "correctness fixes went into OpenBLAS 0.3.9 to 0.3.17); validation will report "
		    "it; %s", what, b.data, advice);
	buf_free(&b);
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
	return strv_append(env, c->extra_env);
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
	if ((c->p->extras & EXTRA_SENTENCEPIECE) && c->p->source != SOURCE_CONDA) {
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
	s->u.validate.expect = c->check_thr != NULL ? xasprintf("%s:%s", c->lib, c->check_thr) :
	    xstrdup(c->lib);
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

/*
 * Wheels and conda packages carry their own builds of native libraries, and some assume
 * 4 KB pages; distro packages are built for the distro's own kernel, so only routes that
 * install those (c->wheels) are warned. An unknown page size on EL8 aarch64 is its kernel's
 * 64 KB (the NVIDIA Arm HPC DevKit's OS list); EL9 offers a 64 KB kernel (kernel-64k).
 */
static void
plan_pages(struct pctx *c)
{
	const struct facts *f = c->f;
	int el = f->family == FAMILY_RHEL && f->distro_id != NULL &&
	    strcmp(f->distro_id, "amzn") != 0 && strcmp(f->arch, "aarch64") == 0 ?
	    distro_major(f) : 0;
	const char *how;

	if (f->page_size == 65536)
		how = "this kernel uses 64 KB pages";
	else if (f->page_size == 0 && el == 8)
		how = "the page size is unknown, and EL8's aarch64 kernel uses 64 KB pages";
	else if (f->page_size == 0 && el == 9)
		how = "the page size is unknown, and EL9 on aarch64 may run its 64 KB-page kernel "
		    "(kernel-64k)";
	else
		return;
	plan_warn(c->plan, "%s: wheels and conda packages bundle native libraries, and some "
	    "assume 4 KB pages and fail to load (" GUIDE_NAME ": 'Pillow 8.x or later have a "
	    "binary wheel for all Arm64 platforms, included OSes with 64kB pages'); if an import "
	    "fails with an ELF load or page-size error, use source: system or build: source for "
	    "that package", how);
}

static int
plan_route(struct pctx *c)
{
	const struct facts *f = c->f;
	const struct profile *p = c->p;

	if (p->blas.library == BLAS_NVPL && p->source != SOURCE_CONDA)
		return pc_refuse(c, "library: nvpl needs source: conda (conda-forge's libblas "
		    "nvpl build)");
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
	/* build: source on SUSE or Alpine is refused there, never silently a package install */
	if (p->blas.build == BUILD_SOURCE ||
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
	return pc_unsupported(c, "armpy does not know how to install packages on %s (its distribution family is not one of Debian, RHEL, SUSE or Alpine)", c->plan->target);
}

struct plan *
plan_make(const struct facts *f, const struct profile *p, char **cause)
{
	return plan_make_bundle(f, p, NULL, cause);
}

struct plan *
plan_make_bundle(const struct facts *f, const struct profile *p, const char *bundle_dir,
    char **cause)
{
	struct pctx c;
	struct plan *plan;
	const char *id = f->distro_id != NULL ? f->distro_id : "unknown";
	int rc;

	memset(&c, 0, sizeof c);
	c.f = f;
	c.p = p;
	c.cause = cause;
	c.bundle = bundle_dir;
	c.plan = plan = plan_new();
	plan->profile_name = xstrdup(p->name);
	plan->target = xasprintf("%s-%s %s", id, f->distro_version != NULL ? f->distro_version :
	    "unknown", f->arch != NULL ? f->arch : "unknown");
	c.lib = blas_library_name(p->blas.library);
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
		pc_distro_life(&c);
		if (f->emulated)
			plan_warn(plan, "running under emulation (qemu-user): timings are not this "
			    "machine's speed");
		if (strcmp(f->arch, "aarch64") != 0)
			plan_note(plan, "planned for %s: armpy targets Arm64; this plan exists for "
			    "testing and comparison", f->arch);
		rc = plan_route(&c);
		if (rc == 0 && c.wheels)
			plan_pages(&c);
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
	free(c.cc_how);
	strv_free(c.cc_env);
	free(c.cc_fc);
	free(c.numpy_spec);
	free(c.scipy_spec);
	if (rc != 0) {
		plan_free(plan);
		return NULL;
	}
	return plan;
}
