#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/thorough/run.sh — armpy validate --thorough against this host's Debian NumPy and SciPy:
# their own linalg suites pass on OpenBLAS; a libblas.so.3 that returns wrong dgemm results
# (built here, loaded by ld.so through LD_LIBRARY_PATH given with --env) fails them, naming the
# tests; a Python without pytest is told how to get it and nothing is installed; a test that
# hangs is killed with its process group at --thorough-timeout, and on SIGTERM of armpy.
set -uo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$TOP"
OUT=$TOP/tests/out/thorough
rm -rf "$OUT"
mkdir -p "$OUT"
PY=/usr/bin/python3          # not pyenv's python3 that may be first on PATH
TRIPLET=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -dumpmachine)
ALT=libblas.so.3-$TRIPLET
LAPACK_ALT=liblapack.so.3-$TRIPLET
OPENBLAS=/usr/lib/$TRIPLET/openblas-pthread/libblas.so.3
OB_LAPACK=/usr/lib/$TRIPLET/openblas-pthread/liblapack.so.3
OB_SO=/usr/lib/$TRIPLET/openblas-pthread/libopenblas.so.0

if [ "$(id -u)" -ne 0 ]; then t_skip "thorough suite needs root (update-alternatives)"; t_summary; exit; fi
for f in "$OPENBLAS" "$OB_LAPACK" "$OB_SO"; do
	[ -e "$f" ] || { t_fail "missing $f: install scripts/deps/test-validate.apt.txt"; t_summary; exit 1; }
done
"$PY" -c 'import numpy, scipy, pytest, hypothesis, yaml' 2>/dev/null ||
	{ t_fail "$PY lacks numpy/scipy/pytest/hypothesis/yaml: install scripts/deps/test-validate.apt.txt"; t_summary; exit 1; }

# The BLAS alternatives are the machine's: OpenBLAS's pthread build for the suite, put back at exit.
t_alt_save "$ALT" "$LAPACK_ALT" || { t_fail "the alternatives lock"; t_summary; exit 1; }
trap t_alt_restore EXIT
update-alternatives --set "$ALT" "$OPENBLAS" >/dev/null
update-alternatives --set "$LAPACK_ALT" "$OB_LAPACK" >/dev/null

# ythorough YAML EXPR: EXPR (Python) over the report's upstream_tests as u; prints it, exit 0 if true.
ythorough() {
	"$PY" - "$1" "$2" <<'EOF'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
u = d.get("upstream_tests") or {}
s = {x["name"]: x for x in u.get("suites") or []}
ok = eval("(" + sys.argv[2] + ")", {"u": u, "s": s, "d": d})
print(u.get("status"), {k: (v.get("status"), v.get("passed"), v.get("failed")) for k, v in s.items()})
sys.exit(0 if ok else 1)
EOF
}
# private directories of armpy's left in /tmp (each run removes its own)
leftovers() { find /tmp -maxdepth 1 -name 'armpy-thorough.*' -newer "$OUT/start" 2>/dev/null; }
touch "$OUT/start"

# ---- 1. the host's NumPy and SciPy on OpenBLAS: upstream's own suites pass
if t_section "1. OpenBLAS: numpy.linalg and scipy.linalg pass"; then
	S=$SECONDS
	"$ARMPY" validate --python "$PY" --quick --thorough --format yaml >"$OUT/openblas.yaml" 2>"$OUT/openblas.err"; rc=$?
	T=$((SECONDS - S))
	t_check "OpenBLAS: validate --thorough exits 0 (${T} s)" test "$rc" -eq 0
	t_check "OpenBLAS: both suites passed, tests counted, none failed" ythorough "$OUT/openblas.yaml" \
		'u["status"] == "passed" and all(s[n]["status"] == "passed" and s[n]["passed"] > 0 and
		 s[n]["failed"] == 0 and s[n]["errors"] == 0 and s[n]["counted_from"] == "junit"
		 for n in ("numpy.linalg", "scipy.linalg"))'
	t_check "OpenBLAS: the report names the BLAS the probe found (OpenBLAS's pthread build)" ythorough \
		"$OUT/openblas.yaml" 'u["blas_path"] == d["blas"]["path"] and "openblas-pthread" in u["blas_path"]'
	t_check "OpenBLAS: the upstream-tests check passed" ythorough "$OUT/openblas.yaml" \
		'[c["verdict"] for c in d["checks"] if c["name"] == "upstream-tests"] == ["PASS"]'
