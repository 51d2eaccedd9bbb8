#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/validate/run.sh — armpy validate/gflops against the real NumPy on this host, under both BLAS
# alternatives. Whatever the CPU: numbers are parsed and held to their bounds (tests/validate/
# checks.py), and the kernels BLIS runs are compared with what BLIS itself says (ctypes); BLIS's
# generic reference kernels are also forced once (BLIS_ARCH_TYPE) to check the warning every CPU
# BLIS does not know gets. OPENBLAS_CORETYPE is the machine's when set, else set per command only.
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
LAPACK_ALT=liblapack.so.3-$TRIPLET
OB_LAPACK=/usr/lib/$TRIPLET/openblas-pthread/liblapack.so.3

if [ "$(id -u)" -ne 0 ]; then t_skip "validate suite needs root (update-alternatives)"; t_summary; exit; fi
for f in "$OPENBLAS" "$BLIS" "$OB_LAPACK"; do
	[ -e "$f" ] || { t_fail "missing $f: install scripts/deps/test-validate.apt.txt"; t_summary; exit 1; }
done
"$PY" -c 'import numpy, scipy' 2>/dev/null || { t_fail "$PY lacks numpy/scipy"; t_summary; exit 1; }

# The suite sets what it needs, whatever this machine chose (an openmp or serial flavour, BLIS,
# the reference LAPACK), and at exit puts the alternatives back exactly as found (auto or the
# manual choice). restore: back to the suite's baseline, OpenBLAS's pthread build for BLAS and
# LAPACK (the cases name it), as a fresh Debian's auto mode has it.
t_alt_save "$ALT" "$LAPACK_ALT" || { t_fail "the alternatives lock"; t_summary; exit 1; }
trap t_alt_restore EXIT
restore() {
	update-alternatives --set "$ALT" "$OPENBLAS" >/dev/null
	update-alternatives --set "$LAPACK_ALT" "$OB_LAPACK" >/dev/null
}
restore

CHK=("$PY" "$TOP/tests/validate/checks.py")
REPORT=$TOP/tests/e2e/report.py
KERNELS=$TOP/tests/e2e/kernels.py
"$PY" -c 'import yaml' 2>/dev/null || { t_fail "$PY lacks yaml (python3-yaml, scripts/deps/test-e2e.apt.txt)"; t_summary; exit 1; }

# t_out NAME CMD...: passes when CMD exits 0, with its one-line summary; else shows its reason.
t_out() {
	local name=$1 out; shift
	if out=$("$@" 2>&1); then t_pass "$name${out:+: $out}"
	else t_fail "$name"; printf '%s\n' "$out" | tail -8 | sed 's/^/    /'; fi
}

