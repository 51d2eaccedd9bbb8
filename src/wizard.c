/* wizard.c — the wizard's model: answers, choices, refusals asked of the planner, resets. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "cpu-table.h"
#include "facts.h"
#include "plan.h"
#include "profile.h"
#include "pyeol.h"
#include "distrolife.h"
#include "validate.h"
#include "wizard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const distro_overrides[] = {
	"debian 12", "debian 11", "debian 10", "ubuntu 24.04", "ubuntu 22.04", "ubuntu 20.04",
	"ubuntu 18.04", "rhel 9", "rhel 8", "rocky 9", "rocky 8", "almalinux 9", "almalinux 8",
	"centos 8", "sles 15", "alpine 3.18",
};

static const struct {
	unsigned bit;
	const char *label;
	const char *note;
} extras[] = {
	{ EXTRA_PILLOW, "Pillow", "Pillow 8.x+ has Arm64 wheels, also for 64 KB-page RHEL/CentOS 8." },
	{ EXTRA_PANDAS, "pandas", "Built from source when pip finds no wheel: up to 20 minutes." },
	{ EXTRA_PYTORCH, "PyTorch", "Arm64 CPU wheels of torch and torchvision on PyPI (since 1.8)." },
	{ EXTRA_DGL, "DGL", "Needs PyTorch first; then DGL is installed from source." },
	{ EXTRA_SENTENCEPIECE, "sentencepiece", "Needs PyTorch; cmake build; Python needs "
	    "LD_PRELOAD of tcmalloc." },
	{ EXTRA_MORFEUSZ, "Morfeusz", "Built from the 20200913 source tarball: cmake, swig and "
	    "a JDK." },
};

const char *
wizard_extra_note(unsigned bit)
{
	for (size_t i = 0; i < nitems(extras); i++)
		if (extras[i].bit == bit)
			return extras[i].note;
	return "";
}

const char *
wizard_extra_label(unsigned bit)
{
	for (size_t i = 0; i < nitems(extras); i++)
		if (extras[i].bit == bit)
			return extras[i].label;
	return "?";
}

const char *
wizard_source_label(enum source s)
{
	switch (s) {
	case SOURCE_SYSTEM:
		return "System packages (apt/dnf/zypper/apk)";
	case SOURCE_PIP:
		return "pip in a virtual environment (venv)";
	case SOURCE_CONDA:
		return "conda (Miniforge, conda-forge)";
	}
	return "?";
}

const char *
wizard_source_consequences(enum source s, int line)
{
	static const char *const text[3][2] = {
		{ "Distro NumPy/SciPy; BLAS switched by update-alternatives; needs root.",
		  "SciPy pulls pythran, g++ and boost (~600 MB); the distro's versions." },
		{ "pip wheels bundle their own OpenBLAS; a venv, so PEP 668 is respected.",
		  "BLIS means building NumPy from source (~20 min) against BLIS." },
		{ "Miniforge installer, sha256-checked, into ~/miniforge3; no root.",
		  "linux-aarch64 BLAS: OpenBLAS or NVIDIA NVPL builds; no BLIS." },
	};
	if ((unsigned)s > SOURCE_CONDA || line < 0 || line > 1)
		return "";
	return text[s][line];
}

int
wizard_cores(const struct wizard *w)
{
	return w->facts->cpu.cores > 0 ? w->facts->cpu.cores : 1;
}

/* The answers that belong to a screen. */
static void
answers_reset(struct profile *p, const struct profile *d, int s)
{
	switch (s) {
	case WS_PYTHON:
		free(p->python);
		p->python = xstrdup(d->python);
		p->allow_eol = d->allow_eol;
		break;
	case WS_SOURCE:
		p->source = d->source;
		break;
	case WS_BLAS:
		p->blas.library = d->blas.library;
		p->blas.threading = d->blas.threading;
		p->blas.threads = d->blas.threads;
		p->blas.build = d->blas.build;
		break;
	case WS_EXTRAS:
		p->extras = d->extras;
		break;
	}
}