fi

# ---- 2. a BLAS that returns garbage: the fault --thorough is for
if t_section "2. garbage BLAS fails numpy.linalg's tests"; then
	G=$OUT/garbage
	mkdir -p "$G"
	if ! cc -shared -fPIC -O2 -o "$G/libblas.so.3" -Wl,-soname,libblas.so.3 \
	    tests/thorough/garbage-blas.c -Wl,--no-as-needed "$OB_SO" -ldl 2>"$OUT/cc.err"; then
		t_fail "building the garbage libblas.so.3"; sed 's/^/    /' "$OUT/cc.err"
	else
		K='TestSolve or TestInv or TestMultiDot'
		"$ARMPY" validate --python "$PY" --quick --thorough-suite numpy --thorough-k "$K" \
			--env LD_LIBRARY_PATH="$G" >"$OUT/garbage.txt" 2>&1; rc=$?
		"$ARMPY" validate --python "$PY" --quick --thorough-suite numpy --thorough-k "$K" \
			--env LD_LIBRARY_PATH="$G" --format yaml >"$OUT/garbage.yaml" 2>"$OUT/garbage.err"
		"$ARMPY" validate --python "$PY" --quick --thorough-suite numpy --thorough-k "$K" \
			--env LD_LIBRARY_PATH="$G" --format html >"$OUT/garbage.html" 2>"$OUT/garbage.html.err"
		t_check "garbage BLAS: validate --thorough exits 1" test "$rc" -eq 1
		t_check "garbage BLAS: ld.so loaded it (the probe names it as the BLAS)" ythorough \
			"$OUT/garbage.yaml" 'u["blas_path"] == "'"$G"'/libblas.so.3"'
		t_check "garbage BLAS: numpy.linalg failed, failures counted, ids kept" ythorough "$OUT/garbage.yaml" \
			's["numpy.linalg"]["status"] == "failed" and s["numpy.linalg"]["failed"] > 0 and
			 all(i.startswith("numpy.linalg.tests.") for i in s["numpy.linalg"]["failing"]) and
			 len(s["numpy.linalg"]["failing"]) > 0 and u["keyword"] == "'"$K"'"'
		t_check "garbage BLAS: the FAIL line names failing numpy.linalg tests" \
			grep -qE '^FAIL  upstream-tests +numpy\.linalg [0-9]+ failed.*failing: numpy\.linalg\.tests\.test_linalg\.Test' "$OUT/garbage.txt"
		t_check "garbage BLAS: the page's Upstream tests section says failed" \
			grep -q 'id="upstream"><h2>Upstream tests[^<]*<span class="verdict fail">failed' "$OUT/garbage.html"
	fi
fi