# What the libraries themselves say, independently of armpy (ctypes): their versions, and the
# kernel set BLIS selects on this CPU (whatever CPU it is), with the names this BLIS build knows.
OB_VERSION=$("$PY" -c 'import ctypes, sys
l = ctypes.CDLL(sys.argv[1]); l.openblas_get_config.restype = ctypes.c_char_p
print(l.openblas_get_config().decode().split()[1])' "$OPENBLAS")
BLIS_SO=$(dirname "$BLIS")/libblis.so.4
BLIS_VERSION=$("$PY" -c 'import ctypes, sys
l = ctypes.CDLL(sys.argv[1]); l.bli_info_get_version_str.restype = ctypes.c_char_p
print(l.bli_info_get_version_str().decode())' "$BLIS_SO")
{ read -r BLIS_WORD; read -r BLIS_KNOWN; read -r BLIS_GENERIC_ID; } < <("$PY" "$TOP/tests/e2e/blisarch.py" "$BLIS_SO")
BLIS_WORD=${BLIS_WORD:-} BLIS_KNOWN=${BLIS_KNOWN:-} BLIS_GENERIC_ID=${BLIS_GENERIC_ID:--}
if [ -n "${BLIS_WORD:-}" ] && [ -n "$OB_VERSION" ] && [ -n "$BLIS_VERSION" ]; then
	t_pass "the libraries say: OpenBLAS $OB_VERSION; BLIS $BLIS_VERSION runs its ${BLIS_WORD} kernels on this CPU"
else
	t_fail "asking the libraries themselves (ctypes): OpenBLAS '$OB_VERSION', BLIS '$BLIS_VERSION' '${BLIS_WORD:-}'"
fi
# Preloaded in turn over the other alternative: BLIS's and OpenBLAS's own libraries (not libblas.so.3).
OTHER_SO=$BLIS_SO
OB_SO=$(dirname "$OPENBLAS")/libopenblas.so.0
PRELOAD_CHK=$TOP/tests/validate/preload.py
# The BLIS config armpy detects for this CPU: the blis-kernels verdict must agree with it.
BLIS_EXPECTED=$("$ARMPY" detect 2>/dev/null | "$PY" -c 'import sys, yaml
print((yaml.safe_load(sys.stdin).get("cpu") or {}).get("blis_config") or "")')

for lib in openblas blis; do
	case $lib in openblas) path=$OPENBLAS wrong=blis name=OpenBLAS other=BLIS version=$OB_VERSION ;;
	             blis) path=$BLIS wrong=openblas name=BLIS other=OpenBLAS version=$BLIS_VERSION ;; esac
	update-alternatives --set "$ALT" "$path" >/dev/null
	# show_config() cannot tell: it prints the same build-time text under both (evidence kept)
	"$PY" -c 'import numpy; numpy.show_config()' >"$OUT/show_config-$lib.txt" 2>&1

	"$ARMPY" validate --python "$PY" --expect "$lib" --quick >"$OUT/right-$lib.txt" 2>&1; rc=$?
	"$ARMPY" validate --python "$PY" --expect "$lib" --quick --format yaml >"$OUT/right-$lib.yaml" 2>"$OUT/right-$lib.yaml.err"
	T=$OUT/right-$lib.txt Y=$OUT/right-$lib.yaml
	t_check "$lib: --expect $lib exits 0" test "$rc" -eq 0
	t_out "$lib: names $name as the BLAS, with the version the library gives" \
		"${CHK[@]}" lib-line "$T" blas-library PASS "$name" "$path" "$version"
	t_out "$lib: LAPACK reported as OpenBLAS" \
		"${CHK[@]}" lib-line "$T" lapack-library 'PASS|INFO' OpenBLAS openblas-pthread/liblapack.so.3 "$OB_VERSION"
	t_out "$lib: dgemm correctness within its limit" "${CHK[@]}" relerr "$T" "$Y"
	t_out "$lib: LAPACK solve residuals within their limit" "${CHK[@]}" residual "$T" "$Y"
	t_out "$lib: GFLOPS at 1 and all threads, share of peak" "${CHK[@]}" speed "$T" "$Y"
	t_out "$lib: thread-scaling" "${CHK[@]}" scaling "$T" "$Y"
	t_out "$lib: environment names what is set, or nothing is" "${CHK[@]}" environment "$T"
	t_out "$lib: yaml report parses: kind $lib, passed, kernels" "${CHK[@]}" yaml-report "$Y" "$lib"
	if [ $lib = blis ]; then
		t_out "blis: blis-kernels line agrees with BLIS ($BLIS_WORD; armpy detects '${BLIS_EXPECTED}')" \
			"$PY" "$KERNELS" text "$T" "$BLIS_WORD" --expected "$BLIS_EXPECTED" --known "$BLIS_KNOWN"
		t_out "blis: yaml blas.kernels and the blis-kernels check are BLIS's own" \
			"$PY" "$REPORT" "$Y" blis --lapack openblas --native --blis-kernels "$BLIS_WORD" \
			--expected "$BLIS_EXPECTED" --known "$BLIS_KNOWN"
	else
		t_check "openblas: no blis-kernels line when OpenBLAS serves NumPy" \
			sh -c '! grep -q "  blis-kernels " "$1"' sh "$T"
		t_out "openblas: yaml report: kernels and core name" \
			"$PY" "$REPORT" "$Y" openblas --lapack openblas --native --kernels --corename
	fi

	"$ARMPY" validate --python "$PY" --expect "$wrong" --quick >"$OUT/wrong-$lib.txt" 2>&1; rc=$?
	t_check "$lib: --expect $wrong exits 1" test "$rc" -eq 1
	t_check "$lib: the failure names both libraries" grep -qE "^FAIL  blas-library +expected $other, but $name " "$OUT/wrong-$lib.txt"

	# The lookup order: ld.so binds NumPy's cblas_dgemm from the global scope first, so a library
	# preloaded (LD_PRELOAD) serves it whatever the alternative names. The report must name the
	# file ld.so itself bound (LD_DEBUG=bindings), with and without a preload.
	t_out "$lib: no preload: armpy names the file ld.so binds, from numpy's own dependencies" \
		"$PY" "$PRELOAD_CHK" "$Y" "$PY" "$lib" module
	pre=$OTHER_SO; [ $lib = blis ] && pre=$OB_SO
	LD_PRELOAD=$pre "$ARMPY" validate --python "$PY" --expect "$wrong" --quick >"$OUT/preload-$lib.txt" 2>&1; rc=$?
	LD_PRELOAD=$pre "$ARMPY" validate --python "$PY" --quick --format yaml >"$OUT/preload-$lib.yaml" 2>"$OUT/preload-$lib.yaml.err"
	t_check "$lib alternative, $other preloaded: --expect $wrong exits 0" test "$rc" -eq 0
	t_out "$lib alternative, $other preloaded: armpy names the preloaded file ld.so binds" \
		"$PY" "$PRELOAD_CHK" "$OUT/preload-$lib.yaml" "$PY" "$wrong" global "$pre"
	t_check "$lib alternative, $other preloaded: the blas-library line says the global scope" \
		grep -qE "^PASS  blas-library +$other .*bound from the global scope" "$OUT/preload-$lib.txt"
	"$ARMPY" validate --python "$PY" --expect "$lib" --quick --env LD_PRELOAD="$pre" >"$OUT/preload-env-$lib.txt" 2>&1; rc=$?
	t_check "$lib alternative, --env LD_PRELOAD=$other: --expect $lib exits 1" test "$rc" -eq 1
	t_check "$lib alternative, --env LD_PRELOAD=$other: the failure names the preloaded $other" \
		grep -qE "^FAIL  blas-library +expected $name, but $other .*global scope" "$OUT/preload-env-$lib.txt"
done
# A wheel's NumPy calls scipy_cblas_dgemm64_ from its bundled OpenBLAS: the probe follows the
# symbol the module imports, not a cblas_dgemm another library put in the global scope.
mkdir -p "$OUT/wheelsym"
t_out "the probe names the symbol a module imports (wheel-style scipy_cblas_dgemm64_), not a global cblas_dgemm" \
	python3 "$TOP/tests/validate/wheelsym.py" "$TOP/scripts/armpy-probe.py" "$OUT/wheelsym" "$OB_SO"
t_check "numpy.show_config() prints the same text under OpenBLAS and BLIS" cmp -s "$OUT/show_config-openblas.txt" "$OUT/show_config-blis.txt"

# BLIS on its generic reference kernels (what Debian's BLIS 0.9.0 runs on a CPU it does not know,
# e.g. Zen 5), forced here on any CPU with BLIS_ARCH_TYPE=<the id of generic>, for these commands
# only, unless the machine sets BLIS_ARCH_TYPE itself.
update-alternatives --set "$ALT" "$BLIS" >/dev/null
if [ -n "${BLIS_ARCH_TYPE+set}" ]; then
	t_skip "forced generic BLIS: the machine sets BLIS_ARCH_TYPE=$BLIS_ARCH_TYPE"
elif [ "${BLIS_GENERIC_ID:--}" = - ] ||
    [ "$(BLIS_ARCH_TYPE=$BLIS_GENERIC_ID "$PY" "$TOP/tests/e2e/blisarch.py" "$BLIS_SO" 2>/dev/null | head -1)" != generic ]; then
	t_skip "forced generic BLIS: this BLIS does not take BLIS_ARCH_TYPE=${BLIS_GENERIC_ID:-?}"
else
	G=(env BLIS_ARCH_TYPE="$BLIS_GENERIC_ID")
	"${G[@]}" "$ARMPY" validate --python "$PY" --expect blis --quick >"$OUT/generic-blis.txt" 2>&1; rc=$?
	"${G[@]}" "$ARMPY" validate --python "$PY" --expect blis --quick --format yaml >"$OUT/generic-blis.yaml" 2>/dev/null
	t_check "generic BLIS (BLIS_ARCH_TYPE=$BLIS_GENERIC_ID): validate --expect blis exits 0 (a WARN, not a failure)" test "$rc" -eq 0
	t_out "generic BLIS: blis-kernels is a WARN naming reference kernels and OpenBLAS" \
		"$PY" "$KERNELS" text "$OUT/generic-blis.txt" generic --expected "$BLIS_EXPECTED" --known "$BLIS_KNOWN"
	t_out "generic BLIS: yaml blas.kernels generic, correctness within bounds" \
		"$PY" "$REPORT" "$OUT/generic-blis.yaml" blis --lapack openblas --blis-kernels generic
	t_out "generic BLIS: dgemm correctness within its limit (an exact 0 included)" \
		"${CHK[@]}" relerr "$OUT/generic-blis.txt" "$OUT/generic-blis.yaml"
	t_out "generic BLIS: environment names BLIS_ARCH_TYPE" "${G[@]}" "${CHK[@]}" environment "$OUT/generic-blis.txt"
	"${G[@]}" "$ARMPY" gflops --size 256 --threads 1 --format yaml >"$OUT/generic-bench.yaml" 2>&1
	t_out "generic BLIS: bench marks it generic and does not recommend it over tuned kernels" \
		"${CHK[@]}" bench-yaml "$OUT/generic-bench.yaml" --blis generic
fi

# BLIS without thread settings: the seed's warning; with BLIS_NUM_THREADS: none
update-alternatives --set "$ALT" "$BLIS" >/dev/null
env -u BLIS_NUM_THREADS -u OMP_NUM_THREADS "$ARMPY" validate --python "$PY" --quick >"$OUT/blis-threads.txt" 2>&1
t_check "BLIS without BLIS_NUM_THREADS warns" grep -qE "^WARN  threads +BLIS runs single-threaded" "$OUT/blis-threads.txt"
"$ARMPY" validate --python "$PY" --quick --env BLIS_NUM_THREADS=2 >"$OUT/blis-threads2.txt" 2>&1
t_check "BLIS with BLIS_NUM_THREADS=2 does not warn" grep -qE "^PASS  threads" "$OUT/blis-threads2.txt"
t_check "validate --env BLIS_NUM_THREADS=2: the environment check names it" \
	grep -qE "^(INFO|WARN)  environment +.*BLIS_NUM_THREADS=2" "$OUT/blis-threads2.txt"
restore

# Bad usage is exit 2; a missing interpreter is a failure (1)
"$ARMPY" validate --expect atlas >/dev/null 2>&1; t_check "--expect atlas is bad usage (2)" test $? -eq 2
"$ARMPY" validate --format json >/dev/null 2>&1; t_check "--format json is bad usage (2)" test $? -eq 2
"$ARMPY" validate --python /nonexistent/python3 --quick >"$OUT/nopy.txt" 2>&1; rc=$?
t_check "missing interpreter exits 1 with a reason" test "$rc" -eq 1
t_check "missing interpreter is named" grep -q "/nonexistent/python3" "$OUT/nopy.txt"

# An interpreter that exits but leaves a daemon holding its stdout: validate does not wait for
# the daemon (its process group is killed) and fails saying so, in seconds. One daemon stays in
# the group, one leaves it (setsid): then armpy stops reading after a short grace. A probe that
# never ends stops at ARMPY_PROBE_TIMEOUT. (The timeout here bounds the cases if that breaks.)
FAKE=$OUT/fakepy
mkdir -p "$FAKE"
for how in group setsid; do
	run=; [ $how = setsid ] && run=setsid
	printf '#!/bin/sh\n%s sleep 600 &\necho $! >"%s"\necho "probe: 1"\nexit 0\n' "$run" "$FAKE/$how.pid" >"$FAKE/$how"
	chmod +x "$FAKE/$how"
	start=$SECONDS
	ARMPY_PROBE_TIMEOUT=30 "$ARMPY" validate --python "$FAKE/$how" --quick >"$OUT/daemon-$how.txt" 2>&1; rc=$?
	took=$((SECONDS - start)) dpid=$(cat "$FAKE/$how.pid" 2>/dev/null)
	if [ "$rc" -eq 1 ] && [ "$took" -lt 10 ] && grep -q "exited but left a process holding its output" "$OUT/daemon-$how.txt"; then
		t_pass "a daemon left holding stdout ($how): validate fails in ${took}s, saying so"
	else
		t_fail "a daemon left holding stdout ($how): rc $rc in ${took}s"; sed 's/^/    /' "$OUT/daemon-$how.txt"
	fi
	state=$(ps -o stat= -p "${dpid:-0}" 2>/dev/null)
	if [ $how = group ]; then
		case $state in ''|Z*) t_pass "the daemon in its group was killed" ;; *) t_fail "the daemon in its group still runs ($state)" ;; esac
	fi
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null
done
printf '#!/bin/sh\nexec sleep 600\n' >"$FAKE/slow"
chmod +x "$FAKE/slow"
start=$SECONDS
ARMPY_PROBE_TIMEOUT=2 "$ARMPY" validate --python "$FAKE/slow" --quick >"$OUT/slow.txt" 2>&1; rc=$?
took=$((SECONDS - start))
if [ "$rc" -eq 1 ] && [ "$took" -lt 10 ] && grep -q "longer than 2 seconds (ARMPY_PROBE_TIMEOUT)" "$OUT/slow.txt"; then
	t_pass "a probe that never ends stops at ARMPY_PROBE_TIMEOUT=2 (${took}s)"
