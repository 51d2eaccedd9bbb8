/* plan-toolchain.c — what a NumPy/SciPy/BLIS source build needs (GCC × Python), the target's GCC, and how a plan meets it. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "distrolife.h"
#include "plan-int.h"
#include "plan-pins.h"

#define SRC_NUMPY_826 "NumPy's meson.build from 1.26: 'NumPy requires GCC >= 8.4'"
#define SRC_NUMPY_23 "the NumPy 2.3.0 release notes: 'The minimum supported GCC version is now 9.3.0'"
#define SRC_NUMPY_251 "the NumPy 2.5.1 release notes: 'The minimum supported GCC version has been " \
	"updated from 9.3.0 to 10.3.0'"
#define SRC_NUMPY_OLD "NumPy 1.25 and older build with numpy.distutils (setuptools), which has " \
	"no GCC check and is gone from Python 3.12"
#define SRC_SCIPY_8 "SciPy's toolchain roadmap (docs.scipy.org, dev/toolchain): GCC >= 8.0 " \
	"from SciPy 1.10"
#define SRC_SCIPY_9 "SciPy's toolchain roadmap (docs.scipy.org, dev/toolchain): GCC >= 9.1 " \
	"from SciPy 1.14"
#define SRC_SCIPY_OLD "SciPy's toolchain roadmap: GCC >= 4.8 before SciPy 1.10"

/*
 * Release lines, oldest first; pip picks the newest release whose Python range holds the venv's
 * Python, so the rows of one package are in order and their GCC needs never go down. Python
 * ranges are the "This release supports Python versions ..." lines of each release's notes
 * (NumPy 2.0.0 supports 3.9-3.12, 2.1/2.2 3.10-3.13, 2.3/2.4 3.11-3.14, 2.5 3.12 and later;
 * SciPy 1.11.2-1.13 3.9-3.12, 1.14-1.15 3.10-3.13, 1.16 3.11 and later). NumPy 2.5.0 still
 * accepted GCC 9.3; the 2.5 line is given 10.3, the conservative number. A line with no upper
 * Python bound is open: a newer Python than the table knows is assumed to take the newest line.
 */
static const struct build_need needs[] = {
	{ "numpy", "1.19", "1.20", "3.6", "3.9", "4.8", SRC_NUMPY_OLD, "2026-12-02" },
	{ "numpy", "1.20", "1.22", "3.7", "3.10", "4.8", SRC_NUMPY_OLD, "2026-12-02" },
	{ "numpy", "1.22", "1.25", "3.8", "3.11", "4.8", SRC_NUMPY_OLD, "2026-12-02" },
	{ "numpy", "1.25", "1.26", "3.9", "3.11", "4.8", SRC_NUMPY_OLD, "2026-12-02" },
	{ "numpy", "1.26", "2.1", "3.9", "3.12", "8.4", SRC_NUMPY_826, "2026-12-02" },
	{ "numpy", "2.1", "2.3", "3.10", "3.13", "8.4", SRC_NUMPY_826, "2026-12-02" },
	{ "numpy", "2.3", "2.5", "3.11", "3.14", "9.3", SRC_NUMPY_23, "2026-12-02" },
	{ "numpy", "2.5", NULL, "3.12", NULL, "10.3", SRC_NUMPY_251, "2026-12-02" },
	{ "scipy", "1.5", "1.6", "3.6", "3.9", "4.8", SRC_SCIPY_OLD, "2026-12-02" },
	{ "scipy", "1.6", "1.8", "3.7", "3.10", "4.8", SRC_SCIPY_OLD, "2026-12-02" },
	{ "scipy", "1.8", "1.10", "3.8", "3.11", "4.8", SRC_SCIPY_OLD, "2026-12-02" },
	{ "scipy", "1.10", "1.11", "3.8", "3.11", "8.0", SRC_SCIPY_8, "2026-12-02" },
	{ "scipy", "1.11", "1.14", "3.9", "3.12", "8.0", SRC_SCIPY_8, "2026-12-02" },
	{ "scipy", "1.14", "1.16", "3.10", "3.13", "9.1", SRC_SCIPY_9, "2026-12-02" },
	{ "scipy", "1.16", NULL, "3.11", NULL, "9.1", SRC_SCIPY_9, "2026-12-02" },
};