# ---- 3. no pytest there: said how to get it, nothing installed
if t_section "3. a Python without pytest"; then
	V=$OUT/nopytest
	"$PY" -m venv --without-pip "$V" &&
	SP=$("$V/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))') &&
	ln -s "$("$PY" -c 'import numpy, os; print(os.path.dirname(numpy.__file__))')" "$SP/numpy"
	before=$(cd "$V" && find . | sort | md5sum)
	"$ARMPY" validate --python "$V/bin/python" --quick --thorough >"$OUT/nopytest.txt" 2>&1; rc=$?
	t_check "no pytest: validate --thorough exits 1 (asked for, not run)" test "$rc" -eq 1
	t_check "no pytest: says pytest does not import and how to get it" grep -qE \
		'^FAIL  upstream-tests +numpy\.linalg not_run \(pytest does not import under .*python3-pytest, or pip install pytest in the venv\); armpy installs nothing' "$OUT/nopytest.txt"
	t_check "no pytest: nothing was installed in the venv" test "$before" = "$(cd "$V" && find . | sort | md5sum)"
	t_check "no pytest: the other checks still ran and passed" grep -q '^PASS  dgemm-correctness' "$OUT/nopytest.txt"
fi

# A NumPy whose linalg tests are one that starts a child and hangs: a venv over the system's
# site-packages with a numpy/ of symlinks to the real one's files, its linalg/tests/ our own.
hanging_numpy() { # VENV [empty: no test in it]
	local v=$1 np sp e
	np=$("$PY" -c 'import numpy, os; print(os.path.dirname(numpy.__file__))')
	"$PY" -m venv --without-pip --system-site-packages "$v" || return 1
	sp=$("$v/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))') || return 1
	mkdir -p "$sp/numpy/linalg/tests"
	for e in "$np"/*; do [ "${e##*/}" = linalg ] || ln -s "$e" "$sp/numpy/"; done
	for e in "$np"/linalg/*; do [ "${e##*/}" = tests ] || ln -s "$e" "$sp/numpy/linalg/"; done
	: >"$sp/numpy/linalg/tests/__init__.py"
	[ "${2:-}" = empty ] && return 0
	cat >"$sp/numpy/linalg/tests/test_hang.py" <<'EOF'
import os, subprocess, time
def test_hangs():
    child = subprocess.Popen(["sleep", "600"])
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "child.pid"), "w") as f:
        f.write("%d\n" % child.pid)
    time.sleep(600)
EOF
	echo "$sp/numpy/linalg/tests/child.pid"
}
# alive PID: a process PID still runs sleep 600
alive() { [ -n "$1" ] && tr "\0" " " 2>/dev/null <"/proc/$1/cmdline" | grep -q '^sleep 600'; }

# ---- 4. a hanging test: killed with its children at the deadline
if t_section "4. --thorough-timeout kills the tests' process group"; then
	if ! PIDF=$(hanging_numpy "$OUT/hang"); then t_fail "timeout: making the hanging numpy"
	else
		S=$SECONDS
		"$ARMPY" validate --python "$OUT/hang/bin/python" --quick --thorough-suite numpy \
			--thorough-timeout 20 --format yaml >"$OUT/hang.yaml" 2>"$OUT/hang.err"; rc=$?
		T=$((SECONDS - S))
		pid=$(cat "$PIDF" 2>/dev/null)
		t_check "timeout: exits 1 within the probe's time and the limit (${T} s)" test "$rc" -eq 1 -a "$T" -lt 300
		t_check "timeout: the hanging test had started a child" test -n "$pid"
		t_check "timeout: that child was killed with the group" sh -c '! { sleep 1; [ -d /proc/$0 ] && tr "\0" " " </proc/$0/cmdline | grep -q "^sleep 600"; }' "${pid:-0}"
		t_check "timeout: reported as timeout, with the limit" ythorough "$OUT/hang.yaml" \
			'u["status"] == "timeout" and s["numpy.linalg"]["status"] == "timeout" and u["timeout"] == 20 and
			 "--thorough-timeout 20" in s["numpy.linalg"]["reason"]'
		alive "$pid" && kill "$pid"
	fi
fi

# ---- 5. SIGTERM to armpy: the tests' group killed, armpy dies of SIGTERM
if t_section "5. SIGTERM kills the tests and armpy"; then
	[ -x "$OUT/hang/bin/python" ] || hanging_numpy "$OUT/hang" >/dev/null || t_fail "SIGTERM: making the hanging numpy"
	PIDF=$(echo "$OUT"/hang/lib/python3*/site-packages/numpy/linalg/tests)/child.pid
	rm -f "$PIDF"
	"$ARMPY" validate --python "$OUT/hang/bin/python" --quick --thorough-suite numpy \
		>"$OUT/term.txt" 2>&1 &
	apid=$!
	for _ in $(seq 1 300); do [ -s "$PIDF" ] && break; sleep 0.5; done
	pid=$(cat "$PIDF" 2>/dev/null)
	kill -TERM "$apid"
	wait "$apid"; rc=$?
	t_check "SIGTERM: armpy dies of SIGTERM (exit $rc)" test "$rc" -eq 143
	t_check "SIGTERM: the test's child was started and is gone" sh -c '[ -n "$0" ] && ! { sleep 1; [ -d /proc/$0 ] && tr "\0" " " </proc/$0/cmdline | grep -q "^sleep 600"; }' "${pid:-}"
	t_check "SIGTERM: the report came out first, saying interrupted" grep -qE '^FAIL  upstream-tests +numpy\.linalg interrupted' "$OUT/term.txt"
	alive "$pid" && kill "$pid"
