/* bench.c — native dgemm benchmark of every BLAS on the system, each library in its own child process. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "facts.h"
#include "validate.h"
#include "ydoc.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BENCH_MAX_CALL 8.0      /* seconds: larger sizes are skipped when predicted slower */
#define BENCH_MAX_LIBS 32
#define BENCH_MAX_SIZES 2
#define BENCH_SAMPLE 0.05       /* seconds: a sample is as many calls as fill this (small N) */
#define BENCH_BUDGET 20.0       /* seconds: a cell past it stops repeating at 3 samples */

typedef void (*dgemm32_fn)(int, int, int, int, int, int, double, const double *, int,
    const double *, int, double, double *, int);
typedef void (*dgemm64_fn)(int, int, int, int64_t, int64_t, int64_t, double, const double *,
    int64_t, const double *, int64_t, double, double *, int64_t);

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
result_clear(struct bench_result *r)
{
	free(r->path);
	free(r->error);
}

void
bench_report_free(struct bench_report *b)
{
	int i;
	if (b == NULL)
		return;
	for (i = 0; i < b->nresults; i++)
		result_clear(&b->results[i]);
	free(b->results);
	free(b->triplet);
	free(b->recommendation);
	free(b);
}

/* ---- discovery (runs inside the chroot when there is one) ---- */

static char **
alternatives_list(const char *name)
{
	static const char *const dirs[] = { "/usr/bin", "/usr/sbin", NULL };
	int status;
	pid_t pid;
	struct buf out;
	char *line, *save = NULL, **v = strv_new();
	char *const argv[] = { "update-alternatives", "--list", (char *)name, NULL };
	char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL };
	struct proc_opts o = { .io = { PROC_INHERIT, PROC_PIPE, PROC_NULL }, .env = envp,
	    .dirs = dirs };

	if ((pid = proc_start(argv, &o)) < 0)
		return v;
	buf_init(&out);
	buf_read_fd(&out, o.fd[1], SIZE_MAX);
	close(o.fd[1]);
	waitpid(pid, &status, 0);
	for (line = out.data != NULL ? strtok_r(out.data, "\n", &save) : NULL; line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if (line[0] == '/')
			v = strv_push(v, line);
	buf_free(&out);
	return v;
}

struct cand {
	char *path;       /* realpath */
	int alternative;
};

static int
cand_add(struct cand *c, int n, const char *path, int alternative)
{
	char real[PATH_MAX];
	int i;
	if (n >= BENCH_MAX_LIBS || realpath(path, real) == NULL)
		return n;
	for (i = 0; i < n; i++)
		if (strcmp(c[i].path, real) == 0) {
			c[i].alternative |= alternative;
			return n;
		}
	c[n].path = xstrdup(real);
	c[n].alternative = alternative;
	return n + 1;
}

static int
candidates(const char *triplet, struct cand *c)
{
	static const char *pats[] = { "libopenblas*.so*", "libblis*.so*" };
	char *name, *pat, **alts;
	const char *dirs[4];
	int n = 0;
	size_t i, j, k, nd = 0;
	glob_t g;

	if (triplet != NULL) {
		name = xasprintf("libblas.so.3-%s", triplet);
		alts = alternatives_list(name);
		for (i = 0; alts[i] != NULL; i++)
			n = cand_add(c, n, alts[i], 1);
		strv_free(alts);
		free(name);
	}
	if (triplet != NULL)
		dirs[nd++] = NULL;   /* /usr/lib/<triplet> and its subdirectories, below */
	dirs[nd++] = "/usr/lib64";
	dirs[nd++] = "/usr/local/lib";
	dirs[nd++] = "/usr/lib";
	for (i = 0; i < nd; i++) {
		for (j = 0; j < nitems(pats); j++) {
			for (k = 0; k < 2; k++) {
				if (dirs[i] == NULL)
					pat = xasprintf("/usr/lib/%s/%s%s", triplet, k ? "*/" : "",
					    pats[j]);
				else
					pat = xasprintf("%s/%s%s", dirs[i], k ? "*/" : "", pats[j]);
				if (glob(pat, 0, NULL, &g) == 0) {
					for (size_t m = 0; m < g.gl_pathc; m++)
						n = cand_add(c, n, g.gl_pathv[m], 0);
				}
				globfree(&g);
				free(pat);
			}
		}
	}
	return n;
}

/* ---- one library, one thread count: runs in its own child ---- */

static void
fill(double *a, size_t n, unsigned *lcg)
{
	size_t i;
	for (i = 0; i < n; i++) {
		*lcg = *lcg * 1103515245u + 12345u;
		a[i] = ((*lcg >> 8) & 0xffff) / 32768.0 - 1.0;
	}
}