/*
 * The GCC each release ships as gcc (the version at the release's GA, the lowest it has had), by
 * os-release ID and VERSION_ID: rows of one ID and major are newest minor first; a VERSION_ID
 * without a minor ("8" on CentOS Stream) is the current one. From the distributions' package
 * archives: Debian's and Ubuntu's gcc-defaults, RHEL's release notes (8.0: 8.2, 8.2: 8.3, 8.4:
 * 8.4, 8.5 and later: 8.5; 9: 11), Amazon Linux (2: 7.3, 2023: 11.3), SLES 15's gcc7 (gcc12 is a
 * separate package), Alpine's main/gcc.
 */
#define SRC_GCC_EL "the RHEL release notes (access.redhat.com), the gcc of each minor release"
#define SRC_GCC_DEB "Debian's gcc-defaults (packages.debian.org: buster, bullseye, bookworm, " \
	"trixie)"
#define SRC_GCC_UBU "Ubuntu's gcc-defaults (packages.ubuntu.com)"
#define SRC_GCC_AMZN "the Amazon Linux 2 and 2023 package lists (docs.aws.amazon.com)"
#define SRC_GCC_SUSE "SLES 15's gcc7 package (SUSE's release notes; gcc12 is a separate package)"
#define SRC_GCC_APK "Alpine's main/gcc (pkgs.alpinelinux.org)"
static const struct distro_gcc distro_gccs[] = {
	{ "rhel rocky almalinux centos ol", 8, 5, "8.5", SRC_GCC_EL, "2026-12-02" },
	{ "rhel rocky almalinux centos ol", 8, 4, "8.4", SRC_GCC_EL, "2026-12-02" },
	{ "rhel rocky almalinux centos ol", 8, 2, "8.3", SRC_GCC_EL, "2026-12-02" },
	{ "rhel rocky almalinux centos ol", 8, 0, "8.2", SRC_GCC_EL, "2026-12-02" },
	{ "rhel rocky almalinux centos ol", 9, 0, "11.2", SRC_GCC_EL, "2026-12-02" },
	{ "rhel rocky almalinux centos ol", 10, 0, "14.2", SRC_GCC_EL, "2026-12-02" },
	{ "debian", 10, 0, "8.3", SRC_GCC_DEB, "2026-12-02" },
	{ "debian", 11, 0, "10.2", SRC_GCC_DEB, "2026-12-02" },
	{ "debian", 12, 0, "12.2", SRC_GCC_DEB, "2026-12-06" },
	{ "debian", 13, 0, "14.2", SRC_GCC_DEB, "2026-12-02" },
	{ "ubuntu", 18, 4, "7.3", SRC_GCC_UBU, "2026-12-02" },
	{ "ubuntu", 20, 4, "9.3", SRC_GCC_UBU, "2026-12-02" },
	{ "ubuntu", 22, 4, "11.2", SRC_GCC_UBU, "2026-12-02" },
	{ "ubuntu", 24, 4, "13.2", SRC_GCC_UBU, "2026-12-02" },
	{ "amzn", 2, 0, "7.3", SRC_GCC_AMZN, "2026-12-02" },
	{ "amzn", 2023, 0, "11.3", SRC_GCC_AMZN, "2026-12-02" },
	{ "sles opensuse-leap", 15, 0, "7.5", SRC_GCC_SUSE, "2026-12-02" },
	{ "alpine", 3, 21, "14.2", SRC_GCC_APK, "2026-12-02" },
	{ "alpine", 3, 19, "13.2", SRC_GCC_APK, "2026-12-02" },
	{ "alpine", 3, 18, "12.2", SRC_GCC_APK, "2026-12-02" },
};

/*
 * Red Hat's GCC Toolset (AppStream, installed under /opt/rh/gcc-toolset-N, beside the system
 * gcc), by the minor release that brought it (Red Hat's "Developing C and C++ applications in
 * RHEL 8/9", chapter GCC Toolset; the minors are the RHEL release notes', not confirmed here
 * beyond them, so a toolset is assumed only from the release that shipped it): newest first.
 * The GCC is the one it first shipped.
 */
#define SRC_TOOLSET "Red Hat's 'Developing C and C++ applications in RHEL 8/9', chapter GCC " \
	"Toolset, and the RHEL release notes"
