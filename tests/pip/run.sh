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
HERE=$TOP/tests/pip
T_OUT=$TOP/tests/out/pip
T_TIMEOUT=2400
mkdir -p "$T_OUT"
rm -rf "${T_OUT:?}"/*
export ARMPY_STATE_DIR=$T_OUT/state
t0=$(date +%s)

# What the index holds, by Debian version. NumPy's sdist is trixie's source (NumPy 2.x, meson);
# pip, setuptools and wheel are bookworm's python3-*-whl (the chroot's release); the build
# requirements NumPy's pyproject.toml and meson-python ask for are trixie's packages. Trixie's
# pip too: the plan's BLIS build needs pip >= 23.1 (repeated -Csetup-args), bookworm has 23.0.1.
NUMPY_SRC=1:2.2.4+ds-1
NUMPY_VERSION=2.2.4
WHL_DEBS=(python3-pip-whl=23.0.1+dfsg-1 python3-pip-whl=25.1.1+dfsg-1 python3-setuptools-whl=66.1.1-1+deb12u2
	python3-wheel-whl=0.38.4-2)
# package=version [pure]: a wheel of what the package installs (pure: compiled modules dropped)
REQ_DEBS=(python3-mesonpy=0.17.1-1 meson=1.7.0-1 python3-pyproject-metadata=0.9.1-1
	python3-packaging=25.0-1 "cython3=3.0.11+dfsg-2+b1 pure")
INDEX_RECIPE=2
MIRROR=$CHROOT_MIRROR          # this machine's apt sources (tests/lib.sh apt_mirror)
ALT_POOL=${ARMPY_TEST_ALT_POOL:-http://archive.ubuntu.com/ubuntu/pool}
APTST=$CHROOT_CACHE/aptsrc-pip
APTO=(-o "Dir::Etc::SourceList=$APTST/sources.list" -o Dir::Etc::SourceParts=/nonexistent
	-o "Dir::State::Lists=$APTST/lists" -o "Dir::Cache=$APTST/cache"
	-o Acquire::Check-Valid-Until=false -o APT::Sandbox::User=root -o APT::Architecture=amd64)
KEY=$({ echo "$INDEX_RECIPE $NUMPY_SRC"; printf '%s\n' "${WHL_DEBS[@]}" "${REQ_DEBS[@]}"; } |
	sha256sum | cut -c1-16)
INDEX=$CHROOT_CACHE/pipindex-$KEY
CCACHE=$CHROOT_CACHE/pip-ccache

# fetch_orig SRC=VER DIR: the orig tarball into DIR, checked against the sha256 of apt's signed
# Sources index; from the Debian mirror, else Ubuntu's pool (same file, same hash).
fetch_orig() {
	local line url file sha name=${1%%=*} u
	line=$(cd "$2" && apt-get "${APTO[@]}" source --print-uris --tar-only "$1" 2>>"$T_OUT/index.log" | grep "^'" | head -1)
	url=$(echo "$line" | cut -d"'" -f2) file=$(echo "$line" | awk '{print $2}')
	sha=$(echo "$line" | sed -n 's/.*SHA256:\([0-9a-f]*\).*/\1/p')
	[ -n "$file" ] && [ -n "$sha" ] || return 1
	for u in "$url" "$ALT_POOL/main/${name:0:1}/$name/$file" "$ALT_POOL/universe/${name:0:1}/$name/$file"; do
		curl -fsSL --max-time 600 -o "$2/$file" "$u" 2>>"$T_OUT/index.log" || continue
		[ "$(sha256sum "$2/$file" | cut -d' ' -f1)" = "$sha" ] && { echo "$2/$file"; return 0; }
		echo "$u: sha256 differs from the Sources index" >>"$T_OUT/index.log"
	done
	return 1
}

