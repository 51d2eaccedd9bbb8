/* blas.c — screen 5: OpenBLAS, BLIS or NVPL, threading, threads, build; refusals shown disabled. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "screen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { I_OPENBLAS, I_BLIS, I_NVPL, I_OPENMP, I_PTHREADS, I_SERIAL, I_PACKAGE, I_SOURCE, I_THREADS, I_N };

static const char *const item_label[I_N] = {
	"OpenBLAS", "BLIS", "NVPL (NVIDIA, conda on Arm64)", "OpenMP", "pthreads", "serial (one thread)",
	"distro package / wheel", "build from source (~20 min)", "Threads",
};
/* The state while shown: why each item would be refused (NULL: it would not). */
struct blas {
	char *refusal[I_N];
};

static void
blas_leave(struct wizard *w, void *state)
{
	struct blas *b = state;

	(void)w;
	for (int i = 0; i < I_N; i++) {
		free(b->refusal[i]);
		b->refusal[i] = NULL;
	}
}

static void
blas_refresh(struct wizard *w, struct blas *b)
{
	char **refusal = b->refusal;

	blas_leave(w, b);
	refusal[I_OPENBLAS] = wizard_library_refusal(w, BLAS_OPENBLAS);
	refusal[I_BLIS] = wizard_library_refusal(w, BLAS_BLIS);
	refusal[I_NVPL] = wizard_library_refusal(w, BLAS_NVPL);
	refusal[I_OPENMP] = wizard_threading_refusal(w, THREADING_OPENMP);
	refusal[I_PTHREADS] = wizard_threading_refusal(w, THREADING_PTHREADS);
	refusal[I_SERIAL] = wizard_threading_refusal(w, THREADING_SERIAL);
	refusal[I_PACKAGE] = wizard_build_refusal(w, BUILD_PACKAGE);
	refusal[I_SOURCE] = wizard_build_refusal(w, BUILD_SOURCE);
}

static void
blas_enter(struct wizard *w, void *state)
{
	blas_refresh(w, state);
}

static int
item_on(const struct wizard *w, int i)
{
	const struct profile *p = w->profile;

	switch (i) {
	case I_OPENBLAS: return p->blas.library == BLAS_OPENBLAS;
	case I_BLIS: return p->blas.library == BLAS_BLIS;
	case I_NVPL: return p->blas.library == BLAS_NVPL;
	case I_OPENMP: return p->blas.threading == THREADING_OPENMP;
	case I_PTHREADS: return p->blas.threading == THREADING_PTHREADS;
	case I_SERIAL: return p->blas.threading == THREADING_SERIAL;
	case I_PACKAGE: return p->blas.build == BUILD_PACKAGE;
	case I_SOURCE: return p->blas.build == BUILD_SOURCE;
	}
	return 0;
}

static void
blas_draw(struct wizard *w, void *state, WINDOW *win)
{
	char *const *refusal = ((struct blas *)state)->refusal;
	const struct cpu_info *c = &w->facts->cpu;
	int y = TUI_TOP, cur = w->cursor[WS_BLAS];
	char *t;

	t = xasprintf("CPU %s: OpenBLAS TARGET=%s", c->name ? c->name : "unknown",
	    c->openblas_target ? c->openblas_target : "(auto)");
	tui_put(win, y++, 1, COLS - 2, TUI_HEAD, t);
	free(t);
	t = wizard_blis_line(w);
	tui_put(win, y++, 1, COLS - 2, TUI_NORMAL, t);
	free(t);
	tui_put(win, y++, 1, COLS - 2, TUI_NORMAL, "BLIS may be faster for some workloads; "
	    "OpenBLAS is the well-tested default.");
	for (int i = 0; i < I_N; i++) {
		if (i == I_OPENBLAS || i == I_OPENMP || i == I_PACKAGE) {
			tui_put(win, y++, 2, COLS - 4, TUI_HEAD, i == I_OPENBLAS ? "Library" :
			    i == I_OPENMP ? "Threading" : "Build");
		}
		if (i == I_THREADS) {
			int th = w->profile->blas.threads;
			t = xasprintf("Threads: %d%s   (-/+ or Left/Right; default all %d cores)",
			    th ? th : wizard_cores(w), th ? "" : " (all cores)", wizard_cores(w));
		} else
			t = xasprintf("%s %s%s%s", tui_mark(0, item_on(w, i), refusal[i] != NULL),
			    item_label[i], refusal[i] != NULL ? "  (refused)" : "", i == I_NVPL &&
			    wizard_vendor_blas(w) != NULL ? "  (NVIDIA's choice on Grace)" : "");
		tui_line(win, y++, 4, COLS - 6, i == cur, refusal[i] != NULL, t);
		free(t);
	}
	if (w->bench.recommendation != NULL) {
		t = xasprintf("armpy gflops: %s", w->bench.recommendation);
		tui_put(win, y++, 2, COLS - 4, TUI_GOOD, t);
		free(t);
	}
	y++;
	/* the reason may use every row above the status line (LINES - 2): the list is long */
	if (refusal[cur] != NULL) {
		t = xasprintf("Refused: %s", refusal[cur]);
		tui_wrap(win, y, 2, COLS - 4, LINES - 2 - y, TUI_WARN, t);
		free(t);
	} else if (cur == I_NVPL && wizard_vendor_blas(w) != NULL) {
		tui_wrap(win, y, 2, COLS - 4, LINES - 2 - y, TUI_GOOD, wizard_vendor_blas(w));
	} else if (w->plan == NULL && w->plan_cause != NULL) {
		t = xasprintf("Current answers refused: %s", w->plan_cause);
		tui_wrap(win, y, 2, COLS - 4, LINES - 2 - y, TUI_WARN, t);
		free(t);
	}
}