static const struct toolset toolsets[] = {
	{ 8, 9, "gcc-toolset-13", "13.1", SRC_TOOLSET, "2026-12-02" },
	{ 8, 7, "gcc-toolset-12", "12.1", SRC_TOOLSET, "2026-12-02" },
	{ 8, 5, "gcc-toolset-11", "11.2", SRC_TOOLSET, "2026-12-02" },
	{ 8, 3, "gcc-toolset-10", "10.2", SRC_TOOLSET, "2026-12-02" },
	{ 9, 3, "gcc-toolset-13", "13.1", SRC_TOOLSET, "2026-12-02" },
	{ 9, 1, "gcc-toolset-12", "12.1", SRC_TOOLSET, "2026-12-02" },
};

const struct build_need *
toolchain_needs(int *n)
{
	*n = (int)nitems(needs);
	return needs;
}

const struct distro_gcc *
toolchain_distro_gccs(int *n)
{
	*n = (int)nitems(distro_gccs);
	return distro_gccs;
}

const struct toolset *
toolchain_toolsets(int *n)
{
	*n = (int)nitems(toolsets);
	return toolsets;
}

static int
py_fits(const struct build_need *b, const char *py)
{
	return py == NULL || (version_cmp(py, b->py_min) >= 0 &&
	    (b->py_max == NULL || version_cmp(py, b->py_max) <= 0));
}

const struct build_need *
toolchain_pick(const char *pkg, const char *py, const char *gcc)
{
	for (size_t i = nitems(needs); i-- > 0;) {
		if (strcmp(needs[i].pkg, pkg) != 0 || !py_fits(&needs[i], py))
			continue;
		if (gcc == NULL || version_cmp(gcc, needs[i].gcc) >= 0)
			return &needs[i];
	}
	return NULL;
}

/* "8.9" → 8, 9; "12" → 12, 99 (the current minor); "22.04" → 22, 4. */
static void
version_split(const char *v, int *major, int *minor)
{
	const char *dot = strchr(v, '.');

	*major = atoi(v);
	*minor = dot != NULL ? atoi(dot + 1) : 99;
}