fi

# ---- 6. a NumPy installed without its tests: not run, said why, a failure
if t_section "6. a NumPy without its tests"; then
	if ! hanging_numpy "$OUT/notests" empty; then t_fail "no tests: making the venv"
	else
		"$ARMPY" validate --python "$OUT/notests/bin/python" --quick --thorough-suite numpy \
			--format yaml >"$OUT/notests.yaml" 2>"$OUT/notests.err"; rc=$?
		t_check "no tests: exits 1" test "$rc" -eq 1
		t_check "no tests: not_run, saying it was installed without its tests" ythorough "$OUT/notests.yaml" \
			's["numpy.linalg"]["status"] == "not_run" and "without its tests" in s["numpy.linalg"]["reason"]
			 and s["numpy.linalg"]["exit_code"] == 5'
	fi
fi

# ---- 7. progress: on a terminal only
if t_section "7. progress on a terminal"; then
	script -qfec "$(printf '%q ' "$ARMPY" validate --python "$PY" --quick --thorough-suite numpy --thorough-k TestSolve)" \
		"$OUT/tty.typescript" >/dev/null 2>&1; rc=$?
	t_check "terminal: exits 0" test "$rc" -eq 0
	t_check "terminal: stderr shows the tests done and the time, in place" \
		grep -aqE $'\r\e\\[Knumpy\\.linalg: [0-9]+ tests done, [0-9]+:[0-5][0-9] elapsed' "$OUT/tty.typescript"
	"$ARMPY" validate --python "$PY" --quick --thorough-suite numpy --thorough-k TestSolve >"$OUT/notty.txt" 2>&1
	t_check "not a terminal: no progress line" sh -c '! grep -q "tests done" "$0"' "$OUT/notty.txt"
fi

# ---- 8. --root: a throwaway root of this machine's /usr and /etc (read-only bind mounts in a
# mount namespace of the test's own, so the host's mounts are untouched), its /tmp the root's own
if t_section "8. --root: the suites run inside the root"; then
	R=$OUT/root
	mkdir -p "$R/usr" "$R/etc" "$R/dev" "$R/proc" "$R/root" "$OUT/outside"
	for d in lib lib64 bin sbin; do ln -s "usr/$d" "$R/$d"; done
	in_root() { # TMP-SETUP: runs armpy validate --root R ... in a private mount namespace
		rm -rf "$R/tmp" "${R:?}${OUT%%/tests/*}" "$R/nowhere"
		eval "$1"
		unshare -m --propagation private sh -c 'for d in usr etc; do mount --bind "/$d" "$0/$d" &&
			mount -o remount,bind,ro "$0/$d" || exit 99; done; mount --bind /dev "$0/dev" || exit 99
			exec "$@"' "$R" "$ARMPY" validate --root "$R" --python "$PY" --quick \
			--thorough-suite numpy --thorough-k TestSolve --format yaml
	}
	in_root 'mkdir -m 1777 "$R/tmp"' >"$OUT/root.yaml" 2>"$OUT/root.err"; rc=$?
	t_check "--root: exits 0" test "$rc" -eq 0
	t_check "--root: tests ran there, counted from the JUnit file written inside the root" ythorough "$OUT/root.yaml" \
		's["numpy.linalg"]["status"] == "passed" and s["numpy.linalg"]["passed"] > 0 and
		 s["numpy.linalg"]["counted_from"] == "junit"'
	t_check "--root: its private directory in the root's /tmp is gone" test -z "$(ls -A "$R/tmp")"
	# a root whose /tmp is a symlink to an absolute path that is a directory both on the host and
	# in the root: resolved inside the root, as the chrooted tests see it
	in_root 'ln -s "$OUT/outside" "$R/tmp"; mkdir -p "$R$OUT/outside"' >"$OUT/root-link.yaml" 2>"$OUT/root-link.err"; rc=$?
	t_check "--root, /tmp a symlink: the tests run in the root's directory it names (exit $rc)" ythorough \
		"$OUT/root-link.yaml" 's["numpy.linalg"]["status"] == "passed" and s["numpy.linalg"]["counted_from"] == "junit"'
	t_check "--root, /tmp a symlink: nothing made in the host's directory of that name" \
		test -z "$(ls -A "$OUT/outside")"
	t_check "--root, /tmp a symlink: what was made in the root is removed" test -z "$(ls -A "$R$OUT/outside")"
	# dangling there: refused, not made through it
	in_root 'ln -s /nowhere "$R/tmp"' >"$OUT/root-dangling.yaml" 2>"$OUT/root-dangling.err"; rc=$?
	t_check "--root, /tmp dangling: exits 1, upstream-tests not run, saying why" ythorough "$OUT/root-dangling.yaml" \
		'[(c["verdict"], c["detail"].startswith("not run: ") and "/tmp" in c["detail"])
		  for c in d["checks"] if c["name"] == "upstream-tests"] == [("FAIL", True)] and '"$rc"' == 1'
	cat "$OUT/root-dangling.err"
	t_check "--root, /tmp dangling: nothing made at /nowhere, in the root or here" \
		test ! -e "$R/nowhere" -a ! -e /nowhere
