#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/e2e/run.sh — armpy installs and validates NumPy/SciPy on BLIS and OpenBLAS for real, in a
# fresh Debian bookworm amd64 chroot (the host binary with --root; the chroot's apt does the work).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-chroot.sh"
HERE=$TOP/tests/e2e
PROFILES=$HERE/profiles
T_OUT=$TOP/tests/out/e2e
T_TIMEOUT=1800
mkdir -p "$T_OUT"
rm -f "$T_OUT"/*.out "$T_OUT"/*.err "$T_OUT"/*.log
TRIPLET=x86_64-linux-gnu
t0=$(date +%s)
# The shipped example profiles when present (so they are proven for real), else local copies.
pick() { if [ -f "$TOP/profiles/$1" ]; then echo "$TOP/profiles/$1"; else echo "$PROFILES/$2"; fi; }
BLIS_PROFILE=$(pick devkit-debian-system-blis.yaml debian-system-blis.yaml)
OPENBLAS_PROFILE=$(pick devkit-debian-system-openblas.yaml debian-system-openblas.yaml)
# This suite's runs (journals, `armpy runs`) stay out of the machine's /var/lib/armpy.
export ARMPY_STATE_DIR=$T_OUT/state
rm -rf "$ARMPY_STATE_DIR"

if ! why_not=$(chroot_can_run amd64); then
	t_skip "e2e (amd64 chroot): $why_not"
	t_summary; exit
fi
if [ ! -x "$ARMPY" ]; then
	t_fail "e2e: no armpy binary at $ARMPY (run make)"; t_summary; exit
fi

# The base: minbase + python3 (a server has python3), WITHOUT numpy: the plan must install it.
chroot_setup "bookworm amd64 minbase chroot" amd64 python3 || { t_summary; exit; }
R=$CHROOT_ROOT
tarball=$CHROOT_TARBALL

if in_chroot "$R" python3 -c 'import numpy' 2>/dev/null; then
	t_fail "the base chroot must not have numpy (the plan has to install it)"
else
	t_pass "base chroot has python3 but no numpy"
fi

no_stray_mounts() { # NAME: armpy must unmount what it mounted (proc), even on failure
	local left
	left=$(chroot_stray_mounts "$R")
	if [ -z "$left" ]; then t_pass "$1: no mounts left behind in the chroot"
	else t_fail "$1: mounts left behind: $left"; chroot_umount_stray; fi
}
chroot_umount_stray() {
	local m
	for m in $(chroot_stray_mounts "$R"); do umount "$m" || umount -l "$m"; done
}

# 1. BLIS, SciPy, JSON progress.
s=$(date +%s)
t_logged "armpy --profile $(basename "$BLIS_PROFILE") --root CHROOT --yes --progress json exits 0" blis1 \
	"$ARMPY" --profile "$BLIS_PROFILE" --root "$R" --yes --progress json
echo "     (install took $(( $(date +%s) - s ))s)"
no_stray_mounts "blis install"
expect_blas blis "libblas.so.3 is BLIS's"
if logged import1 in_chroot "$R" python3 -c 'import numpy, scipy; print(numpy.__version__, scipy.__version__)'; then
	t_pass "python3 -c 'import numpy, scipy' works in the chroot ($(cat "$T_OUT/import1.out"))"
else
	t_fail "python3 -c 'import numpy, scipy' in the chroot"; why import1
fi
if logged json1 python3 "$HERE/progress.py" parse "$T_OUT/blis1.out"; then
	t_pass "JSON progress: every line parses; step_start/step_end/run_end present ($(cat "$T_OUT/json1.out"))"
else
	t_fail "JSON progress stream"; why json1
fi

# 2. The same profile again: nothing left to do.
t_logged "same profile again exits 0" blis2 \
	"$ARMPY" --profile "$BLIS_PROFILE" --root "$R" --yes --progress json
if logged sat2 python3 "$HERE/progress.py" satisfied "$T_OUT/blis2.out"; then
	t_pass "second run: every step already satisfied ($(cat "$T_OUT/sat2.out"))"
else
	t_fail "second run: every step should be already satisfied"; why sat2 20
fi
t_logged "same profile again, text progress, exits 0" blis3 \
	"$ARMPY" --profile "$BLIS_PROFILE" --root "$R" --yes --progress text
if grep -q 'already satisfied' "$T_OUT/blis3.out" "$T_OUT/blis3.err"; then
	t_pass "text progress says 'already satisfied'"
else
	t_fail "text progress of a no-op run does not say 'already satisfied'"; why blis3
fi

# numpy.show_config() under BLIS, for the byte-identical evidence below.
logged showcfg-blis in_chroot "$R" python3 -c 'import numpy; numpy.show_config()'

# 3. Switch to OpenBLAS.
t_logged "armpy --profile $(basename "$OPENBLAS_PROFILE") --root CHROOT --yes exits 0" openblas1 \
	"$ARMPY" --profile "$OPENBLAS_PROFILE" --root "$R" --yes
no_stray_mounts "openblas switch"
expect_blas openblas "the alternative moved to OpenBLAS"
logged showcfg-openblas in_chroot "$R" python3 -c 'import numpy; numpy.show_config()'

# validate_checks NAME LIB [REPORT.PY OPTIONS]: the YAML report of `validate --format yaml` names
# LIB for BLAS, OpenBLAS for LAPACK, and has correctness and GFLOPS.
validate_checks() {
	local name=$1 lib=$2; shift 2
	if logged "$name-y" python3 "$HERE/report.py" "$T_OUT/$name.out" "$lib" --lapack openblas --native "$@"; then
		t_pass "validate report ($lib): $(cat "$T_OUT/$name-y.out")"
	else
		t_fail "validate report ($lib)"; why "$name-y" 20
	fi
}

t_logged "validate --root CHROOT --expect openblas --quick passes" val-ob \
	"$ARMPY" validate --root "$R" --expect openblas --quick --format yaml
validate_checks val-ob openblas --kernels --corename
logged val-ob-wrong "$ARMPY" validate --root "$R" --expect blis --quick
rc=$?
if [ $rc -eq 1 ] && grep -qi openblas "$T_OUT/val-ob-wrong.out" "$T_OUT/val-ob-wrong.err" &&
    grep -qi blis "$T_OUT/val-ob-wrong.out" "$T_OUT/val-ob-wrong.err"; then
	t_pass "validate --expect blis under OpenBLAS exits 1 naming both libraries"
else
	t_fail "validate --expect blis under OpenBLAS: exit $rc (want 1, naming openblas and blis)"
	why val-ob-wrong
fi

# 4. Back to BLIS.
t_logged "switch back to BLIS exits 0" blis4 \
	"$ARMPY" --profile "$BLIS_PROFILE" --root "$R" --yes
expect_blas blis "the alternative moved back to BLIS"
# Which kernels BLIS runs here, whatever the CPU: BLIS's own answer inside the chroot (ctypes),
# and the BLIS config armpy detects for this CPU. Generic ones must be a WARN naming a remedy.
if blis_says "$R" "$TRIPLET"; then
	t_pass "BLIS in the chroot says it runs its $BLIS_WORD kernels on this CPU"
else
	t_fail "asking the chroot's BLIS which kernels it runs (tests/e2e/blisarch.py)"
fi
expected=$("$ARMPY" detect --root "$R" 2>/dev/null | python3 -c 'import sys, yaml
print((yaml.safe_load(sys.stdin).get("cpu") or {}).get("blis_config") or "")')
kchk=(--expected "$expected" --known "$BLIS_KNOWN")
# t_kernels NAME LOG: the one blis-kernels line in a text report (or a run's progress) agrees.
t_kernels() {
	if logged "$2-k" python3 "$HERE/kernels.py" text "$T_OUT/$2.out" "${BLIS_WORD:-?}" "${kchk[@]}"; then
		t_pass "$1: $(cat "$T_OUT/$2-k.out")"
	else
		t_fail "$1 (BLIS says ${BLIS_WORD:-?}; armpy detects '$expected')"; why "$2-k" 5
	fi
}
# The run's validation step writes its report to the run's log (the newest in this suite's state).
cp "$(ls -t "$ARMPY_STATE_DIR"/runs/*/log | head -1)" "$T_OUT/blis4-log.out" 2>/dev/null
t_kernels "the profile run's validation (its log): blis-kernels" blis4-log
t_logged "validate --root CHROOT --expect blis --quick passes" val-bl \
	"$ARMPY" validate --root "$R" --expect blis --quick --format yaml