static int
id_in(const char *ids, const char *id)
{
	size_t n = strlen(id);

	for (const char *p = ids; (p = strstr(p, id)) != NULL; p += n) {
		if ((p == ids || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	}
	return 0;
}

const char *
toolchain_distro_gcc(const struct facts *f)
{
	int major, minor;

	if (f->distro_id == NULL || f->distro_version == NULL)
		return NULL;
	version_split(f->distro_version, &major, &minor);
	for (size_t i = 0; i < nitems(distro_gccs); i++) {
		if (id_in(distro_gccs[i].ids, f->distro_id) && distro_gccs[i].major == major &&
		    minor >= distro_gccs[i].minor)
			return distro_gccs[i].gcc;
	}
	return NULL;
}

/* The newest gcc-toolset of this EL release with at least GCC `need`, or NULL. */
static const struct toolset *
toolchain_toolset(const struct facts *f, const char *need)
{
	int major, minor;

	if (f->family != FAMILY_RHEL || f->distro_version == NULL ||
	    !id_in(distro_gccs[0].ids, f->distro_id))
		return NULL;
	version_split(f->distro_version, &major, &minor);
	for (size_t i = 0; i < nitems(toolsets); i++) {
		if (toolsets[i].major == major && minor >= toolsets[i].minor &&
		    version_cmp(toolsets[i].gcc, need) >= 0)
			return &toolsets[i];
	}
	return NULL;
}

/* BLIS configurations with SVE kernels include arm_sve.h (BLIS 0.9.0's kernels/armsve), the SVE
 * ACLE header GCC ships from GCC 10 (the GCC 10 release notes); "arm64" bundles armsve. */
const char *
toolchain_blis_gcc(const char *config)
{
	static const char *sve[] = { "armsve", "a64fx", "arm64", NULL };

	return config != NULL && strv_contains((char **)sve, config) ? "10.1" : NULL;
}

static const char *
pkg_name(const char *pkg)
{
	return strcmp(pkg, "numpy") == 0 ? "NumPy" : "SciPy";
}

/* "NumPy >=2.3,<2.5 needs GCC >= 9.3 and Python 3.11 to 3.14 (source)" */
char *
toolchain_need_text(const struct build_need *b)
{
	char *py, *s;

	py = b->py_max != NULL ? xasprintf("%s to %s", b->py_min, b->py_max) :
	    xasprintf("%s or later", b->py_min);
	s = xasprintf("%s >=%s%s%s needs GCC >= %s and Python %s (%s)", pkg_name(b->pkg), b->from,
	    b->below != NULL ? ",<" : "", b->below != NULL ? b->below : "", b->gcc, py, b->source);
	free(py);
	return s;
}

/* The need behind a package's build, as a why: what pip picks and how the plan meets it. */
char *
toolchain_why(const struct pctx *c, const char *pkg)
{
	const struct build_need *b = toolchain_pick(pkg, c->pyver, NULL);
	char *need, *s;

	if (b == NULL)
		return xstrdup("");
	need = toolchain_need_text(b);
	if (strcmp(pkg, "numpy") == 0 && c->numpy_spec != NULL)
		s = xasprintf("; pinned %s: %s, and %s", c->numpy_spec, need, c->cc_how);
	else if (strcmp(pkg, "scipy") == 0 && c->scipy_spec != NULL)
		s = xasprintf("; pinned %s: %s, and %s", c->scipy_spec, need, c->cc_how);
	else
		s = xasprintf("; %s: %s", need, c->cc_how);
	free(need);
	return s;
}

/* The GCC the pinned OpenBLAS needs for this CPU's TARGET when build: source builds it (NULL:
 * any); *why gets the reason with its source. */
const char *
toolchain_openblas_gcc(const struct pctx *c, const char **why)
{
	const char *t, *fallback;

	*why = NULL;
	if (c->p->blas.build != BUILD_SOURCE || (t = pin_openblas_target(c->f->cpu.openblas_target,
	    why)) == NULL)
		return NULL;
	return pin_openblas_gcc(t, &fallback, why);
}

/* The highest GCC the planned builds need (NumPy, SciPy when asked, BLIS's config, OpenBLAS's
 * TARGET); *what gets the reason (a new string). */
static const char *
toolchain_need(const struct pctx *c, const char *blis_cfg, char **what)
{
	const struct build_need *n = toolchain_pick("numpy", c->pyver, NULL);
	const struct build_need *s = c->p->scipy ? toolchain_pick("scipy", c->pyver, NULL) : NULL;
	const char *b = toolchain_blis_gcc(blis_cfg), *why, *tw, *o = toolchain_openblas_gcc(c, &why);

	if (s != NULL && (n == NULL || version_cmp(s->gcc, n->gcc) > 0))
		n = s;
	if (o != NULL && (n == NULL || version_cmp(o, n->gcc) > 0) && (b == NULL ||
	    version_cmp(o, b) > 0)) {
		*what = xasprintf("OpenBLAS TARGET=%s needs GCC >= %s (%s)",
		    pin_openblas_target(c->f->cpu.openblas_target, &tw), o, why);
		return o;
	}
	if (b != NULL && (n == NULL || version_cmp(b, n->gcc) > 0)) {
		*what = xasprintf("BLIS's %s configuration needs GCC >= %s (its SVE kernels include "
		    "arm_sve.h, which GCC ships from GCC 10, per the GCC 10 release notes)", blis_cfg,
		    b);
		return b;
	}
	*what = n != NULL ? toolchain_need_text(n) : xstrdup("");
	return n != NULL ? n->gcc : "0";
}

static const char *
toolchain_distro_name(const struct pctx *c)
{
	const struct distro_life *l = distrolife_lookup(c->f->distro_id, c->f->distro_version,
	    c->f->pretty_name);

	return l != NULL ? l->name : c->plan->target;
}

/* gcc-toolset-N: installed, and first on PATH (with CC, CXX, FC) for the build steps only. */
static void
toolchain_plan_toolset(struct pctx *c, const struct toolset *t, const char *gcc,
    const char *what)
{
	const char *argv[] = { pc_pm(c), "install", "-y", t->pkg, NULL };
	char *bin = xasprintf("/opt/rh/%s/root/usr/bin", t->pkg), *why, *pkgs[] = { (char *)t->pkg,
	    NULL };
	struct step *s;

	c->cc_env = strv_pushf(c->cc_env, "PATH=%s:/usr/sbin:/usr/bin:/sbin:/bin", bin);
	c->cc_env = strv_pushf(c->cc_env, "CC=%s/gcc", bin);
	c->cc_env = strv_pushf(c->cc_env, "CXX=%s/g++", bin);
	c->cc_env = strv_pushf(c->cc_env, "FC=%s/gfortran", bin);
	c->cc_fc = xasprintf("%s/gfortran", bin);
	c->cc_gcc = t->gcc;
	c->cc_how = xasprintf("%s's GCC %s is older, so the build steps use %s (GCC %s) from "
	    "AppStream", toolchain_distro_name(c), gcc, t->pkg, t->gcc);
	why = xasprintf("%s, and %s's gcc is %s: Red Hat's GCC Toolset installs GCC %s under "
	    "/opt/rh/%s beside the system one (AppStream, from %d.%d); the build steps get its bin "
	    "first on PATH and CC, CXX and FC set, nothing else changes", what,
	    toolchain_distro_name(c), gcc, t->gcc, t->pkg, t->major, t->minor);
	s = pc_run(c, "toolchain", "Install a newer GCC (GCC Toolset)", why, 1, 120, argv);
	step_check_rpm(s, pkgs);
	free(why);
	free(bin);
}

/* Pins `pkg` below the first line `gcc` cannot build; -1 (refused) when no line fits. */
static int
toolchain_pin(struct pctx *c, const char *pkg, const char *gcc, char **spec)
{
	const struct build_need *want = toolchain_pick(pkg, c->pyver, NULL);
	const struct build_need *got = toolchain_pick(pkg, c->pyver, gcc);
	const struct build_need *last = toolchain_pick(pkg, NULL, gcc);
	char *need;
	int rc;

	if (want == NULL || version_cmp(gcc, want->gcc) >= 0)
		return 0;
	if (got != NULL && got->below != NULL) {
		*spec = xasprintf("%s<%s", pkg, got->below);
		return 0;
	}
	need = toolchain_need_text(want);
	rc = pc_refuse(c, "%s; %s's GCC is %s and armpy knows no newer GCC package for it; the "
	    "last %s it builds, %s, supports Python %s to %s, and this plan's Python is %s: choose "
	    "python \"%s\" (if the distro packages it), a release with a newer GCC, or source: conda",
	    need, toolchain_distro_name(c), gcc, pkg_name(pkg), last != NULL ? last->from : "none",
	    last != NULL ? last->py_min : "-", last != NULL && last->py_max != NULL ? last->py_max :
	    "-", c->pyver, last != NULL && last->py_max != NULL ? last->py_max : "3.X");
	free(need);
	return rc;
}

/*
 * Decides how the target builds NumPy/SciPy (and BLIS `blis_cfg`, NULL when not built): with
 * the distro's GCC, with a gcc-toolset it plans, or with pinned releases its GCC builds (and
 * BLIS's generic config). -1 with the refusal when neither fits.
 */
int
pc_toolchain(struct pctx *c, const char *blis_cfg)
{
	const char *gcc = toolchain_distro_gcc(c->f), *need;
	const struct toolset *t;
	char *what;
	int rc = 0;

	need = toolchain_need(c, blis_cfg, &what);
	if (gcc == NULL)
		c->cc_how = xasprintf("the GCC of %s is not in armpy's table, not checked",
		    c->plan->target);
	else if (version_cmp(gcc, need) >= 0)
		c->cc_how = xasprintf("%s's GCC %s builds it", toolchain_distro_name(c), gcc);
	else if ((t = toolchain_toolset(c->f, need)) != NULL)
		toolchain_plan_toolset(c, t, gcc, what);
	else {
		c->cc_how = xasprintf("%s's GCC %s is older and armpy knows no newer GCC package "
		    "for it, so the newest releases it builds are pinned", toolchain_distro_name(c),
		    gcc);
		if (toolchain_pin(c, "numpy", gcc, &c->numpy_spec) != 0 || (c->p->scipy &&
		    toolchain_pin(c, "scipy", gcc, &c->scipy_spec) != 0))
			rc = -1;
	}
	if (c->cc_gcc == NULL)
		c->cc_gcc = gcc;
	free(what);
	return rc;
}

/* The build step runs with the planned toolset (no-op without one). */
void
pc_toolchain_env(const struct pctx *c, struct step *s)
{
	s->u.run.env = strv_append(s->u.run.env, c->cc_env);
}