static int
answers_equal(const struct profile *p, const struct profile *d, int s)
{
	switch (s) {
	case WS_PYTHON:
		return strcmp(p->python ? p->python : "", d->python ? d->python : "") == 0;
	case WS_SOURCE:
		return p->source == d->source;
	case WS_BLAS:
		return p->blas.library == d->blas.library && p->blas.threading ==
		    d->blas.threading && p->blas.build == d->blas.build;
	case WS_EXTRAS:
		return p->extras == d->extras;
	}
	return 1;
}

static char *
answers_text(const struct profile *p, int s)
{
	char *t = NULL;

	switch (s) {
	case WS_PYTHON:
		return xasprintf("Python %s", p->python ? p->python : "system");
	case WS_SOURCE:
		return xasprintf("source %s", source_name(p->source));
	case WS_BLAS:
		return xasprintf("BLAS %s/%s/%s", blas_library_name(p->blas.library),
		    blas_threading_name(p->blas.threading), blas_build_name(p->blas.build));
	case WS_EXTRAS: {
		char **v = NULL;
		for (size_t i = 0; i < nitems(extras); i++)
			if (p->extras & extras[i].bit)
				v = strv_push(v, extras[i].label);
		t = v == NULL ? xstrdup("none") : strv_join(v, ",");
		strv_free(v);
		char *r = xasprintf("extras %s", t);
		free(t);
		return r;
	}
	}
	return xstrdup("?");
}

static char *
strip_prefix(char *cause)
{
	const char *pfx[] = { "refused: ", "unsupported: " };
	if (cause == NULL)
		return xstrdup("armpy cannot plan these answers (no reason given)");
	for (size_t i = 0; i < nitems(pfx); i++) {
		if (str_startswith(cause, pfx[i])) {
			char *r = xstrdup(cause + strlen(pfx[i]));
			free(cause);
			return r;
		}
	}
	return cause;
}

/* What a reset answer goes back to: the defaults, or the bundle's answers (new). */
static struct profile *
answers_defaults(const struct wizard *w)
{
	return w->bundle != NULL ? profile_dup(w->bundle->profile) : profile_new();
}

/* The answers' plan: plan_make, or with a bundle only the bundle's own plan. */
static struct plan *
answers_plan(const struct wizard *w, const struct profile *p, char **cause)
{
	if (w->bundle != NULL)
		return wizard_bundle_plan(w->bundle, w->facts, p, cause);
	return plan_make(w->facts, p, cause);
}

char *
wizard_refusal(const struct wizard *w, const struct profile *candidate, int screen)
{
	struct profile *c = profile_dup(candidate), *d = answers_defaults(w);
	struct plan *plan;
	char *cause = NULL;

	for (int s = screen + 1; s <= WS_EXTRAS; s++)
		answers_reset(c, d, s);
	c->allow_eol = 1;
	if (profile_check(c, &cause) != 0) {
		profile_free(c);
		profile_free(d);
		return cause != NULL ? cause : xstrdup("the profile check refused this");
	}
	plan = answers_plan(w, c, &cause);
	profile_free(c);
	profile_free(d);
	if (plan != NULL) {
		plan_free(plan);
		free(cause);
		return NULL;
	}
	return strip_prefix(cause);
}

int
wizard_replan(struct wizard *w)
{
	plan_free(w->plan);
	free(w->plan_cause);
	w->plan_cause = NULL;
	w->plan = answers_plan(w, w->profile, &w->plan_cause);
	if (w->plan == NULL && w->plan_cause == NULL)
		w->plan_cause = xstrdup("armpy cannot plan these answers");
	return w->plan != NULL ? 0 : -1;
}

static void
notice_add(struct wizard *w, const char *fmt, ...) ARMPY_PRINTF(2, 3);
static void
notice_add(struct wizard *w, const char *fmt, ...)
{
	va_list ap;
	char *s, *n;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	if (w->notice == NULL)
		n = xasprintf("Changed to fit: %s", s);
	else
		n = xasprintf("%s; %s", w->notice, s);
	free(w->notice);
	free(s);
	w->notice = n;
}

static void
fit_apply(struct wizard *w, const struct profile *d, int s, const char *why)
{
	char *before = answers_text(w->profile, s), *after;

	answers_reset(w->profile, d, s);
	after = answers_text(w->profile, s);
	notice_add(w, "%s -> %s (%s)", before, after, why);
	free(before);
	free(after);
}