validate_checks val-bl blis --blis-kernels "${BLIS_WORD:-?}" "${kchk[@]}"
logged val-bl-wrong "$ARMPY" validate --root "$R" --expect openblas --quick
rc=$?
if [ $rc -eq 1 ]; then
	t_pass "validate --expect openblas under BLIS exits 1"
else
	t_fail "validate --expect openblas under BLIS: exit $rc (want 1)"; why val-bl-wrong
fi
t_kernels "validate text report: blis-kernels" val-bl-wrong

# --root validates what a login there gets: the thread settings armpy wrote to profile.d apply
# (and are named), unless --no-login-env; a symlink out of the root is resolved inside it.
PD=$R/etc/profile.d/armpy-blas.sh
logged val-login env -u BLIS_NUM_THREADS -u OMP_NUM_THREADS "$ARMPY" validate --root "$R" --quick
if grep -q "^export BLIS_NUM_THREADS=" "$PD" &&
    grep -qE "^(INFO|WARN)  environment .*applied the settings a login there gets, from $R/etc/profile.d/armpy-blas.sh: .*BLIS_NUM_THREADS=" "$T_OUT/val-login.out" &&
    ! grep -q "BLIS runs single-threaded" "$T_OUT/val-login.out"; then
	t_pass "validate --root applies the root's profile.d thread settings and says so"