fi

# ---- 9. the garbage BLAS as the root's libblas.so.3 alternative: a root of this machine's /usr
# (read-only) with a copy of its /etc, whose alternatives link names the garbage library, as
# `update-alternatives --set` would; ld.so finds it by the ordinary path (ld.so.cache, the
# /usr/lib symlink, /etc/alternatives), nothing in the environment
if t_section "9. garbage BLAS as the root's alternative"; then
	R2=$OUT/root-alt
	rm -rf "$R2"
	mkdir -p "$R2/usr" "$R2/dev" "$R2/proc" "$R2/root" "$R2/opt/garbage" "$R2/tmp"
	chmod 1777 "$R2/tmp"
	for d in lib lib64 bin sbin; do ln -s "usr/$d" "$R2/$d"; done
	cp -a /etc "$R2/etc"
	if ! cc -shared -fPIC -O2 -o "$R2/opt/garbage/libblas.so.3" -Wl,-soname,libblas.so.3 \
	    tests/thorough/garbage-blas.c -Wl,--no-as-needed "$OB_SO" -ldl 2>"$OUT/cc2.err"; then
		t_fail "alternative: building the garbage libblas.so.3"
	else
		ln -sfn /opt/garbage/libblas.so.3 "$R2/etc/alternatives/$ALT"
		unshare -m --propagation private sh -c 'mount --bind /usr "$0/usr" &&
			mount -o remount,bind,ro "$0/usr" && mount --bind /dev "$0/dev" || exit 99
			exec "$@"' "$R2" "$ARMPY" validate --root "$R2" --python "$PY" --quick \
			--thorough-suite numpy --thorough-k 'TestSolve or TestInv or TestMultiDot' \
			--format yaml >"$OUT/root-alt.yaml" 2>"$OUT/root-alt.err"; rc=$?
		t_check "alternative: validate --thorough exits 1" test "$rc" -eq 1
		t_check "alternative: the probe names the garbage library through the alternative" ythorough \
			"$OUT/root-alt.yaml" 'u["blas_path"] == "/opt/garbage/libblas.so.3"'
		t_check "alternative: numpy.linalg's tests failed, named" ythorough "$OUT/root-alt.yaml" \
			's["numpy.linalg"]["status"] == "failed" and s["numpy.linalg"]["failed"] > 0 and
			 s["numpy.linalg"]["failing"][0].startswith("numpy.linalg.tests.test_linalg.Test")'
		t_check "alternative: nothing left in the root's /tmp" test -z "$(ls -A "$R2/tmp")"
	fi
fi

t_check "each run removed its private directory in /tmp" test -z "$(leftovers)"
for k in -p --pdb 'a;b' '$(id)'; do
	t_check "bad -k '$k': refused before anything runs (exit 2)" sh -c '"$0" validate --thorough-k="$1" >/dev/null 2>&1; [ $? -eq 2 ]' "$ARMPY" "$k"
done
t_summary
