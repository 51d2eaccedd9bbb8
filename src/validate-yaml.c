/* validate-yaml.c — the validation report written out: YAML for machines, text for people. */
/* SPDX-License-Identifier: MIT */
#include "armpy.h"
#include "facts.h"
#include "plan.h"
#include "validate.h"
#include "validate-int.h"
#include "cpuclock.h"
#include "ydoc.h"
#include "rootdir.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void
emit_lib(struct yemit *y, const char *key, const struct validate_lib *l)
{
	yemit_str(y, key);
	if (l->path == NULL) {
		yemit_null(y);
		return;
	}
	yemit_map_start(y, 0);
	yemit_kv_str(y, "kind", l->kind);
	yemit_kv_str(y, "path", l->path);
	yemit_kv_str(y, "version", l->version);
	yemit_kv_str(y, "threading", l->threading);
	yemit_kv_str(y, "corename", l->corename);
	yemit_kv_str(y, "kernels", l->kernels);
	yemit_kv_str(y, "kernels_evidence", l->kernels_evidence);
	yemit_kv_str(y, "config", l->config);
	yemit_kv_str(y, "provider", l->provider);
	yemit_kv_str(y, "consumer", l->consumer);
	yemit_kv_str(y, "symbol", l->symbol);
	yemit_kv_str(y, "scope", l->scope);
	yemit_kv_str(y, "evidence", l->evidence);
	if (l->backend != NULL || l->backend_kind != NULL) {
		yemit_kv_str(y, "backend", l->backend);
		yemit_kv_str(y, "backend_kind", l->backend_kind);
		yemit_kv_str(y, "backend_version", l->backend_version);
		yemit_kv_str(y, "backend_path", l->backend_path);
	}
	yemit_map_end(y);
}

static void
emit_num(struct yemit *y, const char *key, double v, int prec)
{
	yemit_str(y, key);
	if (v < 0)
		yemit_null(y);
	else
		yemit_double(y, v, prec);
}

void
validate_emit(const struct validate_report *r, struct yemit *y)
{
	char buf[32];
	int i;
	yemit_map_start(y, 0);
	yemit_kv_bool(y, "passed", validate_passed(r));
	yemit_kv_str(y, "python", r->python);
	yemit_kv_str(y, "numpy", r->numpy_version);
	yemit_kv_str(y, "scipy", r->scipy_version);
	emit_lib(y, "blas", &r->blas);
	emit_lib(y, "lapack", &r->lapack);
	emit_lib(y, "scipy_blas", &r->scipy_blas);
	emit_lib(y, "scipy_lapack", &r->scipy_lapack);
	yemit_kv_strv(y, "mapped", r->mapped, 0);
	yemit_kv_strv(y, "environment", r->env, 0);
	yemit_kv_str(y, "login_settings_from", r->env_applied_from);
	yemit_str(y, "correctness");
	yemit_map_start(y, 0);
	yemit_str(y, "dgemm_relerr");
	if (r->dgemm_relerr < 0)
		yemit_null(y);
	else {
		snprintf(buf, sizeof buf, "%.3e", r->dgemm_relerr);
		yemit_str(y, buf);
	}
	emit_num(y, "solve_residual", r->solve_residual, 4);
	emit_num(y, "scipy_solve_residual", r->scipy_solve_residual, 4);
	yemit_map_end(y);
	yemit_str(y, "speed");
	yemit_map_start(y, 0);
	emit_num(y, "gflops_1", r->gflops_1, 2);
	yemit_kv_long(y, "n_1", r->n_1);
	emit_num(y, "gflops_all", r->gflops_all, 2);
	yemit_kv_long(y, "threads_all", r->threads_all);
	yemit_kv_long(y, "n_all", r->n_all);
	emit_num(y, "peak_gflops", r->peak_gflops, 1);
	emit_num(y, "clock_mhz", r->clock_mhz, 0);
	yemit_kv_str(y, "clock_source", r->clock_source);
	emit_num(y, "first_gflops_1", r->first_1, 2);
	emit_num(y, "first_gflops_all", r->first_all, 2);
	emit_num(y, "cgroup_cpus", r->cgroup_cpus, 2);
	emit_num(y, "loadavg", r->loadavg, 2);
	yemit_kv_bool(y, "emulated", r->emulated);
	yemit_kv_str(y, "method", r->speed_method);
	yemit_map_end(y);
	if (r->thorough != NULL)
		thorough_emit(r->thorough, y);
	yemit_str(y, "checks");
	yemit_seq_start(y, 0);
	for (i = 0; i < r->nchecks; i++) {
		yemit_map_start(y, 0);
		yemit_kv_str(y, "name", r->checks[i].name);
		yemit_kv_str(y, "verdict", verdict_name(r->checks[i].verdict));
		yemit_kv_str(y, "detail", r->checks[i].detail);
		yemit_map_end(y);
	}
	yemit_seq_end(y);
	yemit_map_end(y);
}

char *
validate_to_yaml(const struct validate_report *r)
{
	struct yemit *y = yemit_new();
	char *s;
	validate_emit(r, y);
	s = yemit_finish(y, NULL);
	yemit_free(y);
	return s;
}

char *
validate_to_text(const struct validate_report *r)
{
	struct buf b;
	int i, fails = 0, warns = 0;
	buf_init(&b);
	for (i = 0; i < r->nchecks; i++) {
		buf_printf(&b, "%-4s  %-18s %s\n", verdict_name(r->checks[i].verdict),
		    r->checks[i].name, r->checks[i].detail);
		fails += r->checks[i].verdict == VERDICT_FAIL;
		warns += r->checks[i].verdict == VERDICT_WARN;
	}
	buf_printf(&b, "%s: %d checks, %d failed, %d warnings\n", fails ? "FAILED" : "passed",
	    r->nchecks, fails, warns);
	return buf_steal(&b);
}

/* ---- running the probe ---- */