int
wizard_fit(struct wizard *w, int screen)
{
	struct profile *d = answers_defaults(w), *c;
	char *why, *r;
	int n = 0;

	why = wizard_refusal(w, w->profile, WS_EXTRAS);
	if (why == NULL)
		goto out;
	/* One later screen reset at a time, earliest first. */
	for (int s = screen + 1; s <= WS_EXTRAS; s++) {
		if (answers_equal(w->profile, d, s))
			continue;
		c = profile_dup(w->profile);
		answers_reset(c, d, s);
		r = wizard_refusal(w, c, WS_EXTRAS);
		profile_free(c);
		if (r == NULL) {
			fit_apply(w, d, s, why);
			n = 1;
			goto out;
		}
		free(r);
	}
	/* Single extras dropped. */
	if (screen < WS_EXTRAS) {
		for (size_t i = 0; i < nitems(extras); i++) {
			if (!(w->profile->extras & extras[i].bit))
				continue;
			c = profile_dup(w->profile);
			c->extras &= ~extras[i].bit;
			r = wizard_refusal(w, c, WS_EXTRAS);
			profile_free(c);
			if (r == NULL) {
				w->profile->extras &= ~extras[i].bit;
				notice_add(w, "%s unticked (%s)", extras[i].label, why);
				n = 1;
				goto out;
			}
			free(r);
		}
	}
	/* Every later screen back to its defaults, if that helps at all. */
	c = profile_dup(w->profile);
	for (int s = screen + 1; s <= WS_EXTRAS; s++)
		answers_reset(c, d, s);
	r = wizard_refusal(w, c, WS_EXTRAS);
	profile_free(c);
	if (r == NULL) {
		for (int s = screen + 1; s <= WS_EXTRAS; s++) {
			if (!answers_equal(w->profile, d, s)) {
				fit_apply(w, d, s, why);
				n++;
			}
		}
	}
	free(r);
out:
	free(why);
	profile_free(d);
	wizard_replan(w);
	return n;
}

static void
detected_save(struct wizard *w)
{
	struct facts *f = w->facts;

	w->detected_id = xstrdup(f->distro_id);
	w->detected_version = xstrdup(f->distro_version);
}

struct wizard *
wizard_new(struct facts *f, struct profile *p)
{
	struct wizard *w = xcalloc(1, sizeof *w);

	w->facts = f;
	w->profile = p != NULL ? p : profile_new();
	w->now = pyeol_now();
	w->exec_status = -1;
	detected_save(w);
	wizard_replan(w);
	return w;
}

void
wizard_free(struct wizard *w)
{
	if (w == NULL)
		return;
	facts_free(w->facts);
	profile_free(w->profile);
	plan_free(w->plan);
	free(w->plan_cause);
	free(w->notice);
	free(w->detected_id);
	free(w->detected_version);
	free(w->profile_path);
	free(w->plan_path);
	free(w->log_path);
	free(w->run_dir);
	free(w->bench_text);
	wizard_bench_clear(&w->bench);
	validate_report_free(w->validation);
	wizard_bundle_free(w->bundle);
	free(w);
}

void
wizard_list_free(struct wizard_list *l)
{
	for (int i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].label);
		free(l->v[i].note);
		free(l->v[i].reason);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static struct wizard_choice *
list_add(struct wizard_list *l, const char *key)
{
	struct wizard_choice *c;

	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	c = &l->v[l->n++];
	memset(c, 0, sizeof *c);
	c->key = xstrdup(key);
	return c;
}

/* Point the facts at another distro ("id version"), or back at the detected one (NULL). */
static void
distro_point(struct facts *f, const char *id, const char *version, const char *like)
{
	char *i = xstrdup(id), *v = xstrdup(version), *l = xstrdup(like);

	free(f->distro_id);
	free(f->distro_version);
	free(f->distro_like);
	f->distro_id = i;
	f->distro_version = v;
	f->distro_like = l;
	osrelease_classify(f);
}