static double
time_dgemm(void *fn, int int64, int n, double *a, double *b, double *c)
{
	double t0 = now();
	if (int64)
		((dgemm64_fn)fn)(101, 111, 111, n, n, n, 1.0, a, n, b, n, 0.0, c, n);
	else
		((dgemm32_fn)fn)(101, 111, 111, n, n, n, 1.0, a, n, b, n, 0.0, c, n);
	return now() - t0;
}

static void
field(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		fputc(*s == '\t' || *s == '\n' ? ' ' : *s, f);
	fputc('\t', f);
}

/* BLIS names the kernel set it selects when BLIS_ARCH_DEBUG=1, on stderr, at its first call.
 * Returns a memory file to catch it in, or -1. */
static int
blis_debug_start(void)
{
	int fd = memfd_create("armpy-blis-debug", MFD_CLOEXEC);
	if (fd >= 0)
		setenv("BLIS_ARCH_DEBUG", "1", 1);
	return fd;
}

/* What a child measures with: the library's dgemm, the threads asked for and the library's
 * own count, the samples of each cell. */
struct bench_cell {
	void *fn;
	int int64, threads, lt, repeat;
};

/* The first call, with stderr caught in dbg (when >= 0). */
static double
first_dgemm(void *fn, int int64, int n, double *a, double *b, double *c, int dbg)
{
	int saved = dbg >= 0 ? dup(2) : -1;
	double t;
	if (saved >= 0)
		dup2(dbg, 2);
	t = time_dgemm(fn, int64, n, a, b, c);
	if (saved >= 0) {
		dup2(saved, 2);
		close(saved);
	}
	return t;
}