else
	t_fail "ARMPY_PROBE_TIMEOUT=2: rc $rc in ${took}s"; sed 's/^/    /' "$OUT/slow.txt"
fi

# The native benchmark lists both libraries, each measured, with the kernels each runs.
"$ARMPY" gflops --size 256 >"$OUT/bench.txt" 2>&1; rc=$?
t_check "bench exits 0" test "$rc" -eq 0
t_out "bench table: header with kernels; OpenBLAS and BLIS rows with GFLOPS > 0" \
	"${CHK[@]}" bench-text "$OUT/bench.txt" "$OPENBLAS" "$BLIS"
t_check "bench recommends a library, or says no clear winner" \
	grep -qE "^recommendation: (no clear winner: )?(BLIS|OpenBLAS) \((pthreads|openmp)\)" "$OUT/bench.txt"
"$ARMPY" gflops --size 256 --format yaml >"$OUT/bench.yaml" 2>"$OUT/bench.yaml.err"
t_out "bench yaml: BLIS's kernels as BLIS says, generic_kernels, recommendation" \
	"${CHK[@]}" bench-yaml "$OUT/bench.yaml" --blis "$BLIS_WORD"
t_out "bench yaml: each row measured (min <= median <= max) or failed; the verdict agrees with the spreads" \
	"${CHK[@]}" bench-verdict "$OUT/bench.yaml" 256