static int
distro_split(const char *key, char **id, char **version)
{
	const char *sp = strchr(key, ' ');

	if (sp == NULL)
		return -1;
	*id = xstrndup(key, sp - key);
	*version = xstrdup(sp + 1);
	return 0;
}

void
wizard_distro_choices(const struct wizard *cw, struct wizard_list *l)
{
	struct wizard *w = (struct wizard *)cw;   /* facts are pointed away and back */
	struct facts *f = w->facts;
	char *id = xstrdup(f->distro_id), *ver = xstrdup(f->distro_version);
	char *like = xstrdup(f->distro_like);
	struct profile *d = answers_defaults(w);
	struct wizard_choice *c;

	wizard_list_free(l);
	for (size_t i = 0; i <= nitems(distro_overrides); i++) {
		char *oid = NULL, *over = NULL;
		if (i == 0) {
			c = list_add(l, "detected");
			distro_point(f, w->detected_id, w->detected_version, NULL);
			c->label = xasprintf("Detected: %s %s", w->detected_id ? w->detected_id :
			    "unknown", w->detected_version ? w->detected_version : "");
		} else {
			if (w->detected_id != NULL && w->detected_version != NULL) {
				char *det = xasprintf("%s %s", w->detected_id,
				    w->detected_version);
				int same = strcmp(det, distro_overrides[i - 1]) == 0;
				free(det);
				if (same)
					continue;
			}
			c = list_add(l, distro_overrides[i - 1]);
			distro_split(distro_overrides[i - 1], &oid, &over);
			distro_point(f, oid, over, NULL);
			c->label = xasprintf("Override: %s", distro_overrides[i - 1]);
		}
		c->reason = wizard_refusal(w, d, WS_DISTRO);
		if (c->reason == NULL && f->family == FAMILY_UNKNOWN)
			c->reason = xasprintf("armpy does not know the distribution '%s'; it "
			    "plans for Debian/Ubuntu, RHEL-like, SUSE and Alpine",
			    f->distro_id ? f->distro_id : "unknown");
		c->note = xasprintf("family %s, packages by %s", family_name(f->family),
		    pkg_manager_name(f->package_manager));
		free(oid);
		free(over);
	}
	/* Back to what it was, including the original ID_LIKE. */
	distro_point(f, id, ver, like);
	free(id);
	free(ver);
	free(like);
	profile_free(d);
}

const char *
wizard_run_refusal(const struct wizard *w)
{
	if (w->elsewhere)
		return "Not started: --os-release or --arch describe another machine, and a run acts "
		    "on this one. Save the profile (s) and run it there, or start armpy with --root "
		    "DIR to install into a tree of that machine here.";
	if (w->distro_overridden)
		return "Not started: the plan is for the distribution chosen on the Distribution "
		    "screen, not the one this machine runs. Save the profile (s) and run it there, "
		    "or go back and choose the detected one.";
	return NULL;
}

int
wizard_set_distro(struct wizard *w, const char *key, char **cause)
{
	char *id = NULL, *ver = NULL;

	if (strcmp(key, "detected") == 0) {
		if (w->distro_overridden) {
			/* ID_LIKE of the detected system is lost by overriding: re-derive. */
			distro_point(w->facts, w->detected_id, w->detected_version, NULL);
		}
		w->distro_overridden = 0;
	} else {
		if (w->bundle != NULL) {
			cause_set(cause, "the bundle %s is for %s: the distribution is the "
			    "detected one", quote_short(w->bundle->file), w->bundle->target);
			return -1;
		}
		if (distro_split(key, &id, &ver) != 0) {
			cause_set(cause, "'%s' is not 'ID VERSION'", key);
			return -1;
		}
		distro_point(w->facts, id, ver, NULL);
		w->distro_overridden = 1;
		free(id);
		free(ver);
	}
	wizard_fit(w, WS_DISTRO);
	return 0;
}

static int
python_cmp(const void *a, const void *b)
{
	const struct python_eol *x = a, *y = b;
	return version_cmp(y->version, x->version);
}

static int
is_27(const char *v)
{
	return v != NULL && (strcmp(v, "2.7") == 0 || str_startswith(v, "2."));
}

