/* wizard-bench.c — `armpy gflops` results for the wizard: parsed, labelled, laid out as a table. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "facts.h"
#include "wizard.h"
#include "ydoc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
wizard_bench_clear(struct wizard_bench *b)
{
	for (int i = 0; i < b->n; i++) {
		free(b->rows[i].path);
		free(b->rows[i].kind);
		free(b->rows[i].kernels);
		free(b->rows[i].threading);
		free(b->rows[i].error);
	}
	free(b->rows);
	free(b->recommendation);
	memset(b, 0, sizeof *b);
}

static char *
scalar(const struct ynode *map, const char *key)
{
	const struct ynode *v = ynode_get(map, key);

	if (v == NULL || v->type != YNODE_SCALAR || ynode_is_null(v))
		return NULL;
	return xstrdup(v->value);
}

int
wizard_bench_parse(struct wizard *w, const char *yaml, size_t len, char **cause)
{
	struct ynode *root = ydoc_parse(yaml, len, "armpy gflops", cause);
	const struct ynode *res;
	struct wizard_bench b = { 0 };

	if (root == NULL)
		return -1;
	res = ynode_get(root, "results");
	if (root->type != YNODE_MAP || res == NULL || res->type != YNODE_SEQ) {
		cause_set(cause, "armpy gflops: no results list in its output");
		ynode_free(root);
		return -1;
	}
	b.recommendation = scalar(root, "recommendation");
	b.rows = xcalloc(res->n ? res->n : 1, sizeof *b.rows);
	for (size_t i = 0; i < res->n; i++) {
		const struct ynode *r = res->items[i];
		struct wizard_bench_row *row = &b.rows[b.n];
		char *g;
		long t = 0;
		if (r->type != YNODE_MAP)
			continue;
		row->path = scalar(r, "path");
		row->kind = scalar(r, "kind");
		row->kernels = scalar(r, "kernels");
		if (ynode_get(r, "generic_kernels") != NULL &&
		    ynode_bool(ynode_get(r, "generic_kernels"), &row->generic) != 0)
			row->generic = 0;
		row->threading = scalar(r, "threading");
		row->error = scalar(r, "error");
		if (ynode_get(r, "threads") != NULL)
			ynode_long(ynode_get(r, "threads"), &t);
		row->threads = (int)t;
		t = 0;
		if (ynode_get(r, "n") != NULL)
			ynode_long(ynode_get(r, "n"), &t);
		row->n = t;
		g = scalar(r, "gflops");
		row->gflops = g != NULL && row->error == NULL ? strtod(g, NULL) : -1;
		free(g);
		b.n++;
	}
	ynode_free(root);
	wizard_bench_clear(&w->bench);
	w->bench = b;
	return 0;
}

/* "BLIS" and "OpenBLAS" as people write them; other kinds as they are. */
static const char *
kind_shown(const char *kind)
{
	if (kind == NULL)
		return "?";
	if (strcmp(kind, "blis") == 0)
		return "BLIS";
	if (strcmp(kind, "openblas") == 0)
		return "OpenBLAS";
	return kind;
}

char *
wizard_speed_label(const char *lib, const char *kernels, int threads, long n, int width)
{
	char *head, *tail, *r;
	int room;

	if (kernels != NULL && *kernels != '\0' && strcasecmp(kernels, lib) != 0)
		head = xasprintf("%s %s", lib, kernels);
	else
		head = xstrdup(lib);
	tail = n > 0 ? xasprintf("%dt N=%ld", threads, n) : xasprintf("%dt", threads);
	room = width - 1 - (int)strlen(tail);
	if (width > 0 && (int)strlen(head) > room) {
		head[room > 1 ? room : 1] = '\0';
		str_trim(head);
	}
	r = xasprintf("%s %s", head, tail);
	free(head);
	free(tail);
	return r;
}

char *
wizard_bench_label(const struct wizard_bench_row *r, int width)
{
	return wizard_speed_label(kind_shown(r->kind), r->kernels, r->threads, r->n, width);
}

/* The first bench row of a kind that says which kernels ran; NULL when none does. */
static const struct wizard_bench_row *
bench_kernels(const struct wizard *w, const char *kind, int *seen)
{
	*seen = 0;
	for (int i = 0; i < w->bench.n; i++) {
		const struct wizard_bench_row *r = &w->bench.rows[i];
		if (r->kind == NULL || strcmp(r->kind, kind) != 0)
			continue;
		*seen = 1;
		if (r->kernels != NULL && *r->kernels != '\0')
			return r;
	}
	return NULL;
}

char *
wizard_blis_line(const struct wizard *w)
{
	const char *target = w->facts->cpu.blis_config, *why;
	int seen;
	const struct wizard_bench_row *r = bench_kernels(w, "blis", &seen);

	if (r != NULL && r->generic)
		return xstrdup("BLIS runs its generic reference kernels here (armpy gflops)");
	if (r != NULL)
		return xasprintf("BLIS runs %s here (armpy gflops)", r->kernels);
	why = w->bench.n == 0 ? "`b` checks what BLIS really runs" : seen ?
	    "armpy gflops could not tell what it runs" : "armpy gflops found no BLIS";
	if (target == NULL)
		return xasprintf("BLIS: no build target known for this CPU (%s)", why);
	return xasprintf("BLIS build target %s (expected; %s)", target, why);
}

char *
wizard_bench_table(const struct wizard *w)
{
	struct buf b;
	int generic = 0;
	char *l;

	buf_init(&b);
	buf_printf(&b, "%-32s %-9s %9s   %s\n", "library, kernels, threads, size", "threading",
	    "GFLOPS", "path");
	for (int i = 0; i < w->bench.n; i++) {
		const struct wizard_bench_row *r = &w->bench.rows[i];
		l = wizard_bench_label(r, 32);
		buf_printf(&b, "%-32s %-9s ", l, r->threading ? r->threading : "?");
		free(l);
		if (r->gflops >= 0)
			buf_printf(&b, "%9.2f%c  %s\n", r->gflops, r->generic ? '*' : ' ',
			    r->path ? r->path : "");
		else
			buf_printf(&b, "%9s%c  %s (%s)\n", "-", r->generic ? '*' : ' ', r->path ?
			    r->path : "", r->error ? r->error : "failed");
		generic |= r->generic;
	}
	if (generic)
		buf_puts(&b, "\n* generic kernels: the library's reference code, not tuned for "
		    "this CPU\n");
	if (w->bench.recommendation != NULL)
		buf_printf(&b, "\nrecommendation: %s\n", w->bench.recommendation);
	return buf_steal(&b);
}