/* After the first call: "K kernels evidence" when the library said which kernels run. */
static void
kernels_line(FILE *f, struct blasid *id, int dbg)
{
	char text[4096], k[64];
	ssize_t n;
	if (dbg >= 0 && (n = pread(dbg, text, sizeof text - 1, 0)) > 0) {
		text[n] = '\0';
		/* Not only BLIS's note: pass it on (a failed write to stderr has nowhere to go). */
		if ((strstr(text, "selecting sub-configuration") == NULL || n > 200) &&
		    write(2, text, n) != n) {
			/* stderr is gone: nothing more to say */
		}
	} else
		text[0] = '\0';
	if (id->kernels[0] == '\0' && strcmp(id->kind, "blis") == 0) {
		if (blasid_blis_debug_parse(text, k, sizeof k) == 0) {
			snprintf(id->kernels, sizeof id->kernels, "%s", k);
			n = strlen(id->evidence);
			snprintf(id->evidence + n, sizeof id->evidence - n, "; kernels: the "
			    "library's own BLIS_ARCH_DEBUG message");
		}
	}
	fprintf(f, "K\t");
	field(f, id->kernels);
	field(f, id->evidence);
	fputc('\n', f);
	fflush(f);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of v[0..n) (n > 0), sorting v. */
static double
median_of(double *v, int n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One cell, after its warm-up: repeat samples (fewer past BENCH_BUDGET, never under 3), each
 * the mean GFLOPS of k calls lasting BENCH_SAMPLE together. Writes "R threads libthreads n
 * seconds gflops min max samples" (seconds and gflops the median); returns the fastest call. */
static double
measure(FILE *f, const struct bench_cell *m, int n, double *a, double *b, double *c,
    double call)
{
	double g[BENCH_MAX_REPEAT], flops = 2.0 * n * n * (double)n, start = now(), best = 1e300;
	double med;
	int k = call > 0 && call < BENCH_SAMPLE ? (int)(BENCH_SAMPLE / call) + 1 : 1, r;

	k = k > 1000 ? 1000 : k;
	for (r = 0; r < m->repeat && (r < 3 || now() - start < BENCH_BUDGET); r++) {
		double t = 0, one;
		for (int j = 0; j < k; j++) {
			t += one = time_dgemm(m->fn, m->int64, n, a, b, c);
			best = one < best ? one : best;
		}
		g[r] = t > 0 ? flops / (t / k) / 1e9 : 0;
	}
	med = median_of(g, r);
	fprintf(f, "R\t%d\t%d\t%d\t%.9f\t%.6f\t%.6f\t%.6f\t%d\t\n", m->threads, m->lt, n,
	    med > 0 ? flops / med / 1e9 : 0, med, g[0], g[r - 1], r);
	fflush(f);
	return best;
}

/* One size: its matrices, a warm-up (the first call of all with the kernels line), a second
 * call to size the samples when the first was short, then measure(). Returns the fastest
 * call, or -1. */
static double
one_size(FILE *f, const struct bench_cell *m, struct blasid *id, int n, int first, int dbg,
    unsigned *lcg)
{
	size_t nn = (size_t)n * n;
	double *a = malloc(nn * sizeof *a), *b = malloc(nn * sizeof *b);
	double *c = calloc(nn, sizeof *c), best = -1, call;

	if (a == NULL || b == NULL || c == NULL) {
		fprintf(f, "F\t%d\tcannot allocate three %dx%d matrices (%.1f GiB)\t\n", n, n, n,
		    3.0 * nn * sizeof *a / (1 << 30));
	} else {
		fill(a, nn, lcg);
		fill(b, nn, lcg);
		if (first) {
			call = first_dgemm(m->fn, m->int64, n, a, b, c, dbg);
			kernels_line(f, id, dbg);
		} else
			call = time_dgemm(m->fn, m->int64, n, a, b, c);
		if (call < BENCH_SAMPLE)     /* the warm-up may have paid for set-up: again */
			call = time_dgemm(m->fn, m->int64, n, a, b, c);
		best = measure(f, m, n, a, b, c, call);
	}
	free(a);
	free(b);
	free(c);
	return best;
}

static void
child_error(FILE *f, const char *what)
{
	fprintf(f, "E\t");
	field(f, what);
	fputc('\n', f);
	fclose(f);
	_exit(0);
}

/* Writes lines "I kind version threading corename evidence", "K kernels evidence", then per
 * size "R ..." (measure), "S n why" (skipped) or "F n why" (failed), or "E message";
 * tab-separated. */
static void
child_bench(const char *path, int threads, const int *sizes, int nsizes, int repeat, int fd)
{
	FILE *f = fdopen(fd, "w");
	char num[16];
	struct blasid id;
	struct bench_cell m = { NULL, 0, threads, 0, repeat };
	void *h;
	int i, dbg;
	double predicted = 0;
	unsigned lcg = 12345;

	snprintf(num, sizeof num, "%d", threads);
	setenv("OMP_NUM_THREADS", num, 1);
	setenv("OPENBLAS_NUM_THREADS", num, 1);
	setenv("BLIS_NUM_THREADS", num, 1);
	setenv("GOTO_NUM_THREADS", num, 1);
	setenv("MKL_NUM_THREADS", num, 1);
	dbg = blis_debug_start();
	if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL)
		child_error(f, dlerror());
	blasid_identify(h, path, &id);
	fprintf(f, "I\t");
	field(f, id.kind);
	field(f, id.version);
	field(f, id.threading);
	field(f, id.corename);
	field(f, id.evidence);
	fputc('\n', f);
	fflush(f);
	if ((m.fn = blasid_dgemm(h, &m.int64, NULL)) == NULL)
		child_error(f, "no cblas_dgemm (plain or wheel-decorated)");
	m.lt = blasid_threads(h);
	for (i = 0; i < nsizes; i++) {
		double grow = i > 0 ? (double)sizes[i] / sizes[i - 1] : 1;
		if (predicted > 0 && predicted * grow * grow * grow > BENCH_MAX_CALL) {
			fprintf(f, "S\t%d\tN=%d skipped: one call would take over %.0f s\t\n",
			    sizes[i], sizes[i], BENCH_MAX_CALL);
			continue;
		}
		predicted = one_size(f, &m, &id, sizes[i], i == 0, dbg, &lcg);
	}
	fclose(f);
	_exit(0);
}

static struct bench_result *
result_new(struct bench_report *rep, const struct cand *c, const struct blasid *id, int threads)
{
	struct bench_result *r;
	rep->results = xreallocarray(rep->results, rep->nresults + 1, sizeof *rep->results);
	r = &rep->results[rep->nresults++];
	memset(r, 0, sizeof *r);
	r->path = xstrdup(c->path);
	r->id = *id;
	r->alternative = c->alternative;
	r->threads = threads;
	r->lib_threads = -1;
	r->gflops = -1;
	return r;
}

/* An "R" line's fields into r; a figure that is not a positive number fails it. */
static void
parse_measured(struct bench_result *r, char **f)
{
	r->lib_threads = atoi(f[2]);
	r->seconds = strtod(f[4], NULL);
	r->gflops = strtod(f[5], NULL);
	r->gflops_min = strtod(f[6], NULL);
	r->gflops_max = strtod(f[7], NULL);
	r->samples = atoi(f[8]);
	if (!(r->gflops > 0 && r->gflops_min > 0 && isfinite(r->gflops_max) && r->samples > 0)) {
		r->gflops = -1;
		r->error = xstrdup("no time measured (the timer saw a call take no time)");
	}
}

/* Splits a line at tabs into f (at most max); returns the count. */
static int
split_tabs(char *line, char **f, int max)
{
	int nf = 0;

	for (char *s = line; nf < max; ) {
		f[nf++] = s;
		if ((s = strchr(s, '\t')) == NULL)
			break;
		*s++ = '\0';
	}
	return nf;
}

/* The child's "I" and "K" lines into id. */
static void
parse_id(struct blasid *id, char **f, int nf)
{
	if (f[0][0] == 'I' && nf >= 6) {
		snprintf(id->kind, sizeof id->kind, "%s", f[1]);
		snprintf(id->version, sizeof id->version, "%s", f[2]);
		snprintf(id->threading, sizeof id->threading, "%s", f[3]);
		snprintf(id->corename, sizeof id->corename, "%s", f[4]);
		snprintf(id->evidence, sizeof id->evidence, "%s", f[5]);
		snprintf(id->kernels, sizeof id->kernels, "%s", f[4]);
	} else if (f[0][0] == 'K' && nf >= 3) {
		snprintf(id->kernels, sizeof id->kernels, "%s", f[1]);
		snprintf(id->evidence, sizeof id->evidence, "%s", f[2]);
	}
}

/* Parse the child's lines into results for (path, threads): a row per size, measured, skipped
 * or failed. A size the child never reached failed for the child's last word ("E", or how it
 * died), never a row without its size. */
static void
parse_child(struct bench_report *rep, const struct cand *c, int threads, const int *sizes,
    int nsizes, char *text)
{
	struct blasid id;
	char *line, *save = NULL, *f[10];
	const char *why = "the benchmark child died";
	int nf, done[BENCH_MAX_SIZES] = { 0 };

	memset(&id, 0, sizeof id);
	strcpy(id.kind, "unknown");
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		struct bench_result *r;
		int i;
		nf = split_tabs(line, f, 10);
		parse_id(&id, f, nf);
		if (f[0][0] == 'E' && nf >= 2)
			why = f[1];
		if (!((f[0][0] == 'R' && nf >= 9) || ((f[0][0] == 'S' || f[0][0] == 'F') && nf >= 3)))
			continue;
		for (i = 0; i < nsizes && sizes[i] != atoi(f[f[0][0] == 'R' ? 3 : 1]); i++)
			;
		if (i == nsizes || done[i]++)
			continue;
		r = result_new(rep, c, &id, threads);
		r->n = sizes[i];
		if (f[0][0] == 'R')
			parse_measured(r, f);
		else
			r->error = xstrdup(f[2]);
	}
	for (int i = 0; i < nsizes; i++)
		if (!done[i]) {
			struct bench_result *r = result_new(rep, c, &id, threads);
			r->n = sizes[i];
			r->error = xstrdup(why);
		}
}