# Under injected load (every CPU kept busy, for two minutes at most): the verdict still follows
# the spreads it reports, whatever they are ("no clear winner" exactly when the best two overlap).
burn=()
for _ in $(seq "$(nproc)"); do timeout 120 sh -c 'while :; do :; done' & burn+=($!); done
"$ARMPY" gflops --size 256 --repeat 5 --format yaml >"$OUT/bench-load.yaml" 2>"$OUT/bench-load.err"; rc=$?
kill "${burn[@]}" 2>/dev/null; wait "${burn[@]}" 2>/dev/null
t_check "bench under load exits 0" test "$rc" -eq 0
t_out "bench under load: the verdict agrees with the reported spreads" \
	"${CHK[@]}" bench-verdict "$OUT/bench-load.yaml" 256

# What the machine cannot do is refused (2) with the reason, before any child runs.
"$ARMPY" gflops --threads 100000 >/dev/null 2>"$OUT/bench-threads.err"; rc=$?
t_check "gflops --threads 100000: exit 2 naming the bound" \
	sh -c '[ "$1" -eq 2 ] && grep -q "at most [0-9]* here ([0-9]* per online CPU" "$2"' sh "$rc" "$OUT/bench-threads.err"
"$ARMPY" gflops --size 100000 >/dev/null 2>"$OUT/bench-size.err"; rc=$?
t_check "gflops --size 100000: exit 2 naming the bound" \
	sh -c '[ "$1" -eq 2 ] && grep -q "at most 16384" "$2"' sh "$rc" "$OUT/bench-size.err"