# index_build DIR: the index's files and PEP 503 pages (DIR/files, DIR/simple).
index_build() {
	local out=$1 w d spec pure tb
	w=$(mktemp -d "$CHROOT_TMP/armpy-pipindex.XXXXXX") || return 1
	mkdir -p "$w/files" "$w/deb" "$APTST/lists/partial" "$APTST/cache/archives/partial"
	{
		echo "deb-src $MIRROR bookworm main"; echo "deb-src $MIRROR trixie main"
		echo "deb $MIRROR bookworm main"; echo "deb $MIRROR trixie main"
	} >"$APTST/sources.list"
	apt-get "${APTO[@]}" -q update >>"$T_OUT/index.log" 2>&1 &&
	(cd "$w/deb" && apt-get "${APTO[@]}" download "${WHL_DEBS[@]}" "${REQ_DEBS[@]%% *}") \
		>>"$T_OUT/index.log" 2>&1 || { rm -rf "$w"; return 1; }
	for d in "$w"/deb/python3-*-whl_*.deb; do
		dpkg-deb -x "$d" "$w/x" && cp "$w"/x/usr/share/python-wheels/*.whl "$w/files/" || { rm -rf "$w"; return 1; }
		rm -rf "$w/x"
	done
	for spec in "${REQ_DEBS[@]}"; do
		pure=; [ "${spec#* }" = pure ] && pure=--pure
		spec=${spec%% *}
		dpkg-deb -x "$w/deb/${spec%%=*}_${spec#*=}"_*.deb "$w/x" &&
		python3 "$HERE/index.py" wheel "$w/x" "$w/files" $pure >>"$T_OUT/index.log" || { rm -rf "$w"; return 1; }
		rm -rf "$w/x"
	done
	tb=$(fetch_orig "numpy=$NUMPY_SRC" "$w") && mkdir "$w/src" && tar -xf "$tb" -C "$w/src" &&
	python3 "$HERE/index.py" sdist "$w/src/numpy-$NUMPY_VERSION" numpy "$NUMPY_VERSION" "$w/files" >>"$T_OUT/index.log" &&
	python3 "$HERE/index.py" simple "$w" >"$w/projects" || { rm -rf "$w"; return 1; }
	rm -rf "$w/deb" "$w/src" "$tb"
	rm -rf "$out" && mv "$w" "$out"
}

index_ready() {
	local s
	s=$(date +%s)
	(
		flock 9
		[ -s "$INDEX/projects" ] || index_build "$INDEX"
	) 9>"$INDEX.lock" || { t_fail "building the index from Debian's packages (see $T_OUT/index.log)"; return 1; }
	touch "$INDEX"
	# Indexes of version lists nobody used for 30 days (the pins changed) go.
	find "$CHROOT_CACHE" -maxdepth 1 -name 'pipindex-*' -mtime +30 -exec rm -rf {} + 2>/dev/null
	t_pass "index $(basename "$INDEX") ready ($(( $(date +%s) - s ))s): $(cut -d' ' -f1 "$INDEX/projects" | tr '\n' ' ')"
}

if ! why_not=$(chroot_can_run amd64); then
	t_skip "pip (amd64 chroot): $why_not"; t_summary; exit
fi
[ -x "$ARMPY" ] || { t_fail "pip: no armpy binary at $ARMPY (run make)"; t_summary; exit; }
index_ready || { t_summary; exit; }

SRV_PID=
stop_server() { [ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null; SRV_PID=; }
trap 'stop_server; chroot_destroy_all' EXIT
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$INDEX" >"$T_OUT/server.log" 2>&1 &
SRV_PID=$!
PORT=
for _ in $(seq 100); do
	PORT=$(sed -n 's/.* port \([0-9]*\).*/\1/p' "$T_OUT/server.log" | head -1)
	[ -n "$PORT" ] && break; sleep 0.05
done
[ -n "$PORT" ] || { t_fail "the index server did not start"; cat "$T_OUT/server.log"; t_summary; exit; }
URL=http://127.0.0.1:$PORT/simple/
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
	# ccache (meson uses it when it is on PATH) with a cache kept across runs: the compiler's
	# output is the same, a warm run only skips recompiling. pip builds in a new
	# /tmp/pip-install-*, so paths under /tmp are hashed relative to it.
	mkdir -p "$CCACHE" "$R/var/cache/ccache"
	printf 'cache_dir = /var/cache/ccache\nbase_dir = /tmp\nhash_dir = false\nmax_size = 2G\n' \
		>"$R/etc/ccache.conf"
	mount --bind "$CCACHE" "$R/var/cache/ccache" || { t_fail "$lib: binding the ccache"; return; }
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