struct child_args {
	const struct cand *c;
	int threads, nsizes, repeat, rfd, wfd;
	const int *sizes;
};

static void
child_call(void *arg)
{
	const struct child_args *a = arg;

	close(a->rfd);
	child_bench(a->c->path, a->threads, a->sizes, a->nsizes, a->repeat, a->wfd);
}

static char *
run_child(const struct cand *c, int threads, const int *sizes, int nsizes, int repeat)
{
	struct child_args a = { c, threads, nsizes, repeat, -1, -1, sizes };
	int p[2], status;
	pid_t pid;
	struct buf out;

	if (pipe2(p, O_CLOEXEC) != 0)
		return xstrdup("E\tpipe failed\t\n");
	a.rfd = p[0];
	a.wfd = p[1];
	pid = proc_call(child_call, &a, &(struct proc_opts){ .io = { PROC_INHERIT, PROC_INHERIT,
	    PROC_INHERIT } });
	close(p[1]);
	buf_init(&out);
	buf_read_fd(&out, p[0], SIZE_MAX);
	close(p[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	if (pid < 0)
		buf_puts(&out, "E\tfork failed\t\n");
	else if (WIFSIGNALED(status))
		buf_printf(&out, "E\tthe benchmark child was killed by signal %d (%s)\t\n",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else if (WEXITSTATUS(status) != 0)
		buf_printf(&out, "E\tthe benchmark child failed (exit %d)\t\n",
		    WEXITSTATUS(status));
	return buf_steal(&out);
}

/* Same package directory and kind as an alternatives candidate: the same build, skip it
 * (the OpenBLAS libblas.so.3 shim and libopenblas*.so; BLIS's libblas.so.3 and libblis.so). */
static int
same_build(const struct cand *c, int n, int i)
{
	const char *slash = strrchr(c[i].path, '/');
	size_t dl = slash - c[i].path;
	int j;
	if (c[i].alternative)
		return 0;
	for (j = 0; j < n; j++)
		if (j != i && c[j].alternative && strncmp(c[j].path, c[i].path, dl + 1) == 0 &&
		    strchr(c[j].path + dl + 1, '/') == NULL)
			return 1;
	return 0;
}

/* The steps bench_inner runs: each library it measures, at each thread count. */
static int
steps_count(const struct cand *c, int n, int nthreads)
{
	int i, k = 0;
	for (i = 0; i < n; i++)
		k += !same_build(c, n, i);
	return k * nthreads;
}

/* "P step total path threads sizes": a step starts (path "" once every step has run). */
static void
progress_line(FILE *f, int step, int total, const char *path, int threads, const int *sizes,
    int nsizes)
{
	int i;
	fprintf(f, "P\t%d\t%d\t%s\t%d\t", step, total, path, threads);
	for (i = 0; i < nsizes; i++)
		fprintf(f, "%s%d", i ? "," : "", sizes[i]);
	fputc('\n', f);
	fflush(f);
}

/* The sizes o asks for, smallest first; returns how many (at most BENCH_MAX_SIZES). */
static int
bench_sizes(const struct bench_opts *o, int sizes[BENCH_MAX_SIZES])
{
	if (o->size > 0)
		sizes[0] = o->size;
	else if (o->quick)
		sizes[0] = 256;
	else {
		sizes[0] = 1000;
		sizes[1] = 2000;
		return 2;
	}
	return 1;
}

/* Runs in a (possibly chrooted) child; writes "L path alternative" + child lines to fd, and
 * "P" progress lines before each step when o->progress is set. */
static void
bench_inner(const struct bench_opts *o, const char *triplet, int fd)
{
	struct cand c[BENCH_MAX_LIBS];
	int n = candidates(triplet, c), i, t, nthreads = 2, sizes[BENCH_MAX_SIZES], nsizes;
	int cores = (int)sysconf(_SC_NPROCESSORS_ONLN);
	int tl[2], step = 0, total, repeat = o->repeat > 0 ? o->repeat : BENCH_REPEAT;
	FILE *f = fdopen(fd, "w");

	nsizes = bench_sizes(o, sizes);
	tl[0] = 1;
	tl[1] = o->threads > 0 ? o->threads : (cores > 0 ? cores : 1);
	if (tl[1] == 1)
		nthreads = 1;
	total = steps_count(c, n, nthreads);
	for (i = 0; i < n; i++) {
		if (same_build(c, n, i))
			continue;
		for (t = 0; t < nthreads; t++) {
			char *text;
			if (o->progress != NULL)
				progress_line(f, ++step, total, c[i].path, tl[t], sizes, nsizes);
			text = run_child(&c[i], tl[t], sizes, nsizes, repeat);
			fprintf(f, "L\t%s\t%d\t%d\n%s", c[i].path, c[i].alternative, tl[t], text);
			fprintf(f, "Z\n");
			free(text);
		}
	}
	if (o->progress != NULL)
		progress_line(f, total, total, "", 0, NULL, 0);
	fclose(f);
}

static const char *
lib_name(const struct bench_result *r)
{
	return strcmp(r->id.kind, "blis") == 0 ? "BLIS" : "OpenBLAS";
}

/* v as the table and the YAML show it (2 decimals), so a verdict matches what they show. */
static double
shown(double v)
{
	char s[64];

	snprintf(s, sizeof s, "%.2f", v);
	return strtod(s, NULL);
}

/* The spread of a result, as shown: its samples' lowest and highest, or its one figure. */
static double
spread_lo(const struct bench_result *r)
{
	return shown(r->gflops_min > 0 ? r->gflops_min : r->gflops);
}

static double
spread_hi(const struct bench_result *r)
{
	return shown(r->gflops_max > 0 ? r->gflops_max : r->gflops);
}

/* The measured result of kind at (n, threads) with the highest median; NULL when none. */
static const struct bench_result *
best_of(const struct bench_result *r, int n, const char *kind, int maxn, int maxt)
{
	const struct bench_result *best = NULL;

	for (int i = 0; i < n; i++)
		if (r[i].gflops > 0 && r[i].n == maxn && r[i].threads == maxt &&
		    strcmp(r[i].id.kind, kind) == 0 && (best == NULL || r[i].gflops > best->gflops))
			best = &r[i];
	return best;
}

char *
bench_recommend(const struct bench_result *r, int n)
{
	const struct bench_result *best_b, *best_o, *win, *lose;
	int i, maxn = 0, maxt = 0, gb, go;
	const char *s;

	for (i = 0; i < n; i++)
		if (r[i].gflops > 0) {
			if (r[i].n > maxn)
				maxn = r[i].n;
			if (r[i].threads > maxt)
				maxt = r[i].threads;
		}
	best_b = best_of(r, n, "blis", maxn, maxt);
	best_o = best_of(r, n, "openblas", maxn, maxt);
	s = maxt == 1 ? "" : "s";
	if (best_b == NULL && best_o == NULL)
		return xstrdup("no OpenBLAS or BLIS could be measured");
	if (best_b == NULL || best_o == NULL)
		return xasprintf("only %s found: %.1f GFLOPS at N=%d, %d thread%s",
		    best_b ? "BLIS" : "OpenBLAS", (best_b ? best_b : best_o)->gflops, maxn, maxt, s);
	gb = blasid_kernels_generic("blis", best_b->id.kernels);
	go = blasid_kernels_generic("openblas", best_o->id.kernels);
	win = (gb != go ? gb : best_b->gflops < best_o->gflops) ? best_o : best_b;
	lose = win == best_b ? best_o : best_b;
	if (gb != go)   /* reference kernels are never the recommendation, whatever one size measured */
		return xasprintf("%s (%s): %s runs reference kernels not tuned for this CPU (%s; "
		    "%.2fx at N=%d, %d thread%s)", lib_name(win), win->id.threading, lib_name(lose),
		    lose->id.kernels, win->gflops / lose->gflops, maxn, maxt, s);
	if (spread_hi(lose) >= spread_lo(win))
		return xasprintf("no clear winner: %s (%s) %.2fx %s (%s) at N=%d, %d thread%s, "
		    "within their spread (%s %.2f-%.2f, %s %.2f-%.2f GFLOPS)", lib_name(win),
		    win->id.threading, win->gflops / lose->gflops, lib_name(lose),
		    lose->id.threading, maxn, maxt, s, lib_name(win), spread_lo(win),
		    spread_hi(win), lib_name(lose), spread_lo(lose), spread_hi(lose));
	return xasprintf("%s (%s) %.2fx %s at N=%d, %d thread%s", lib_name(win), win->id.threading,
	    win->gflops / lose->gflops, lib_name(lose), maxn, maxt, s);
}

int
bench_limits(const struct bench_opts *o, long cpus, long long mem_available, char **cause)
{
	long max_t = cpus > 0 ? cpus * BENCH_THREADS_PER_CPU : BENCH_MAX_THREADS;
	int sizes[BENCH_MAX_SIZES], n = bench_sizes(o, sizes), big = sizes[n - 1];
	double bytes = 3.0 * big * big * sizeof(double);

	max_t = max_t > BENCH_MAX_THREADS ? BENCH_MAX_THREADS : max_t;
	if (o->threads > max_t) {
		if (cpus > 0)
			cause_set(cause, "--threads %d: at most %ld here (%d per online CPU, %ld "
			    "online, at most %d)", o->threads, max_t, BENCH_THREADS_PER_CPU, cpus,
			    BENCH_MAX_THREADS);
		else
			cause_set(cause, "--threads %d: at most %d", o->threads, BENCH_MAX_THREADS);
	} else if (big > BENCH_MAX_SIZE)
		cause_set(cause, "--size %d: at most %d (three %dx%d matrices of doubles are "
		    "%.1f GiB)", big, BENCH_MAX_SIZE, big, big, bytes / (1 << 30));
	else if (mem_available > 0 && bytes > mem_available / 2.0)
		cause_set(cause, "--size %d: its three matrices (%.1f GiB) do not fit in half of the "
		    "memory available (MemAvailable %.1f GiB)", big, bytes / (1 << 30),
		    mem_available / (double)(1 << 30));
	else if (o->repeat < 0 || o->repeat > BENCH_MAX_REPEAT)
		cause_set(cause, "--repeat %d: from 1 to %d", o->repeat, BENCH_MAX_REPEAT);
	else
		return 0;
	return -1;
}

/* A "P" line from bench_inner, handed to o->progress. */
static void
progress_call(const struct bench_opts *o, char *line)
{
	char *f[6], *s = line;
	int nf = 0;
	while (nf < 6) {
		f[nf++] = s;
		if ((s = strchr(s, '\t')) == NULL)
			break;
		*s++ = '\0';
	}
	if (nf == 6)
		o->progress(o->progress_arg, atoi(f[1]), atoi(f[2]), *f[3] ? f[3] : NULL,
		    atoi(f[4]), f[5]);
}

/* The complete lines of out from *scan on: progress lines go to o->progress and are cut. */
static void
progress_cut(const struct bench_opts *o, struct buf *out, size_t *scan)
{
	char *line, *nl;
	size_t len;
	while (*scan < out->len && (nl = memchr(out->data + *scan, '\n', out->len - *scan))) {
		line = out->data + *scan;
		len = nl - line + 1;
		if (len < 3 || line[0] != 'P' || line[1] != '\t') {
			*scan += len;
			continue;
		}
		*nl = '\0';
		progress_call(o, line);
		memmove(line, nl + 1, out->len - *scan - len + 1);
		out->len -= len;
	}
}

/* Reads the inner child's output to its end; progress lines are reported as they come. */
static void
inner_read(const struct bench_opts *o, int fd, struct buf *out)
{
	char chunk[4096];
	size_t scan = 0;
	ssize_t n;
	if (o->progress == NULL) {
		buf_read_fd(out, fd, SIZE_MAX);
		return;
	}
	while ((n = read(fd, chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0) {
			buf_add(out, chunk, (size_t)n);
			progress_cut(o, out, &scan);
		}
}

static const char *
triplet_of_machine(void)
{
	struct utsname u;
	static char m[65];
	if (uname(&u) != 0)
		return NULL;
	snprintf(m, sizeof m, "%s", u.machine);
	return arch_multiarch(m);
}

struct inner_args {
	const struct bench_opts *o;
	const char *triplet;
	int rfd, wfd;
};

/* The measuring process: in the root (its chroot failure goes up the pipe), every library. */
static void
inner_call(void *arg)
{
	const struct inner_args *a = arg;
	const struct bench_opts *o = a->o;

	close(a->rfd);
	if (o->root != NULL && *o->root != '\0' && (chroot(o->root) != 0 || chdir("/") != 0)) {
		dprintf(a->wfd, "X\tchroot %s: %s\n", o->root, strerror(errno));
		_exit(1);
	}
	bench_inner(o, a->triplet, a->wfd);
}

struct bench_report *
bench_run(const struct bench_opts *o, char **cause)
{
	struct bench_report *rep;
	const char *triplet = triplet_of_machine();
	struct inner_args a = { o, triplet, -1, -1 };
	int p[2], status, sizes[BENCH_MAX_SIZES], nsizes = bench_sizes(o, sizes);
	pid_t pid;
	struct buf out;
	char *block, *next;

	if (pipe2(p, O_CLOEXEC) != 0) {
		cause_set(cause, "pipe: %s", strerror(errno));
		return NULL;
	}
	a.rfd = p[0];
	a.wfd = p[1];
	if ((pid = proc_call(inner_call, &a, &(struct proc_opts){ .io = { PROC_INHERIT,
	    PROC_INHERIT, PROC_INHERIT } })) < 0) {
		cause_set(cause, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return NULL;
	}
	close(p[1]);
	buf_init(&out);
	inner_read(o, p[0], &out);
	close(p[0]);
	waitpid(pid, &status, 0);
	if (out.data != NULL && str_startswith(out.data, "X\t")) {
		cause_set(cause, "%s", str_trim(out.data + 2));
		buf_free(&out);
		return NULL;
	}
	rep = xcalloc(1, sizeof *rep);
	rep->triplet = xstrdup(triplet);
	/* Blocks: "L\tpath\talt\tthreads\n" ... "Z\n" */
	for (block = out.data; block != NULL && str_startswith(block, "L\t"); block = next) {
		struct cand c;
		char *end = strstr(block, "\nZ\n"), *nl, *f2, *f3;
		int threads;
		if (end == NULL)
			break;
		*end = '\0';
		next = end + 3;
		if ((nl = strchr(block, '\n')) == NULL)
			continue;
		*nl = '\0';
		if ((f2 = strchr(block + 2, '\t')) == NULL || (f3 = strchr(f2 + 1, '\t')) == NULL)
			continue;
		*f2 = *f3 = '\0';
		c.path = block + 2;
		c.alternative = atoi(f2 + 1);
		threads = atoi(f3 + 1);
		parse_child(rep, &c, threads, sizes, nsizes, nl + 1);
	}
	buf_free(&out);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		cause_set(cause, "the benchmark process failed");
		bench_report_free(rep);
		return NULL;
	}
	rep->recommendation = bench_recommend(rep->results, rep->nresults);
	return rep;
}

static const char *
kind_name(const char *kind)
{
	if (strcmp(kind, "openblas") == 0)
		return "OpenBLAS";
	if (strcmp(kind, "blis") == 0)
		return "BLIS";
	return kind;
}

/* The libraries of b in their first order; their 1-based number in the table is the index. */
static int
lib_index(const struct bench_report *b, int upto, const char **paths)
{
	int n = 0;

	for (int i = 0; i <= upto; i++) {
		int j;
		for (j = 0; j < n && strcmp(paths[j], b->results[i].path) != 0; j++)
			;
		if (j == n)
			paths[n++] = b->results[i].path;
		if (i == upto)
			return j + 1;
	}
	return 0;
}

/* "recommendation: TEXT" wrapped at spaces before 80 columns, its next lines indented. */
static void
text_wrapped(struct buf *t, const char *lead, const char *text)
{
	size_t col = strlen(lead), len;

	buf_puts(t, lead);
	while (*text != '\0') {
		const char *sp = strchr(text, ' ');
		len = sp != NULL ? (size_t)(sp - text) : strlen(text);
		if (col > 2 && col + 1 + len > 79) {
			buf_puts(t, "\n ");
			col = 1;
		}
		buf_printf(t, " %.*s", (int)len, text);
		col += 1 + len;
		text += len + (sp != NULL);
	}
	buf_puts(t, "\n");
}

char *
bench_to_text(const struct bench_report *b)
{
	struct buf t;
	const char **paths = xcalloc(b->nresults + 1, sizeof *paths);
	int i, nlibs = 0;

	buf_init(&t);
	buf_printf(&t, "%2s  %-9s %-9s %-12s %7s %6s %9s  %s\n", "#", "kind", "threading",
	    "kernels", "threads", "N", "GFLOPS", "min-max");
	for (i = 0; i < b->nresults; i++) {
		const struct bench_result *r = &b->results[i];
		int k = lib_index(b, i, paths);
		nlibs = k > nlibs ? k : nlibs;
		buf_printf(&t, "%2d  %-9s %-9s %-12s %7d %6d ", k, kind_name(r->id.kind),
		    r->id.threading[0] ? r->id.threading : "?", r->id.kernels[0] ?
		    r->id.kernels : "?", r->threads, r->n);
		if (r->gflops >= 0)
			buf_printf(&t, "%9.2f  %.2f-%.2f\n", r->gflops, spread_lo(r), spread_hi(r));
		else {
			buf_printf(&t, "%9s\n", "-");
			text_wrapped(&t, "   ", r->error ? r->error : "not run");
		}
	}
	buf_puts(&t, "\n #  library\n");
	for (i = 0; i < nlibs; i++) {
		int j;
		for (j = 0; strcmp(b->results[j].path, paths[i]) != 0; j++)
			;
		buf_printf(&t, "%2d  %s %s  %s\n", i + 1, kind_name(b->results[j].id.kind),
		    b->results[j].id.version[0] ? b->results[j].id.version : "?", paths[i]);
	}
	free(paths);
	buf_puts(&t, "\n");
	text_wrapped(&t, "recommendation:", b->recommendation ? b->recommendation : "none");
	buf_puts(&t, "note: each library ran in its own process, OMP/OPENBLAS/BLIS_NUM_THREADS set.\n"
	    "  GFLOPS = 2N^3 / the time of one call: the median of the samples (--repeat)\n"
	    "  and their lowest and highest; a sample is one call, or several for small N.\n");
	return buf_steal(&t);
}

/* A GFLOPS figure of r, null when r was not measured. */
static void
emit_gflops(struct yemit *y, const char *key, const struct bench_result *r, double v)
{
	yemit_str(y, key);
	if (r->gflops >= 0)
		yemit_double(y, v, 2);
	else
		yemit_null(y);
}

void
bench_emit(const struct bench_report *b, struct yemit *y)
{
	int i;
	yemit_map_start(y, 0);
	yemit_kv_str(y, "triplet", b->triplet);
	yemit_kv_str(y, "recommendation", b->recommendation);
	yemit_str(y, "results");
	yemit_seq_start(y, 0);
	for (i = 0; i < b->nresults; i++) {
		const struct bench_result *r = &b->results[i];
		yemit_map_start(y, 0);
		yemit_kv_str(y, "path", r->path);
		yemit_kv_str(y, "kind", r->id.kind);
		yemit_kv_str(y, "version", r->id.version[0] ? r->id.version : NULL);
		yemit_kv_str(y, "threading", r->id.threading[0] ? r->id.threading : NULL);
		yemit_kv_str(y, "corename", r->id.corename[0] ? r->id.corename : NULL);
		yemit_kv_str(y, "kernels", r->id.kernels[0] ? r->id.kernels : NULL);
		yemit_kv_bool(y, "generic_kernels", blasid_kernels_generic(r->id.kind,
		    r->id.kernels));
		yemit_kv_str(y, "evidence", r->id.evidence[0] ? r->id.evidence : NULL);
		yemit_kv_bool(y, "alternative", r->alternative);
		yemit_kv_long(y, "threads", r->threads);
		yemit_kv_long(y, "library_threads", r->lib_threads);
		yemit_kv_long(y, "n", r->n);
		yemit_str(y, "seconds");
		if (r->gflops >= 0)
			yemit_double(y, r->seconds, 6);
		else
			yemit_null(y);
		emit_gflops(y, "gflops", r, r->gflops);
		emit_gflops(y, "gflops_min", r, spread_lo(r));
		emit_gflops(y, "gflops_max", r, spread_hi(r));
		yemit_kv_long(y, "samples", r->gflops >= 0 ? r->samples : 0);
		yemit_kv_str(y, "error", r->error);
		yemit_map_end(y);
	}
	yemit_seq_end(y);
	yemit_map_end(y);
}

char *
bench_to_yaml(const struct bench_report *b)
{
	struct yemit *y = yemit_new();
	char *s;
	bench_emit(b, y);
	s = yemit_finish(y, NULL);
	yemit_free(y);
	return s;
}