static char *
major_minor(const char *v)
{
	const char *dot = strchr(v, '.');
	if (dot == NULL)
		return xstrdup(v);
	dot = strchr(dot + 1, '.');
	return dot == NULL ? xstrdup(v) : xstrndup(v, dot - v);
}

/* The release's lifecycle entry when `version` is its own python3 and the vendor still
 * supports the release (then it maintains that python3 past upstream's end of life). */
static const struct distro_life *
python_maintained(const struct wizard *w, const char *version)
{
	const struct facts *f = w->facts;
	const struct distro_life *l = distrolife_lookup(f->distro_id, f->distro_version,
	    f->pretty_name);
	char *mm;
	int same;

	if (version == NULL || l == NULL || l->python == NULL ||
	    distrolife_is_past(l, w->now) != 0)
		return NULL;
	mm = major_minor(version);
	same = strcmp(mm, l->python) == 0 && (f->system_python == NULL ||
	    str_startswith(f->system_python, mm));
	free(mm);
	return same ? l : NULL;
}

/* The distro's python3: found, or the one the release ships. */
static const char *
python_system_version(const struct wizard *w)
{
	const struct facts *f = w->facts;

	if (f->system_python != NULL)
		return f->system_python;
	return distrolife_python(f->distro_id, f->distro_version, f->pretty_name);
}

static void
python_note(const struct wizard *w, struct wizard_choice *c, const char *version, int sys)
{
	const struct python_eol *e = version ? pyeol_lookup(version) : NULL;
	const struct distro_life *l = sys ? python_maintained(w, version) : NULL;
	struct buf b;
	char *mm = version ? major_minor(version) : NULL;

	buf_init(&b);
	for (int i = 0; i < w->facts->npythons; i++) {
		struct python_install *pi = &w->facts->pythons[i];
		char *m = major_minor(pi->version ? pi->version : "");
		if (mm != NULL && strcmp(m, mm) == 0)
			buf_printf(&b, "found %s%s; ", pi->path, pi->pep668 ?
			    " (externally managed, PEP 668)" : "");
		free(m);
	}
	if (e != NULL && l != NULL && pyeol_is_past(version, w->now) == 1) {
		c->eol_date = l->end;
		buf_printf(&b, "upstream end of life since %s; maintained by %s (%s, %s) until %s",
		    e->eol, l->vendor, l->name, l->program, l->end);
	} else if (e != NULL) {
		c->eol_date = e->eol;
		c->eol = pyeol_is_past(version, w->now) == 1;
		if (c->eol)
			buf_printf(&b, "end of life since %s: no more security fixes, and "
			    "new NumPy/SciPy wheels stop", e->eol);
		else
			buf_printf(&b, "supported until %s", e->eol);
	} else if (version != NULL)
		buf_puts(&b, "end-of-life date unknown");
	if (sys && (l = distrolife_lookup(w->facts->distro_id, w->facts->distro_version,
	    w->facts->pretty_name)) != NULL && distrolife_is_past(l, w->now) == 1)
		buf_printf(&b, "; %s itself reached its end of life on %s", l->name, l->end);
	c->note = buf_steal(&b);
	free(mm);
}

/* Refusal of a Python version with the current source, else the first source that takes it. */
static char *
python_refusal(const struct wizard *w, const char *version, enum source *via)
{
	static const enum source all[] = { SOURCE_SYSTEM, SOURCE_PIP, SOURCE_CONDA };
	struct profile *cand = profile_dup(w->profile);
	char *first, *r;

	free(cand->python);
	cand->python = xstrdup(version);
	*via = cand->source;
	first = wizard_refusal(w, cand, WS_SOURCE);
	for (size_t i = 0; first != NULL && i < nitems(all); i++) {
		if (all[i] == w->profile->source)
			continue;
		cand->source = all[i];
		r = wizard_refusal(w, cand, WS_SOURCE);
		if (r == NULL) {
			*via = all[i];
			free(first);
			first = NULL;
		}
		free(r);
	}
	profile_free(cand);
	return first;
}

/* "3.15     via conda     until 2031-10-31": found here, installable by the chosen source,
 * or only by another one (`via`), which choosing it switches to. */
