#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/slow/run.sh — the seed's BLIS source route executed for real (amd64): Debian's BLIS
# upstream tarball served on 127.0.0.1, armpy's own plan steps download it (sha256), extract it
# (libarchive), configure/make/install it in a Debian chroot; then bench and validate use it.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-chroot.sh"
HERE=$TOP/tests/slow
T_OUT=$TOP/tests/out/slow
T_TIMEOUT=2400
mkdir -p "$T_OUT"
rm -rf "$T_OUT"/*
SRC_CACHE=${ARMPY_TEST_SRC_CACHE:-$CHROOT_CACHE/src}
TRIPLET=x86_64-linux-gnu
t0=$(date +%s)

if ! why_not=$(chroot_can_run amd64); then
	t_skip "slow (BLIS source build in an amd64 chroot): $why_not"
	t_summary; exit
fi
for c in apt-get python3; do
	command -v $c >/dev/null || { t_fail "slow: $c is missing"; t_summary; exit; }
done
python3 -c 'import yaml' 2>/dev/null || { t_fail "slow: python3-yaml is missing (scripts/deps/test-e2e.apt.txt)"; t_summary; exit; }

WORK=$(mktemp -d "$CHROOT_TMP/armpy-slow.XXXXXX")
SRV_PID=
cleanup() {
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null
	chroot_destroy_all
	rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM HUP

# 1. BLIS's upstream tarball through Debian (apt-get source), cached. The host's apt
# configuration is not touched: a private sources list and state directory.
blis_fetch() {
	local st=$CHROOT_CACHE/aptsrc dl=$WORK/dl suites
	mkdir -p "$st/lists/partial" "$st/cache/archives/partial" "$dl" "$SRC_CACHE"
	local o=(-o "Dir::Etc::SourceList=$st/sources.list" -o Dir::Etc::SourceParts=/nonexistent
		-o "Dir::State::Lists=$st/lists" -o "Dir::Cache=$st/cache"
		-o Acquire::Check-Valid-Until=false -o APT::Sandbox::User=root)
	# bookworm's blis_0.9.0.orig.tar.gz first; the newer suite when the mirror lacks it
	for suites in "bookworm" "bookworm trixie"; do
		for s in $suites; do echo "deb-src $CHROOT_MIRROR $s main"; done >"$st/sources.list"
		apt-get "${o[@]}" -q update >>"$T_OUT/apt-source.log" 2>&1 || continue
		(cd "$dl" && apt-get "${o[@]}" source --download-only --tar-only blis) \
			>>"$T_OUT/apt-source.log" 2>&1 && break
		rm -f "$dl"/*
	done
	ls "$dl"/blis_*.orig.tar.* >/dev/null 2>&1 || return 1
	mv "$dl"/blis_*.orig.tar.* "$SRC_CACHE/"
}
tarball=$(ls "$SRC_CACHE"/blis_*.orig.tar.gz 2>/dev/null | sort -V | tail -1)
if [ -n "$tarball" ]; then
	t_pass "BLIS upstream tarball from the cache: $(basename "$tarball")"
elif blis_fetch && tarball=$(ls "$SRC_CACHE"/blis_*.orig.tar.gz | sort -V | tail -1); then
	t_pass "apt-get source --download-only --tar-only blis: $(basename "$tarball") (apt checked it against the signed Sources index)"
else
	t_fail "apt-get source --download-only blis"; tail -15 "$T_OUT/apt-source.log" | sed 's/^/    | /'
	t_summary; exit
fi
sha=$(sha256sum "$tarball" | cut -d' ' -f1)
ver=$(basename "$tarball" | sed -E 's/^blis_(.*)\.orig\.tar\..*/\1/')

# 2. Serve it on 127.0.0.1, a random free port.
mkdir -p "$WORK/www"
ln -s "$tarball" "$WORK/www/$(basename "$tarball")"
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$WORK/www" >"$T_OUT/http.log" 2>&1 &
SRV_PID=$!
port=
for _ in $(seq 50); do
	port=$(sed -nE 's/^Serving HTTP on 127\.0\.0\.1 port ([0-9]+).*/\1/p' "$T_OUT/http.log")
	[ -n "$port" ] && break
	sleep 0.1
done
if [ -n "$port" ]; then
	t_pass "local HTTP server on 127.0.0.1:$port"
else
	t_fail "the local HTTP server did not start"; cat "$T_OUT/http.log"; t_summary; exit
fi
url=http://127.0.0.1:$port/$(basename "$tarball")

# 3. The chroot to build in: the amd64 base plus a compiler and the distro's NumPy.
chroot_setup "bookworm amd64 chroot with build-essential and python3-numpy" amd64 \
	python3 python3-numpy build-essential || { t_summary; exit; }