else
	t_fail "validate --root: profile.d settings not applied or not named"; why val-login 8
fi
logged val-nologin env -u BLIS_NUM_THREADS -u OMP_NUM_THREADS "$ARMPY" validate --root "$R" --quick --no-login-env
if grep -q "BLIS runs single-threaded" "$T_OUT/val-nologin.out" && ! grep -q "applied the settings" "$T_OUT/val-nologin.out"; then
	t_pass "validate --root --no-login-env: the settings are not applied"
else
	t_fail "validate --root --no-login-env"; why val-nologin 8
fi
cp -a "$PD" "$T_OUT/armpy-blas.sh.keep"
printf 'export BLIS_NUM_THREADS=7\n' >"$T_OUT/outside.sh"
ln -sf "$T_OUT/outside.sh" "$PD"       # absolute: inside the root it names a missing file
logged val-escape env -u BLIS_NUM_THREADS -u OMP_NUM_THREADS "$ARMPY" validate --root "$R" --quick
if ! grep -q "BLIS_NUM_THREADS=7" "$T_OUT/val-escape.out"; then
	t_pass "validate --root: a profile.d symlink out of the root is not followed out"
else
	t_fail "validate --root read a file outside the root"; why val-escape 8
fi
# Where openat2 is missing, the walk keeps the same boundary (ARMPY_RESOLVE=walk forces it).
logged val-escape-walk env -u BLIS_NUM_THREADS -u OMP_NUM_THREADS ARMPY_RESOLVE=walk "$ARMPY" validate --root "$R" --quick
if ! grep -q "BLIS_NUM_THREADS=7" "$T_OUT/val-escape-walk.out"; then
	t_pass "validate --root (walk): a profile.d symlink out of the root is not followed out"
else
	t_fail "validate --root (walk) read a file outside the root"; why val-escape-walk 8
fi
ln -sf /etc/profile.d/armpy-blas.sh.real "$PD"   # absolute: resolved inside the root
cp -a "$T_OUT/armpy-blas.sh.keep" "$R/etc/profile.d/armpy-blas.sh.real"
logged val-login-walk env -u BLIS_NUM_THREADS -u OMP_NUM_THREADS ARMPY_RESOLVE=walk "$ARMPY" validate --root "$R" --quick
if grep -qE "applied the settings a login there gets, from $R/etc/profile.d/armpy-blas.sh: .*BLIS_NUM_THREADS=" "$T_OUT/val-login-walk.out"; then
	t_pass "validate --root (walk): an absolute profile.d symlink is followed inside the root"