static void
python_label(const struct wizard *w, struct wizard_choice *c, enum source via)
{
	int found = c->note != NULL && str_startswith(c->note, "found ");
	char *how = found ? xstrdup("found") : c->disabled ? xstrdup("") :
	    via == w->profile->source ? xstrdup("installable") : xasprintf("via %s",
	    source_name(via));

	c->label = xasprintf("%-8s %-13s %-5s %s %s", c->key, how, c->eol ? "EOL" : "",
	    c->eol_date == NULL ? "" : c->eol ? "since" : "until",
	    c->eol_date == NULL ? "" : c->eol_date);
	free(how);
}

static const char py27_reason[] = "Python 2.7 is EOL since 2020-01-01, and NumPy supported "
    "it only up to 1.16 (below the DevKit guide's floor, NumPy >= 1.21.1); the DevKit guide "
    "(Python on Arm64) says to upgrade to 3.x before moving to Arm64";

void
wizard_python_choices(const struct wizard *w, struct wizard_list *l)
{
	struct python_eol *t;
	struct wizard_choice *c;
	const struct python_eol *tab;
	int n, have27 = 0;
	char **keys = NULL;
	const char *sys;

	wizard_list_free(l);
	c = list_add(l, "system");
	sys = python_system_version(w);
	c->label = xasprintf("system   the distro's python3%s%s%s", sys ? " (" : "",
	    sys ? sys : "", sys ? ")" : "");
	python_note(w, c, sys, 1);
	if (sys == NULL) {
		free(c->note);
		c->note = xstrdup("whatever python3 the distribution ships");
	}
	tab = pyeol_table(&n);
	t = xreallocarray(NULL, n > 0 ? n : 1, sizeof *t);
	if (n > 0)
		memcpy(t, tab, n * sizeof *t);
	qsort(t, n, sizeof *t, python_cmp);
	for (int i = 0; i < n; i++)
		keys = strv_push(keys, t[i].version);
	for (int i = 0; i < w->facts->npythons; i++) {
		char *m = major_minor(w->facts->pythons[i].version ?
		    w->facts->pythons[i].version : "");
		if (*m != '\0' && !strv_contains(keys, m))
			keys = strv_push(keys, m);
		free(m);
	}
	free(t);
	for (size_t i = 0; keys != NULL && keys[i] != NULL; i++) {
		if (is_27(keys[i]))
			have27 = 1;
		c = list_add(l, keys[i]);
		python_note(w, c, keys[i], 0);
		if (is_27(keys[i])) {
			c->disabled = 1;
			c->reason = xstrdup(py27_reason);
		}
	}
	if (!have27) {
		c = list_add(l, "2.7");
		c->eol = 1;
		c->eol_date = "2020-01-01";
		c->note = xstrdup("end of life since 2020-01-01");
		c->disabled = 1;
		c->reason = xstrdup(py27_reason);
	}
	strv_free(keys);
	for (int i = 0; i < l->n; i++) {
		enum source via = w->profile->source;

		c = &l->v[i];
		if (!c->disabled) {
			c->reason = python_refusal(w, c->key, &via);
			c->disabled = c->reason != NULL;
			if (!c->disabled && via != w->profile->source) {
				char *n = xasprintf("%s%s(only with source %s)", c->note ?
				    c->note : "", c->note && *c->note ? "; " : "",
				    source_name(via));
				free(c->note);
				c->note = n;
			}
		}
		if (strcmp(c->key, "system") != 0)
			python_label(w, c, via);
	}
}

static int
python_is_eol(const struct wizard *w, const char *version)
{
	/* "system" is the distro's own python3: on a supported release its vendor maintains
	 * it. A version named explicitly keeps upstream's dates (as the profile's loader does). */
	if (strcmp(version, "system") == 0 && python_maintained(w, python_system_version(w)))
		return 0;
	if (strcmp(version, "system") == 0)
		version = python_system_version(w);
	return version != NULL && pyeol_is_past(version, w->now) == 1;
}

