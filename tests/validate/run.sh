#!/usr/bin/env bash
# tests/validate/run.sh — armpy validate/bench against the real NumPy on this host, under both BLAS alternatives.
set -uo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$TOP"
OUT=$TOP/tests/out/validate
mkdir -p "$OUT"
PY=/usr/bin/python3          # not pyenv's python3 that may be first on PATH
TRIPLET=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -dumpmachine)
ALT=libblas.so.3-$TRIPLET
OPENBLAS=/usr/lib/$TRIPLET/openblas-pthread/libblas.so.3
BLIS=/usr/lib/$TRIPLET/blis-pthread/libblas.so.3

if [ "$(id -u)" -ne 0 ]; then t_skip "validate suite needs root (update-alternatives)"; t_summary; exit; fi
for f in "$OPENBLAS" "$BLIS"; do
	[ -e "$f" ] || { t_fail "missing $f: install scripts/deps/test-validate.apt.txt"; t_summary; exit 1; }
done
"$PY" -c 'import numpy, scipy' 2>/dev/null || { t_fail "$PY lacks numpy/scipy"; t_summary; exit 1; }

# Restore the alternative exactly as found (auto or the manual choice).
ORIG_MODE=$(update-alternatives --query "$ALT" | sed -n 's/^Status: //p')
ORIG_VALUE=$(update-alternatives --query "$ALT" | sed -n 's/^Value: //p')
restore() {
	if [ "$ORIG_MODE" = auto ]; then update-alternatives --auto "$ALT" >/dev/null 2>&1
	else update-alternatives --set "$ALT" "$ORIG_VALUE" >/dev/null 2>&1; fi
}
trap restore EXIT

for lib in openblas blis; do
	case $lib in openblas) path=$OPENBLAS wrong=blis name=OpenBLAS other=BLIS ;;
	             blis) path=$BLIS wrong=openblas name=BLIS other=OpenBLAS ;; esac
	update-alternatives --set "$ALT" "$path" >/dev/null
	# show_config() cannot tell: it prints the same build-time text under both (evidence kept)
	"$PY" -c 'import numpy; numpy.show_config()' >"$OUT/show_config-$lib.txt" 2>&1

	"$ARMPY" validate --python "$PY" --expect "$lib" --quick >"$OUT/right-$lib.txt" 2>&1; rc=$?
	t_check "$lib: --expect $lib exits 0" test "$rc" -eq 0
	t_check "$lib: names $name as the BLAS" grep -qE "^PASS  blas-library +$name [0-9.]+ .*$path" "$OUT/right-$lib.txt"
	t_check "$lib: LAPACK reported as OpenBLAS" grep -qE "^(PASS|INFO)  lapack-library +OpenBLAS [0-9.]+ .*openblas-pthread/liblapack.so.3" "$OUT/right-$lib.txt"
	t_check "$lib: dgemm correctness with its number" grep -qE "^PASS  dgemm-correctness .*relative error [0-9.]+e-[0-9]+" "$OUT/right-$lib.txt"
	t_check "$lib: LAPACK solve residual" grep -qE "^PASS  lapack-correctness .*numpy [0-9.e-]+" "$OUT/right-$lib.txt"
	t_check "$lib: GFLOPS at 1 and all threads" grep -qE "^INFO  speed +dgemm 1 thread: [0-9.]+ GFLOPS .*[0-9]+ threads: [0-9.]+ GFLOPS" "$OUT/right-$lib.txt"

	"$ARMPY" validate --python "$PY" --expect "$wrong" --quick >"$OUT/wrong-$lib.txt" 2>&1; rc=$?
	t_check "$lib: --expect $wrong exits 1" test "$rc" -eq 1
	t_check "$lib: the failure names both libraries" grep -qE "^FAIL  blas-library +expected $other, but $name " "$OUT/wrong-$lib.txt"

	"$ARMPY" validate --python "$PY" --expect "$lib" --quick --format yaml >"$OUT/right-$lib.yaml" 2>&1
	t_check "$lib: yaml report parses and says kind $lib" \
		"$PY" -c 'import sys,re; t=open(sys.argv[1]).read(); sys.exit(0 if re.search(r"^blas:\n  kind: "+sys.argv[2]+"$", t, re.M) and "passed: true" in t else 1)' "$OUT/right-$lib.yaml" "$lib"
done
t_check "numpy.show_config() prints the same text under OpenBLAS and BLIS" cmp -s "$OUT/show_config-openblas.txt" "$OUT/show_config-blis.txt"

# BLIS without thread settings: the seed's warning; with BLIS_NUM_THREADS: none
update-alternatives --set "$ALT" "$BLIS" >/dev/null
env -u BLIS_NUM_THREADS -u OMP_NUM_THREADS "$ARMPY" validate --python "$PY" --quick >"$OUT/blis-threads.txt" 2>&1
t_check "BLIS without BLIS_NUM_THREADS warns" grep -qE "^WARN  threads +BLIS runs single-threaded" "$OUT/blis-threads.txt"
"$ARMPY" validate --python "$PY" --quick --env BLIS_NUM_THREADS=2 >"$OUT/blis-threads2.txt" 2>&1
t_check "BLIS with BLIS_NUM_THREADS=2 does not warn" grep -qE "^PASS  threads" "$OUT/blis-threads2.txt"
restore

# Bad usage is exit 2; a missing interpreter is a failure (1)
"$ARMPY" validate --expect mkl >/dev/null 2>&1; t_check "--expect mkl is bad usage (2)" test $? -eq 2
"$ARMPY" validate --format json >/dev/null 2>&1; t_check "--format json is bad usage (2)" test $? -eq 2
"$ARMPY" validate --python /nonexistent/python3 --quick >"$OUT/nopy.txt" 2>&1; rc=$?
t_check "missing interpreter exits 1 with a reason" test "$rc" -eq 1
t_check "missing interpreter is named" grep -q "/nonexistent/python3" "$OUT/nopy.txt"

# The native benchmark lists both libraries, each measured
"$ARMPY" bench --size 256 >"$OUT/bench.txt" 2>&1; rc=$?
t_check "bench exits 0" test "$rc" -eq 0
t_check "bench lists OpenBLAS with GFLOPS" grep -qE "openblas-pthread/libblas.so.3 +OpenBLAS +[0-9.]+ +pthreads +1 +256 +[0-9]+\.[0-9]+$" "$OUT/bench.txt"
t_check "bench lists BLIS with GFLOPS" grep -qE "blis-pthread/libblas.so.3 +BLIS +[0-9.]+ +pthreads +1 +256 +[0-9]+\.[0-9]+$" "$OUT/bench.txt"
t_check "bench recommends" grep -qE "^recommendation: (BLIS|OpenBLAS) \((pthreads|openmp)\) [0-9.]+x (BLIS|OpenBLAS) at N=256" "$OUT/bench.txt"
"$ARMPY" bench --size 0 >/dev/null 2>&1; t_check "bench --size 0 is bad usage (2)" test $? -eq 2

t_summary