# Libraries that fail, in a root of their own: one aborts in cblas_dgemm, one (naive) works.
# A failed child is a failed row with its size and reason, never N=0 or 0 GFLOPS; with nothing
# measured, exit 1.
FR=$OUT/fakeroot
rm -rf "$FR"; mkdir -p "$FR/usr/lib/$TRIPLET"
if ! command -v cc >/dev/null; then
	t_skip "failing libraries (no C compiler)"
else
	proto='void cblas_dgemm(int o, int ta, int tb, int m, int n, int k, double al, const double *a, int lda, const double *b, int ldb, double be, double *c, int ldc)'
	printf '#include <stdlib.h>\n%s { abort(); }\n' "$proto" >"$FR/crash.c"
	printf '%s {\nfor (int i = 0; i < m; i++) for (int j = 0; j < n; j++) { double s = 0;\nfor (int p = 0; p < k; p++) s += a[i * lda + p] * b[p * ldb + j];\nc[i * ldc + j] = al * s + be * c[i * ldc + j]; } }\n' "$proto" >"$FR/naive.c"
	cc -shared -fPIC -O2 -o "$FR/usr/lib/$TRIPLET/libopenblas-crash.so.0" "$FR/crash.c" &&
	cc -shared -fPIC -O2 -o "$FR/usr/lib/$TRIPLET/libblis-naive.so.4" "$FR/naive.c"
	"$ARMPY" gflops --root "$FR" --size 64 --threads 2 --format yaml >"$OUT/fake.yaml" 2>/dev/null; rc=$?
	"$ARMPY" gflops --root "$FR" --size 64 --threads 2 >"$OUT/fake.txt" 2>/dev/null
	t_check "a library that aborts beside one that works: exit 0" test "$rc" -eq 0
	t_out "the aborting library's rows failed at N=64 with why; the other measured" \
		"${CHK[@]}" bench-verdict "$OUT/fake.yaml" 64
	t_check "the aborting library: two failed rows, each naming the signal" \
		test "$(grep -c "error: the benchmark child was killed by signal" "$OUT/fake.yaml")" -eq 2
	t_check "the text table: no N of 0, no 0.00 GFLOPS" sh -c '! grep -qE " 0 +-$|  0\.00 " "$1"' sh "$OUT/fake.txt"
	rm "$FR/usr/lib/$TRIPLET/libblis-naive.so.4"
	"$ARMPY" gflops --root "$FR" --size 64 --threads 1 >/dev/null 2>"$OUT/fake-none.err"; rc=$?
	t_check "only a library that aborts: exit 1, no measurement succeeded" \
		sh -c '[ "$1" -eq 1 ] && grep -q "no measurement succeeded" "$2"' sh "$rc" "$OUT/fake-none.err"