int
wizard_set_python(struct wizard *w, const char *version, int confirmed, char **cause)
{
	enum source via;
	char *r;
	int eol;

	if (is_27(version)) {
		cause_set(cause, "Python 2.7 is EOL since 2020-01-01 and cannot be chosen");
		return -1;
	}
	if (strcmp(version, "system") != 0 && !valid_python_version(version)) {
		cause_set(cause, "'%s' is not a Python version like 3.11", version);
		return -1;
	}
	r = python_refusal(w, version, &via);
	if (r != NULL) {
		cause_set(cause, "Python %s: %s", version, r);
		free(r);
		return -1;
	}
	eol = python_is_eol(w, version);
	if (eol && !confirmed)
		return 1;
	free(w->profile->python);
	w->profile->python = xstrdup(version);
	w->profile->allow_eol = eol;
	if (via != w->profile->source) {
		char *why = wizard_refusal(w, w->profile, WS_SOURCE);
		struct profile *d = profile_dup(w->profile);
		d->source = via;
		fit_apply(w, d, WS_SOURCE, why ? why : "does not fit");
		profile_free(d);
		free(why);
	}
	wizard_fit(w, WS_SOURCE);
	return 0;
}

void
wizard_source_choices(const struct wizard *w, struct wizard_list *l)
{
	static const enum source all[] = { SOURCE_SYSTEM, SOURCE_PIP, SOURCE_CONDA };

	wizard_list_free(l);
	for (size_t i = 0; i < nitems(all); i++) {
		struct wizard_choice *c = list_add(l, source_name(all[i]));
		struct profile *cand = profile_dup(w->profile);
		c->label = xstrdup(wizard_source_label(all[i]));
		c->note = xasprintf("%s\n%s", wizard_source_consequences(all[i], 0),
		    wizard_source_consequences(all[i], 1));
		cand->source = all[i];
		c->reason = wizard_refusal(w, cand, WS_SOURCE);
		c->disabled = c->reason != NULL;
		profile_free(cand);
	}
}

/* Try a changed candidate for `screen`; apply it when the planner takes it. */
static int
answer_try(struct wizard *w, struct profile *cand, int screen, char **cause)
{
	char *r = wizard_refusal(w, cand, screen);

	if (r != NULL) {
		cause_set(cause, "%s", r);
		free(r);
		profile_free(cand);
		return -1;
	}
	profile_free(w->profile);
	w->profile = cand;
	wizard_fit(w, screen);
	return 0;
}

int
wizard_set_source(struct wizard *w, enum source s, char **cause)
{
	struct profile *cand = profile_dup(w->profile);
	cand->source = s;
	return answer_try(w, cand, WS_SOURCE, cause);
}

/* A BLAS option is judged with the other BLAS answers kept and the extras reset. */
static struct profile *
blas_candidate(const struct wizard *w)
{
	return profile_dup(w->profile);
}

int
wizard_set_library(struct wizard *w, enum blas_library v, char **cause)
{
	struct profile *cand = blas_candidate(w);
	cand->blas.library = v;
	return answer_try(w, cand, WS_BLAS, cause);
}

int
wizard_set_threading(struct wizard *w, enum blas_threading v, char **cause)
{
	struct profile *cand = blas_candidate(w);
	cand->blas.threading = v;
	return answer_try(w, cand, WS_BLAS, cause);
}

int
wizard_set_build(struct wizard *w, enum blas_build v, char **cause)
{
	struct profile *cand = blas_candidate(w);
	cand->blas.build = v;
	return answer_try(w, cand, WS_BLAS, cause);
}

int
wizard_set_threads(struct wizard *w, int threads)
{
	int cores = wizard_cores(w), before = w->profile->blas.threads;
	char *why;

	if (threads < 0)
		threads = 0;
	if (threads > 4096)
		threads = 4096;
	w->profile->blas.threads = threads == cores ? 0 : threads;
	if (wizard_replan(w) == 0 || w->bundle == NULL)
		return 0;
	/* the bundle cannot install it: the bundle's count kept, and why said once */
	why = strip_prefix(xstrdup(w->plan_cause));
	free(w->notice);
	w->notice = xasprintf("Threads: %s", why);
	free(why);
	w->profile->blas.threads = before;
	wizard_replan(w);
	return -1;
}

static char *
blas_refusal(const struct wizard *w, struct profile *cand)
{
	char *r = wizard_refusal(w, cand, WS_BLAS);
	profile_free(cand);
	return r;
}

