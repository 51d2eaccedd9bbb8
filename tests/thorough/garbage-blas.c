/* garbage-blas.c — a libblas.so.3 that returns wrong dgemm results (the fault validate --thorough is for: a BLAS build that returns garbage), everything else OpenBLAS's. */
/* SPDX-License-Identifier: MIT */
/* Built by tests/thorough/run.sh linked against libopenblas.so.0, which serves every other
 * symbol; cblas_dgemm and dgemm_ call OpenBLAS's own and then perturb C. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>

typedef void cblas_fn(int, int, int, int, int, int, double, const double *, int,
    const double *, int, double, double *, int);
typedef void f77_fn(const char *, const char *, const int *, const int *, const int *,
    const double *, const double *, const int *, const double *, const int *, const double *,
    double *, const int *);

static void *
openblas(const char *name)
{
	void *h = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_NOLOAD);
	void *f = h != NULL ? dlsym(h, name) : NULL;

	if (f == NULL)
		abort();
	return f;
}

/* Every element of the rows x cols matrix at c (leading dimension ld) made wrong. */
static void
perturb(double *c, int rows, int cols, int ld)
{
	for (int j = 0; j < cols; j++)
		for (int i = 0; i < rows; i++)
			c[(long)j * ld + i] = c[(long)j * ld + i] * 1.01 + 0.01;
}

void
cblas_dgemm(int order, int ta, int tb, int m, int n, int k, double alpha, const double *a,
    int lda, const double *b, int ldb, double beta, double *c, int ldc)
{
	((cblas_fn *)openblas("cblas_dgemm"))(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta,
	    c, ldc);
	if (order == 101)        /* CblasRowMajor: rows of n */
		perturb(c, n, m, ldc);
	else
		perturb(c, m, n, ldc);
}

void
dgemm_(const char *ta, const char *tb, const int *m, const int *n, const int *k,
    const double *alpha, const double *a, const int *lda, const double *b, const int *ldb,
    const double *beta, double *c, const int *ldc)
{
	((f77_fn *)openblas("dgemm_"))(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
	perturb(c, *m, *n, *ldc);
}