fi

# OPENBLAS_CORETYPE: the machine's value when it sets one; else, for these commands only, a core
# this CPU can run (x86_64: Haswell with AVX2 and FMA, else Prescott; aarch64: ARMV8).
update-alternatives --set "$ALT" "$OPENBLAS" >/dev/null
CT=() ct=
if [ -n "${OPENBLAS_CORETYPE+set}" ]; then
	ct=$OPENBLAS_CORETYPE
	echo "     OPENBLAS_CORETYPE=$ct (the machine's)"
else
	case $(uname -m) in
	x86_64) if grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then ct=Haswell; else ct=Prescott; fi ;;
	aarch64) ct=ARMV8 ;;
	esac
	[ -n "$ct" ] && CT=(env OPENBLAS_CORETYPE="$ct")
	echo "     OPENBLAS_CORETYPE=${ct:-none} (set for these commands only)"
fi
if [ -z "$ct" ]; then
	t_skip "OPENBLAS_CORETYPE: no core to force on $(uname -m)"
else
	"${CT[@]}" "$ARMPY" validate --python "$PY" --expect openblas --quick >"$OUT/coretype.txt" 2>&1
	agree=1
	for i in 1 2 3; do
		"${CT[@]}" "$ARMPY" validate --python "$PY" --expect openblas --quick --format yaml >"$OUT/coretype-$i.yaml" 2>/dev/null
		"${CT[@]}" "$ARMPY" gflops --size 512 --threads 1 --format yaml >"$OUT/coretype-bench-$i.yaml" 2>&1
		vals=() benches=()
		for j in $(seq 1 "$i"); do vals+=("$OUT/coretype-$j.yaml"); benches+=("$OUT/coretype-bench-$j.yaml"); done
		"${CHK[@]}" agree "${vals[@]}" -- "${benches[@]}" >"$OUT/agree.txt" 2>&1 && { agree=0; break; }
	done
	t_out "OPENBLAS_CORETYPE=$ct: environment names it; blas.kernels is what it forces" \
		"${CT[@]}" "${CHK[@]}" coretype "$OUT/coretype.txt" "$OUT/coretype-1.yaml" "$ct"
	t_out "OPENBLAS_CORETYPE=$ct: the environment check names every variable set" \
		"${CT[@]}" "${CHK[@]}" environment "$OUT/coretype.txt"
	k=$("$PY" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["blas"]["kernels"])' "$OUT/coretype-1.yaml" 2>/dev/null)
	t_out "OPENBLAS_CORETYPE=$ct: bench's OpenBLAS runs the kernels validate saw (${k:-?})" \
		"${CHK[@]}" bench-yaml "$OUT/coretype-bench-1.yaml" --openblas "${k:-?}"
	if [ $agree -eq 0 ]; then t_pass "bench and validate agree within 10% (OpenBLAS, 1 thread, N=512): $(cat "$OUT/agree.txt")"
	else t_fail "bench and validate disagree by more than 10% (OpenBLAS, 1 thread, N=512): $(cat "$OUT/agree.txt")"; fi
fi
restore

"$ARMPY" gflops --size 0 >/dev/null 2>&1; t_check "gflops --size 0 is bad usage (2)" test $? -eq 2
"$ARMPY" validate --expect openblas:pthread >/dev/null 2>&1; t_check "--expect openblas:pthread is bad usage (2)" test $? -eq 2

source "$TOP/tests/validate/threading.sh"

t_summary