static int
blas_select(struct wizard *w, struct blas *b, int i)
{
	char *const *refusal = b->refusal;
	char *cause = NULL;
	int r = 0;

	if (i == I_THREADS)
		return 0;
	if (refusal[i] != NULL) {
		screen_message(TUI_BAD, "%s is refused: %s", item_label[i], refusal[i]);
		return -1;
	}
	switch (i) {
	case I_OPENBLAS: r = wizard_set_library(w, BLAS_OPENBLAS, &cause); break;
	case I_BLIS: r = wizard_set_library(w, BLAS_BLIS, &cause); break;
	case I_NVPL: r = wizard_set_library(w, BLAS_NVPL, &cause); break;
	case I_OPENMP: r = wizard_set_threading(w, THREADING_OPENMP, &cause); break;
	case I_PTHREADS: r = wizard_set_threading(w, THREADING_PTHREADS, &cause); break;
	case I_SERIAL: r = wizard_set_threading(w, THREADING_SERIAL, &cause); break;
	case I_PACKAGE: r = wizard_set_build(w, BUILD_PACKAGE, &cause); break;
	case I_SOURCE: r = wizard_set_build(w, BUILD_SOURCE, &cause); break;
	}
	if (r != 0) {
		screen_message(TUI_BAD, "%s", cause);
		free(cause);
	}
	blas_refresh(w, b);
	return r;
}

#define BENCH_INTRO "armpy gflops times dgemm with every BLAS installed here, at one " \
	"thread and at all cores, each library in its own process. Esc cancels."

/* What the progress dialog shows while armpy gflops runs. */
struct bench_view {
	int done, total;      /* steps (one library at one thread count) */
	char *text;
};

static void
bench_show(const struct bench_view *v)
{
	tui_progress("Benchmark", v->text, v->done, v->total);
}

/* "1000,2000" as "N=1000 then N=2000". */
static char *
sizes_text(const char *sizes)
{
	struct buf b;

	buf_init(&b);
	buf_puts(&b, "N=");
	for (; *sizes != '\0'; sizes++)
		buf_puts(&b, *sizes == ',' ? " then N=" : (char[2]){ *sizes, '\0' });
	return buf_steal(&b);
}

/* "progress K/M PATH threads=T N=A,B": step K of M starts; "progress M/M done". */
static int
bench_progress(struct bench_view *v, const char *line)
{
	char sizes[64], *n;
	const char *rest, *t, *p;
	int k, m, off = -1, threads;

	if (sscanf(line, "progress %d/%d %n", &k, &m, &off) != 2 || off < 0)
		return 0;
	rest = line + off;
	for (t = NULL, p = rest; (p = strstr(p, " threads=")) != NULL; p++)
		t = p;
	free(v->text);
	v->total = m;
	if (strcmp(rest, "done") == 0 || t == NULL ||
	    sscanf(t, " threads=%d N=%63s", &threads, sizes) != 2) {
		v->done = m;
		v->text = xstrdup(BENCH_INTRO "\n\nEvery step measured; reading the results...");
		return 1;
	}
	v->done = k - 1;
	n = sizes_text(sizes);
	v->text = xasprintf(BENCH_INTRO "\n\nStep %d of %d (a step is one library at one thread "
	    "count):\n%.*s\n%d thread%s, %s", k, m, (int)(t - rest), rest, threads,
	    threads == 1 ? "" : "s", n);
	free(n);
	return 1;
}