char *
wizard_library_refusal(const struct wizard *w, enum blas_library v)
{
	struct profile *cand = blas_candidate(w);
	cand->blas.library = v;
	return blas_refusal(w, cand);
}

/* NVIDIA Grace's cores: Arm's Neoverse V2, MIDR implementer 0x41, part 0xd4f. */
#define GRACE_IMPL 0x41
#define GRACE_PART 0xd4f

/* cpu.c's row for the facts' MIDR implementer and part, or NULL. */
static const struct cpu_part *
cpu_row(const struct facts *f)
{
	unsigned long impl, part;
	char *end;
	int n;
	const struct cpu_part *t = cpu_part_table(&n);

	if (f->cpu.implementer == NULL || f->cpu.part == NULL)
		return NULL;
	impl = strtoul(f->cpu.implementer, &end, 0);
	if (*end != '\0' || end == f->cpu.implementer)
		return NULL;
	part = strtoul(f->cpu.part, &end, 0);
	if (*end != '\0' || end == f->cpu.part)
		return NULL;
	for (int i = 0; i < n; i++)
		if (t[i].impl == impl && t[i].part == part)
			return &t[i];
	return NULL;
}

const char *
wizard_vendor_blas(const struct wizard *w)
{
	const struct cpu_part *r = cpu_row(w->facts);

	if (w->facts->arch == NULL || strcmp(w->facts->arch, "aarch64") != 0 || r == NULL ||
	    r->impl != GRACE_IMPL || r->part != GRACE_PART)
		return NULL;
	return "NVIDIA's choice on Grace: this CPU has Grace's Neoverse-V2 cores, and NVIDIA's "
	    "Performance Libraries are 'optimized for the NVIDIA Grace Armv9.0-A architecture' "
	    "(NVIDIA's NVPL documentation); conda-forge's libblas nvpl build brings them";
}

char *
wizard_threading_refusal(const struct wizard *w, enum blas_threading v)
{
	struct profile *cand = blas_candidate(w);
	cand->blas.threading = v;
	return blas_refusal(w, cand);
}

char *
wizard_build_refusal(const struct wizard *w, enum blas_build v)
{
	struct profile *cand = blas_candidate(w);
	cand->blas.build = v;
	return blas_refusal(w, cand);
}

char *
wizard_extra_refusal(const struct wizard *w, unsigned bit)
{
	struct profile *cand = profile_dup(w->profile);
	char *r;

	cand->extras ^= bit;
	r = wizard_refusal(w, cand, WS_EXTRAS);
	profile_free(cand);
	return r;
}

int
wizard_toggle_extra(struct wizard *w, unsigned bit, char **cause)
{
	struct profile *cand = profile_dup(w->profile);
	char *r, *now;

	cand->extras ^= bit;
	r = wizard_refusal(w, cand, WS_EXTRAS);
	if (r != NULL) {
		/* Refuse only when the current answers were plannable. */
		now = wizard_refusal(w, w->profile, WS_EXTRAS);
		if (now == NULL) {
			cause_set(cause, "%s: %s", wizard_extra_label(bit), r);
			free(r);
			profile_free(cand);
			return -1;
		}
		free(now);
		free(r);
	}
	profile_free(w->profile);
	w->profile = cand;
	wizard_replan(w);
	return 0;
}

const char *
wizard_python_shown(const struct wizard *w)
{
	static char buf[64];
	const char *p = w->profile->python ? w->profile->python : "system";

	if (strcmp(p, "system") == 0 && w->facts->system_python != NULL)
		snprintf(buf, sizeof buf, "system (%s)", w->facts->system_python);
	else
		snprintf(buf, sizeof buf, "%s", p);
	return buf;
}

char *
wizard_sudo_retry(const char *cause, int failures)
{
	int left = WIZARD_SUDO_TRIES - failures;

	if (cause == NULL || *cause == '\0')
		cause = "sudo did not accept the password";
	if (left > 0)
		return xasprintf("%s; %d tr%s left", cause, left, left == 1 ? "y" : "ies");
	return xasprintf("Not started, nothing was run: %s (%d tries).", cause, WIZARD_SUDO_TRIES);
}
