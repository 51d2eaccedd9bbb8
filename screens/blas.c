/* blas.c — screen 5: OpenBLAS or BLIS, threading, threads, build; refusals shown disabled. */
#include "armpy.h"
#include "screen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { I_OPENBLAS, I_BLIS, I_OPENMP, I_PTHREADS, I_SERIAL, I_PACKAGE, I_SOURCE, I_THREADS, I_N };

static const char *const item_label[I_N] = {
	"OpenBLAS", "BLIS", "OpenMP", "pthreads", "serial (one thread)",
	"distro package / wheel", "build from source (~20 min)", "Threads",
};
static char *refusal[I_N];

static void
blas_refresh(struct wizard *w)
{
	for (int i = 0; i < I_N; i++) {
		free(refusal[i]);
		refusal[i] = NULL;
	}
	refusal[I_OPENBLAS] = wizard_library_refusal(w, BLAS_OPENBLAS);
	refusal[I_BLIS] = wizard_library_refusal(w, BLAS_BLIS);
	refusal[I_OPENMP] = wizard_threading_refusal(w, THREADING_OPENMP);
	refusal[I_PTHREADS] = wizard_threading_refusal(w, THREADING_PTHREADS);
	refusal[I_SERIAL] = wizard_threading_refusal(w, THREADING_SERIAL);
	refusal[I_PACKAGE] = wizard_build_refusal(w, BUILD_PACKAGE);
	refusal[I_SOURCE] = wizard_build_refusal(w, BUILD_SOURCE);
}

static void
blas_enter(struct wizard *w)
{
	blas_refresh(w);
}

static int
item_on(const struct wizard *w, int i)
{
	const struct profile *p = w->profile;

	switch (i) {
	case I_OPENBLAS: return p->blas.library == BLAS_OPENBLAS;
	case I_BLIS: return p->blas.library == BLAS_BLIS;
	case I_OPENMP: return p->blas.threading == THREADING_OPENMP;
	case I_PTHREADS: return p->blas.threading == THREADING_PTHREADS;
	case I_SERIAL: return p->blas.threading == THREADING_SERIAL;
	case I_PACKAGE: return p->blas.build == BUILD_PACKAGE;
	case I_SOURCE: return p->blas.build == BUILD_SOURCE;
	}
	return 0;
}

static void
blas_draw(struct wizard *w, WINDOW *win)
{
	const struct cpu_info *c = &w->facts->cpu;
	int y = TUI_TOP, cur = w->cursor[WS_BLAS];
	char *t;

	t = xasprintf("CPU %s: OpenBLAS TARGET=%s, BLIS config %s", c->name ? c->name : "unknown",
	    c->openblas_target ? c->openblas_target : "(auto)",
	    c->blis_config ? c->blis_config : "(auto)");
	tui_put(win, y++, 1, COLS - 2, TUI_HEAD, t);
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
			t = xasprintf("%s %s%s", tui_mark(0, item_on(w, i), refusal[i] != NULL),
			    item_label[i], refusal[i] != NULL ? "  (refused)" : "");
		tui_line(win, y++, 4, COLS - 6, i == cur, refusal[i] != NULL, t);
		free(t);
	}
	if (w->bench.recommendation != NULL) {
		t = xasprintf("armpy bench: %s", w->bench.recommendation);
		tui_put(win, y++, 2, COLS - 4, TUI_GOOD, t);
		free(t);
	}
	y++;
	if (refusal[cur] != NULL) {
		t = xasprintf("Refused by the planner: %s", refusal[cur]);
		tui_wrap(win, y, 2, COLS - 4, LINES - 3 - y, TUI_WARN, t);
		free(t);
	} else if (w->plan == NULL && w->plan_cause != NULL) {
		t = xasprintf("Current answers refused: %s", w->plan_cause);
		tui_wrap(win, y, 2, COLS - 4, LINES - 3 - y, TUI_WARN, t);
		free(t);
	}
}

static int
blas_select(struct wizard *w, int i)
{
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
	blas_refresh(w);
	return r;
}

static void
blas_bench(struct wizard *w)
{
	char *argv[] = { "/proc/self/exe", "bench", "--format", "yaml", NULL, NULL };
	char *out = NULL, *cause = NULL, *table;
	int st;

	if (w->facts->emulated)
		argv[4] = "--quick";      /* emulated timings mean little; keep it short */
	tui_busy("Benchmark", "Running armpy bench: dgemm with every installed BLAS, one "
	    "thread and all cores. This can take minutes; Esc cancels.");
	st = screen_run_capture(argv, &out);
	free(w->bench_text);
	if (st == SCREEN_RUN_CANCELLED) {
		w->bench_text = NULL;
		screen_message(TUI_WARN, "armpy bench cancelled");
	} else if (st != 0) {
		char *nl = out ? strchr(out, '\n') : NULL;
		if (nl != NULL)
			*nl = '\0';
		w->bench_text = xasprintf("armpy bench is not available here: %s", out && *out ?
		    out : "it failed");
		screen_message(TUI_WARN, "%s", w->bench_text);
	} else if (wizard_bench_parse(w, out, strlen(out), &cause) != 0) {
		w->bench_text = xasprintf("armpy bench is not available here: %s", cause);
		screen_message(TUI_WARN, "%s", w->bench_text);
		free(cause);
	} else {
		w->bench_text = NULL;
		table = wizard_bench_table(w);
		tui_pager("armpy bench", table);
		free(table);
	}
	free(out);
}

static int
blas_key(struct wizard *w, int key)
{
	int *cur = &w->cursor[WS_BLAS], th;

	if (screen_list_key(key, cur, I_N))
		return SCREEN_STAY;
	th = w->profile->blas.threads ? w->profile->blas.threads : wizard_cores(w);
	switch (key) {
	case ' ':
		blas_select(w, *cur);
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
	.enter = blas_enter,
	.draw = blas_draw,
	.key = blas_key,
	.help = "OpenBLAS >= 0.3.17 carries the Arm64 correctness fixes (seed). BLIS needs "
	    "--enable-threading=openmp and BLIS_NUM_THREADS to use more than one thread; "
	    "OpenBLAS with OpenMP reads OMP_NUM_THREADS. armpy sets both to the thread count "
	    "in the environment notes.\nb runs `armpy bench` and shows its table.",
	.legend = "Up/Down move  Space select  -/+ threads  b bench  Enter next  Esc back  ? help",
};
