/* report.h — a run, a validation or a benchmark as one self-contained HTML page. */
/* SPDX-License-Identifier: MIT */
#ifndef REPORT_H
#define REPORT_H

#include <stddef.h>

struct buf;
struct ynode;
struct plan;
struct jstate;

/*
 * What a page shows. Every part may be NULL and its section is then left out. The YAML parts
 * are the documents armpy itself writes (`armpy detect`, `armpy validate --format yaml`,
 * `armpy gflops --format yaml`), read by key: a figure on the page is the scalar's own text,
 * so the page and the YAML report show the same numbers. Every string from them is untrusted
 * (a profile, a plan, a host, the probe) and is escaped; the page has no script and refers to
 * nothing outside itself (inline CSS and SVG).
 */
struct report_input {
	const char *title;              /* the page's heading, e.g. "armpy run 20261206-..." */
	const char *run_id;             /* NULL: not a run */
	const char *profile;            /* the profile's name, NULL unknown */
	const char *root;               /* the run's --root, NULL = / */
	const char *generated;          /* when the page was made, shown as is; NULL none */
	const struct ynode *facts;      /* the machine */
	const struct plan *plan;        /* the steps */
	const struct jstate *journal;   /* their outcomes and times (with plan) */
	const struct ynode *validation; /* the checks and the 1/all-thread GFLOPS */
	const struct ynode *bench;      /* every BLAS timed */
};

/* The page (new string). Pure: reads nothing but its input. */
char *report_html(const struct report_input *);

/* report.c: a run directory's page, from its plan.yaml, facts.yaml, journal and
 * validation.yaml (the parts that are missing are left out), with a saved `armpy gflops
 * --format yaml` (bench_yaml, NULL none) as its speed section. New string, or NULL with
 * *cause when the directory is not a run of this user's or a file in it does not load. */
char *report_run(const char *dir, const char *bench_yaml, char **cause);
/* The page of one YAML document armpy wrote: what is "validate" (its report) or "gflops"; the
 * machine is detected in root (NULL: /) for its section. New string, or NULL with *cause. */
char *report_of_yaml(const char *what, const char *yaml, const char *root, char **cause);
/* Writes a page to path ("-": stdout) atomically, never through a symlink at path (it is
 * replaced), 0666 less the umask as a shell redirection makes it. 0, or -1 with *cause. */
int report_save(const char *path, const char *html, char **cause);

/* HTML text for s: &, <, >, ", ' as entities; bytes that are not UTF-8 and control characters
 * (but tab and newline) as U+FFFD. NULL appends nothing. */
void report_esc(struct buf *, const char *s);

/* Charts as inline SVG (report-chart.c). Labels are escaped; values < 0 are not drawn. */
struct report_bar {
	const char *label;      /* "OpenBLAS 0.3.21 (pthreads), 2 threads" */
	const char *shown;      /* the value as the YAML has it, "41.49" */
	double value;
	double peak;            /* that bar's peak, <= 0 unknown */
	int generic;            /* reference kernels: drawn in the warning colour */
};
void report_chart_bars(struct buf *, const char *title, const struct report_bar *, size_t n);

struct report_series {
	const char *label;
	int n;                  /* points, at most REPORT_MAX_POINTS */
	double x[8], y[8];      /* threads, GFLOPS */
};
#define REPORT_MAX_POINTS 8
/* GFLOPS against threads, one line per series, with each series' ideal (linear from its
 * first point) dashed. */
void report_chart_scaling(struct buf *, const char *title, const struct report_series *,
    size_t n);

#endif