R=$CHROOT_ROOT

# 4. armpy plans the source route for this machine; the narrowest BLIS config for the CPU.
"$ARMPY" detect --root "$R" >"$T_OUT/facts.yaml" 2>"$T_OUT/detect.err"
cfg=$(python3 -c 'import sys, yaml; print((yaml.safe_load(open(sys.argv[1])).get("cpu") or {}).get("blis_config") or "")' "$T_OUT/facts.yaml" 2>/dev/null)
tar -tzf "$tarball" >"$T_OUT/tarball.list"
tar_has_cfg() { grep -qE "^[^/]*/config/$1/(bli_kernel_defs_$1\.h|make_defs\.mk)$" "$T_OUT/tarball.list"; }
case "$cfg" in
""|auto|x86_64|amd64|amd64_legacy|intel64|arm64|generic) narrow= ;;
*) narrow=$cfg ;;
esac
if [ -n "$narrow" ] && ! tar_has_cfg "$narrow"; then narrow=; fi
if [ -z "$narrow" ]; then
	if grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then narrow=haswell; else narrow=generic; fi
fi
python3 - "$T_OUT/facts.yaml" "$narrow" <<'EOF' || { t_fail "facts from armpy detect"; t_summary; exit; }
import sys, yaml
f = yaml.safe_load(open(sys.argv[1]))
f.setdefault("cpu", {})["blis_config"] = sys.argv[2]
yaml.safe_dump(f, open(sys.argv[1], "w"), sort_keys=False)
EOF
echo "     BLIS config: $narrow (armpy detect said: ${cfg:-nothing})"
cat >"$T_OUT/profile.yaml" <<EOF
# slow-source-blis — the seed's BLIS source build, from a local mirror of Debian's BLIS tarball.
version: 1
name: slow-source-blis
python: system
source: system
blas: {library: blis, threading: openmp, threads: auto, build: source}
scipy: false
source_build:
  url: $url
  sha256: $sha
  prefix: /usr/local
EOF
t_logged "armpy plan --profile <build: source, BLIS> --facts <this machine> exits 0" plan \
	"$ARMPY" plan --profile "$T_OUT/profile.yaml" --facts "$T_OUT/facts.yaml" -o "$T_OUT/plan.yaml"
# Only the BLIS part runs here: the rest of the route (OpenBLAS from GitHub, NumPy from PyPI)
# needs networks this CI does not have.
if logged subplan python3 "$HERE/subplan.py" "$T_OUT/plan.yaml" 'blis-.*|ldconfig' "$T_OUT/blis-plan.yaml"; then
	sed 's/^/     /' "$T_OUT/subplan.out"
	s=$T_OUT/subplan.out
	grep -q '^blis-download download' "$s" && grep -q "$url" "$T_OUT/blis-plan.yaml" &&
		grep -q "$sha" "$T_OUT/blis-plan.yaml" && t_pass "the plan downloads the mirror URL with its sha256" ||
		t_fail "the plan's BLIS download step does not use the profile's url/sha256"
	grep -q '^blis-extract extract' "$s" && t_pass "the plan extracts the tarball (libarchive step)" ||
		t_fail "no blis-extract step"
	grep -qE "^blis-configure run \./configure .*--enable-threading=openmp.*--enable-cblas.*--prefix=/usr/local $narrow\$|^blis-configure run \./configure .*--enable-cblas.*--enable-threading=openmp.*--prefix=/usr/local $narrow\$" "$s" &&
		t_pass "configure --enable-cblas --enable-threading=openmp --prefix=/usr/local $narrow" ||
		t_fail "the configure step is not the seed's (with config $narrow)"
	grep -qE '^blis-build run make -j[0-9]+$' "$s" && t_pass "make -jN" || t_fail "no 'make -jN' step"
	grep -qE '^blis-install run make install$' "$s" && t_pass "make install" || t_fail "no 'make install' step"
else
	t_fail "the plan has no BLIS source steps"; why subplan; why plan
fi

# 5. Execute those steps for real into the chroot.
s=$(date +%s)
t_logged "armpy run <the plan's BLIS steps> --root CHROOT --yes exits 0" run \
	"$ARMPY" run "$T_OUT/blis-plan.yaml" --root "$R" --yes --progress json
build_s=$(( $(date +%s) - s ))
echo "     (download + extract + configure + make + install took ${build_s}s)"
if logged runprog python3 "$TOP/tests/e2e/progress.py" summary "$T_OUT/run.out"; then
	if grep -qx 'blis-download download ok' "$T_OUT/runprog.out" &&
	    grep -qx 'blis-extract extract ok' "$T_OUT/runprog.out"; then
		t_pass "download and extract really ran (not 'satisfied')"
	else
		t_fail "download/extract results: $(tr '\n' ';' <"$T_OUT/runprog.out")"
	fi