/* A stderr line of `armpy gflops --progress` (NULL: redraw); 1 when it was progress. */
static int
bench_line(void *arg, const char *line)
{
	struct bench_view *v = arg;
	int r = line == NULL || bench_progress(v, line);

	if (r)
		bench_show(v);
	return line != NULL && r;
}

/* Why it failed: its last line on stderr (else stdout), without the "armpy gflops: " prefix. */
static char *
bench_why(int st, const char *out, const char *err)
{
	const char *s = *err ? err : out, *e = s + strlen(s), *b;

	while (e > s && (e[-1] == '\n' || e[-1] == ' '))
		e--;
	for (b = e; b > s && b[-1] != '\n'; b--)
		;
	if (str_startswith(b, "armpy gflops: ") && b + strlen("armpy gflops: ") <= e)
		b += strlen("armpy gflops: ");
	return b < e ? xstrndup(b, e - b) : xasprintf("it failed (status %d)", st);
}

/* Its table when it worked, else why not on the status line. */
static void
bench_result(struct wizard *w, int st, const char *out, const char *err)
{
	char *cause = NULL;

	free(w->bench_text);
	w->bench_text = NULL;
	if (st == SCREEN_RUN_CANCELLED) {
		screen_message(TUI_WARN, "armpy gflops cancelled");
		return;
	}
	if (st == 0 && wizard_bench_parse(w, out, strlen(out), &cause) == 0) {
		char *table = wizard_bench_table(w);
		tui_pager("armpy gflops", table);
		free(table);
		return;
	}
	if (st != 0)
		cause = bench_why(st, out, err);
	w->bench_text = xasprintf("armpy gflops is not available here: %s", cause);
	screen_message(TUI_WARN, "%s", w->bench_text);
	free(cause);
}

static void
blas_bench(struct wizard *w)
{
	char *argv[] = { "/proc/self/exe", "gflops", "--format", "yaml", "--progress", NULL,
	    NULL };
	struct bench_view v = { 0, 0, xstrdup(BENCH_INTRO "\n\nLooking for BLAS libraries...") };
	char *out = NULL, *err = NULL;
	int st;

	if (w->facts->emulated)
		argv[5] = "--quick";      /* emulated timings mean little; keep it short */
	bench_show(&v);
	st = screen_run_capture(argv, &out, &err, bench_line, &v);
	free(v.text);
	bench_result(w, st, out ? out : "", err ? err : "");
	free(out);
	free(err);
}

static int
blas_key(struct wizard *w, void *state, int key)
{
	int *cur = &w->cursor[WS_BLAS], th;

	if (screen_list_key(key, cur, I_N))
		return SCREEN_STAY;
	th = w->profile->blas.threads ? w->profile->blas.threads : wizard_cores(w);
	switch (key) {
	case ' ':
		blas_select(w, state, *cur);
		return SCREEN_STAY;
	case '+': case '=': case KEY_RIGHT:
		if (*cur == I_THREADS)
			wizard_set_threads(w, th + 1);
		return SCREEN_STAY;
	case '-': case KEY_LEFT:
		if (*cur == I_THREADS && th > 1)
			wizard_set_threads(w, th - 1);
		return SCREEN_STAY;
	case 'b':
		blas_bench(w);
		return SCREEN_STAY;
	case '\n': case '\r': case KEY_ENTER:
		return SCREEN_NEXT;      /* Space selects; Enter takes what is marked */
	}
	return SCREEN_PASS;
}

const struct screen screen_blas = {
	.name = "blas",
	.title = "BLAS library",
	.state_size = sizeof(struct blas),
	.enter = blas_enter,
	.draw = blas_draw,
	.key = blas_key,
	.leave = blas_leave,
	.help = "OpenBLAS >= 0.3.17 carries the Arm64 correctness fixes (the DevKit guide "
	    "(Python on Arm64)). BLIS needs --enable-threading=openmp and BLIS_NUM_THREADS to "
	    "use more than one thread; OpenBLAS with OpenMP reads OMP_NUM_THREADS. armpy sets "
	    "both to the thread count in the environment notes. NVPL is NVIDIA's BLAS, from "
	    "conda-forge's libblas nvpl build (source: conda on Arm64; OpenMP or serial); on an "
	    "NVIDIA Grace it is marked as NVIDIA's choice.\nSpace marks the line under the "
	    "cursor (one in each group); Enter goes on with what is marked.\nb runs `armpy "
	    "gflops`: a dialog says which library, thread count and sizes it is measuring (Esc "
	    "cancels), then its table. The BLIS line then says which kernels BLIS really runs "
	    "on this CPU; before that it names the build target armpy expects.",
	.legend = "Up/Down move  Space select  -/+ threads  b bench  Enter next  Esc back  ? help",
};