else
	t_fail "validate --root (walk): profile.d settings through a symlink inside the root not applied"; why val-login-walk 8
fi
rm -f "$PD" "$R/etc/profile.d/armpy-blas.sh.real"
rm -f "$PD"; cp -a "$T_OUT/armpy-blas.sh.keep" "$PD"

t_logged "gflops --root CHROOT runs" bench "$ARMPY" gflops --root "$R"
if grep -qi blis "$T_OUT/bench.out" && grep -qi openblas "$T_OUT/bench.out"; then
	t_pass "bench lists both BLIS and OpenBLAS"
else
	t_fail "bench should list both BLIS and OpenBLAS"; why bench
fi
if logged bench-k python3 "$TOP/tests/validate/checks.py" bench-text "$T_OUT/bench.out" --blis "${BLIS_WORD:-?}"; then
	t_pass "bench: every BLIS row runs the kernels BLIS names ($(cat "$T_OUT/bench-k.out"))"
else
	t_fail "bench: BLIS rows' kernels (BLIS says ${BLIS_WORD:-?})"; why bench-k 5
fi

# The threading chosen is the threading that runs (tests/e2e/threading.sh).
source "$HERE/threading.sh"

# 5. The README's evidence: show_config() cannot tell the alternatives apart.
if [ -s "$T_OUT/showcfg-blis.out" ] && cmp -s "$T_OUT/showcfg-blis.out" "$T_OUT/showcfg-openblas.out"; then
	t_pass "numpy.show_config() is byte-identical under BLIS and OpenBLAS (why armpy validate exists)"
else
	t_fail "numpy.show_config() output differs between the alternatives (or is empty): update the README"
	diff "$T_OUT/showcfg-blis.out" "$T_OUT/showcfg-openblas.out" | head -20 | sed 's/^/    /'
fi

# 6. SIGHUP: a run whose terminal goes away (setsid + pty closed) must finish.
chroot_new "$tarball" amd64 || { t_fail "unpacking a second chroot"; t_summary; exit; }
R2=$CHROOT_ROOT
logged runs-before "$ARMPY" runs
logged hup python3 "$HERE/hup.py" "[1/" 1800 "$T_OUT/hup-pty.log" \
	"$ARMPY" --profile "$PROFILES/debian-system-openblas-noscipy.yaml" --root "$R2" --yes
rc=$?
if [ $rc -eq 0 ]; then
	t_pass "a run whose pty was closed after its first step started finished with exit 0"
else
	t_fail "run after the pty closed: exit $rc (125: no '[1/' progress line seen)"
	sed 's/^/    | /' "$T_OUT/hup-pty.log" | tail -15
fi
if in_chroot "$R2" python3 -c 'import numpy' 2>/dev/null; then
	t_pass "after the hang-up, numpy is installed in the second chroot"
else
	t_fail "after the hang-up, numpy is not installed in the second chroot"
fi
logged runs-after "$ARMPY" runs
new=$(grep -vxFf "$T_OUT/runs-before.out" "$T_OUT/runs-after.out" | grep 'e2e-debian-system-openblas-noscipy' || true)
if [ -n "$new" ] && ! grep -qiE 'fail|interrupt|running' <<<"$new" && grep -qiE 'ok|done|complete|succe' <<<"$new"; then
	t_pass "armpy runs shows the hung-up run as finished: $new"
else
	t_fail "armpy runs should show the hung-up run as finished; new lines: '${new:-none}'"; why runs-after
fi
left=$(chroot_mounts "$R2" | grep -vx "$(realpath "$R2")/var/cache/apt/archives")
[ -z "$left" ] && t_pass "hang-up run: no mounts left behind" || t_fail "hang-up run left mounts: $left"

dirs=("${CHROOT_DIRS[@]}")
chroot_destroy_all
gone=1
for d in "${dirs[@]}"; do [ -e "$d" ] && gone=0; done
if [ $gone -eq 1 ]; then t_pass "cleanup: chroots unmounted and removed"
else t_fail "cleanup: a chroot could not be removed (mounts remain?)"; fi
echo "     (e2e took $(( $(date +%s) - t0 ))s)"
t_summary