else
	t_fail "the run's JSON progress"; why runprog
fi
got=$(find "$R/root/.cache/armpy/src" -maxdepth 1 -type f -exec sha256sum {} + 2>/dev/null | grep "^$sha " | head -1)
[ -n "$got" ] && t_pass "the verified tarball is in the chroot: ${got##*/}" ||
	t_fail "no file with the tarball's sha256 in the chroot's ~/.cache/armpy/src"
lib=$(ls "$R"/usr/local/lib/libblis.so.* 2>/dev/null | head -1)
if [ -n "$lib" ]; then t_pass "BLIS installed: /usr/local/lib/$(basename "$lib")"
else t_fail "no /usr/local/lib/libblis.so.* in the chroot"; fi
left=$(chroot_stray_mounts "$R")
[ -z "$left" ] && t_pass "no mounts left behind" || t_fail "mounts left behind: $left"

# 6. The built library: its version through ctypes, then bench and validate on it.
if logged ctypes in_chroot "$R" python3 -c '
import ctypes
b = ctypes.CDLL("/usr/local/lib/libblis.so.4")
b.bli_info_get_version_str.restype = ctypes.c_char_p
print(b.bli_info_get_version_str().decode())' && grep -q "^${ver%%[-+~]*}" "$T_OUT/ctypes.out"; then
	t_pass "bli_info_get_version_str() of the built library: $(cat "$T_OUT/ctypes.out")"
else
	t_fail "bli_info_get_version_str() of the built library (want $ver)"; why ctypes
fi
# A BLIS built for one sub-configuration runs that one, whatever the CPU: BLIS itself says so
# (ctypes, tests/e2e/blisarch.py), and so must bench and validate ("generic" being a WARN).
if logged arch in_chroot "$R" python3 - /usr/local/lib/libblis.so.4 <"$TOP/tests/e2e/blisarch.py" &&
    [ "$(sed -n 1p "$T_OUT/arch.out")" = "$narrow" ]; then
	t_pass "the built BLIS says it runs its $narrow kernels"
else
	t_fail "the built BLIS should run its $narrow kernels (it says: $(sed -n 1p "$T_OUT/arch.out" 2>/dev/null))"; why arch
fi
known=$(sed -n 2p "$T_OUT/arch.out" 2>/dev/null)
t_logged "armpy gflops --root CHROOT --quick runs" bench "$ARMPY" gflops --root "$R" --quick
if grep -q '/usr/local/lib/libblis' "$T_OUT/bench.out"; then
	t_pass "bench finds and times the built BLIS: $(grep -m1 '/usr/local/lib/libblis' "$T_OUT/bench.out" | tr -s ' ')"
else
	t_fail "bench does not list /usr/local/lib/libblis*"; why bench
fi
if logged bench-k python3 "$TOP/tests/validate/checks.py" bench-text "$T_OUT/bench.out" --blis "$narrow"; then
	t_pass "bench: the built BLIS runs its $narrow kernels ($(cat "$T_OUT/bench-k.out"))"
else
	t_fail "bench: the built BLIS's kernels should be $narrow"; why bench-k 5
fi
# NumPy loads libblas.so.3: put the built BLIS first on the loader path for the probe.
mkdir -p "$R/opt/armpy-shim"
ln -sf /usr/local/lib/libblis.so.4 "$R/opt/armpy-shim/libblas.so.3"
t_logged "armpy validate --root CHROOT --expect blis with the built BLIS passes" validate \
	"$ARMPY" validate --root "$R" --env LD_LIBRARY_PATH=/opt/armpy-shim --env BLIS_NUM_THREADS=2 \
	--expect blis --quick --format yaml
# LAPACK is the chroot's reference liblapack3 (BLIS has no LAPACK): it must not be called BLIS.
if logged validate-y python3 "$TOP/tests/e2e/report.py" "$T_OUT/validate.out" blis --lapack reference \
	--native --blis-kernels "$narrow" --expected "$cfg" --known "$known" &&
    grep -q '/usr/local/lib/libblis' "$T_OUT/validate.out"; then
	t_pass "validate: NumPy's cblas_dgemm is served by /usr/local/lib/libblis ($(cat "$T_OUT/validate-y.out"))"
else
	t_fail "validate should find the built BLIS serving NumPy"; why validate-y; why validate
fi

echo "     (slow took $(( $(date +%s) - t0 ))s; the BLIS build ${build_s}s)"
t_summary
