#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/pip/run.sh — armpy's pip route run for real: in a fresh Debian bookworm amd64 chroot per
# BLAS, the plan installs the distro prerequisites with apt, creates the venv, and pip builds
# NumPy from its sdist (BLIS) or from the sdist fallback (OpenBLAS) against a local PEP 503 index
# on 127.0.0.1 made from Debian's packages; armpy validate then names the expected library.
# The index is built once and cached under $ARMPY_TEST_CACHE/pipindex-<key>.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-chroot.sh"
. "$TOP/tests/pip/lib-index.sh"
HERE=$TOP/tests/pip
T_OUT=$TOP/tests/out/pip
T_TIMEOUT=2400
mkdir -p "$T_OUT"
rm -rf "${T_OUT:?}"/*
export ARMPY_STATE_DIR=$T_OUT/state
t0=$(date +%s)

if ! why_not=$(chroot_can_run amd64); then
	t_skip "pip (amd64 chroot): $why_not"; t_summary; exit
fi
[ -x "$ARMPY" ] || { t_fail "pip: no armpy binary at $ARMPY (run make)"; t_summary; exit; }
index_ready || { t_summary; exit; }

trap 'stop_server; chroot_destroy_all' EXIT
index_serve "$T_OUT/server.log" || { t_summary; exit; }
t_pass "index served at $URL"

# profile LIB: this suite's profile for LIB with the index URL.
profile() {
	sed "s|@URL@|$URL|" "$HERE/profiles/pip-$1.yaml" >"$T_OUT/pip-$1.yaml"
	echo "$T_OUT/pip-$1.yaml"
}

# The plan's pip commands name the index: every pip install argv has --index-url URL.
plan_uses_index() { # LIB
	local p
	p=$(profile "$1")
	if logged "plan-$1" "$ARMPY" plan --profile "$p" --root "$R" &&
	    python3 - "$T_OUT/plan-$1.out" "$URL" <<'EOF' >"$T_OUT/plan-$1-pip.out"
import sys, yaml
plan, url = yaml.safe_load(open(sys.argv[1])), sys.argv[2]
pips = [s for s in plan["steps"] if "run" in s and s["run"]["argv"][1:4] == ["-m", "pip", "install"]]
bad = [s["id"] for s in pips if "--index-url" not in s["run"]["argv"] or
       s["run"]["argv"][s["run"]["argv"].index("--index-url") + 1] != url]
if not pips or bad:
    sys.exit(f"pip steps without --index-url {url}: {bad or 'no pip step'}")
print(" ".join(s["id"] for s in pips))
EOF
	then
		t_pass "$1: the plan's pip steps use the index ($(cat "$T_OUT/plan-$1-pip.out"))"
	else
		t_fail "$1: the plan's pip steps do not all use --index-url $URL"; why "plan-$1"
		cat "$T_OUT/plan-$1-pip.out"
	fi
}

VPY=/root/.venvs/armpy/bin/python
# one LIB OTHER: a fresh chroot, the run, and the checks for LIB.
one() {
	local lib=$1 other=$2 s rc p
	chroot_setup "$lib: bookworm amd64 minbase chroot" amd64 python3 ccache || return
	R=$CHROOT_ROOT
	pip_ccache "$R" || { t_fail "$lib: binding the ccache"; return; }
	# This suite's own apt archive cache: the shared one's lock may be held by another suite.
	mkdir -p "$CHROOT_CACHE/apt-pip-amd64/partial"
	umount "$R/var/cache/apt/archives" &&
		mount --bind "$CHROOT_CACHE/apt-pip-amd64" "$R/var/cache/apt/archives" ||
		{ t_fail "$lib: binding the suite's apt archive cache"; return; }
	plan_uses_index "$lib"
	p=$T_OUT/pip-$lib.yaml
	s=$(date +%s)
	t_logged "$lib: armpy --profile pip-$lib.yaml --root CHROOT --yes exits 0" "run-$lib" \
		nice "$ARMPY" --profile "$p" --root "$R" --yes
	echo "     ($lib: the run took $(( $(date +%s) - s ))s)"
	if logged "ver-$lib" in_chroot "$R" "$VPY" -c 'import numpy; print(numpy.__version__)' &&
	    [ "$(cat "$T_OUT/ver-$lib.out")" = "$NUMPY_VERSION" ]; then
		t_pass "$lib: the venv has NumPy $NUMPY_VERSION, the index's sdist"
	else
		t_fail "$lib: the venv's NumPy is not the index's $NUMPY_VERSION"; why "ver-$lib"
	fi
	if grep -q "GET /files/numpy-$NUMPY_VERSION.tar.gz" "$T_OUT/server.log"; then
		t_pass "$lib: pip fetched NumPy's sdist from the index"
	else
		t_fail "$lib: the index server never served numpy-$NUMPY_VERSION.tar.gz"
	fi
	t_logged "$lib: armpy validate --python $VPY --expect $lib --root CHROOT passes" "val-$lib" \
		"$ARMPY" validate --python "$VPY" --expect "$lib" --root "$R" --quick
	logged "val-$lib-wrong" "$ARMPY" validate --python "$VPY" --expect "$other" --root "$R" --quick
	rc=$?
	# exit 1 and a verdict naming both libraries, not a probe that could not run
	if [ $rc -eq 1 ] && grep -qi "$lib" "$T_OUT/val-$lib-wrong.out" &&
	    grep -qi "expected $other\|$other expected\|expect $other" "$T_OUT/val-$lib-wrong.out"; then
		t_pass "$lib: validate --expect $other fails (exit 1), naming $lib"
	else
		t_fail "$lib: validate --expect $other: exit $rc (want 1, naming both)"; why "val-$lib-wrong"
	fi
	chroot_destroy "$(dirname "$R")"
}

one blis openblas
one openblas blis
stop_server
echo "     (pip took $(( $(date +%s) - t0 ))s)"
t_summary
