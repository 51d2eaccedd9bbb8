#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/conform/run.sh — upstream conformance: for every CPU fixture and every plan that builds
# OpenBLAS or BLIS from source, the TARGET and BLIS configuration armpy plans are checked with the
# pinned release's own build system, in real source trees from Debian's source packages:
# OpenBLAS's TargetList.txt, getarch.c's #ifdef FORCE_<TARGET> and getarch itself (compiled with
# -DFORCE_<TARGET>, it must describe that core, not the build machine); BLIS's config_registry
# and its configure, run with the plan's own arguments. Trees are cached under
# $ARMPY_TEST_CACHE/src (default /var/cache/armpy-test/src) for the next run.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
HERE=$TOP/tests/conform
OUT=$TOP/tests/out/conform
CACHE=${ARMPY_TEST_CACHE:-/var/cache/armpy-test}
SRC=${ARMPY_TEST_SRC_CACHE:-$CACHE/src}
# Debian's archive: this machine's apt sources (tests/lib.sh apt_mirror) or ARMPY_TEST_MIRROR.
MIRROR=${ARMPY_TEST_MIRROR:-$(apt_mirror debian)}
# Where an orig tarball is also found when the Debian mirror lacks it (Ubuntu imports Debian's).
ALT_POOL=${ARMPY_TEST_ALT_POOL:-http://archive.ubuntu.com/ubuntu/pool}
export ARMPY_NO_PROBE=1
mkdir -p "$OUT"
rm -rf "${OUT:?}"/*
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
[ -n "$MIRROR" ] || { t_fail "conform: no Debian mirror in this machine's apt sources; set ARMPY_TEST_MIRROR"; t_summary; exit 1; }
for c in python3 cc tar sha256sum; do
	command -v $c >/dev/null || { t_fail "conform: $c is missing"; t_summary; exit 1; }
done
python3 -c 'import yaml' 2>/dev/null || { t_fail "conform: python3-yaml is missing (scripts/deps/test-e2e.apt.txt)"; t_summary; exit 1; }

# apt with a private sources list and state (bookworm and trixie deb-src): the host's apt
# configuration is never touched.
APTST=$CACHE/aptsrc-conform
APTO=(-o "Dir::Etc::SourceList=$APTST/sources.list" -o Dir::Etc::SourceParts=/nonexistent
	-o "Dir::State::Lists=$APTST/lists" -o "Dir::Cache=$APTST/cache"
	-o Acquire::Check-Valid-Until=false -o APT::Sandbox::User=root)
apt_ready=
apt_ready() {
	[ -n "$apt_ready" ] && return 0
	mkdir -p "$APTST/lists/partial" "$APTST/cache/archives/partial" || return 1
	printf 'deb-src %s bookworm main\ndeb-src %s trixie main\n' "$MIRROR" "$MIRROR" >"$APTST/sources.list"
	apt-get "${APTO[@]}" -q update >>"$OUT/apt.log" 2>&1 && apt_ready=1
}

# debian_version NAME VERSION: the Debian source version of upstream VERSION, or the closest
# one Debian has (the newest below it, else the oldest above it).
debian_version() {
	apt-cache "${APTO[@]}" showsrc "$1" 2>/dev/null | sed -n 's/^Version: //p' | sort -uV |
	python3 -c 'import re, sys
want = [int(x) for x in sys.argv[1].split(".")]
def up(v): return [int(x) for x in re.findall(r"\d+", re.sub(r"^\d+:", "", v).split("+")[0].split("-")[0])]
vs = [v.strip() for v in sys.stdin if v.strip()]
exact = [v for v in vs if up(v) == want]
below = [v for v in vs if up(v) < want]; above = [v for v in vs if up(v) > want]
print((exact or below or above or [""])[-1 if exact or below else 0])' "$2"
}

# fetch NAME DEBVER: the orig tarball into $SRC, checked against the sha256 of apt's signed
# Sources index; from the Debian mirror, else from $ALT_POOL (same file name, same hash).
fetch() {
	local name=$1 ver=$2 line url file sha sub
	line=$(cd "$WORK" && apt-get "${APTO[@]}" source --print-uris --tar-only "$name=$ver" 2>>"$OUT/apt.log" | grep "^'" | head -1)
	url=$(echo "$line" | cut -d"'" -f2) file=$(echo "$line" | awk '{print $2}')
	sha=$(echo "$line" | sed -n 's/.*SHA256:\([0-9a-f]*\).*/\1/p')
	[ -n "$file" ] && [ -n "$sha" ] || return 1
	[ -e "$SRC/$file" ] && return 0
	sub=main; [ "$name" = blis ] && sub=universe
	for u in "$url" "$ALT_POOL/$sub/${name:0:1}/$name/$file"; do
		curl -fsSL --max-time 600 -o "$WORK/$file" "$u" 2>>"$OUT/apt.log" || continue
		if [ "$(sha256sum "$WORK/$file" | cut -d' ' -f1)" = "$sha" ]; then
			echo "     $file from $u (sha256 of Debian's signed Sources index)"
			mkdir -p "$SRC" && mv "$WORK/$file" "$SRC/$file" && return 0
		fi
		echo "$u: sha256 differs from the Sources index" >>"$OUT/apt.log"
	done
	return 1
}

# tree NAME VERSION: TREE[NAME-VERSION] is the unpacked Debian tree of upstream VERSION (cached
# under $SRC/trees), TREE_SAYS[...] its tarball or why there is none.
declare -A TREE TREE_SAYS
tree() {
	local name=$1 want=$2 deb up tb dir
	[ -n "${TREE[$name-$want]+x}" ] && return 0
	TREE[$name-$want]=
	tb=$(ls "$SRC/${name}_$want"{,+*}.orig.tar.* 2>/dev/null | head -1)
	deb=
	if [ -z "$tb" ]; then
		apt_ready || { TREE_SAYS[$name-$want]="apt-get update failed (see $OUT/apt.log)"; return 1; }
		deb=$(debian_version "$name" "$want")
		[ -n "$deb" ] || { TREE_SAYS[$name-$want]="Debian has no $name source"; return 1; }
		fetch "$name" "$deb" || { TREE_SAYS[$name-$want]="apt-get source $name=$deb failed (see $OUT/apt.log)"; return 1; }
		up=$(echo "$deb" | sed -E 's/^[0-9]+://; s/-[^-]*$//')
		tb=$(ls "$SRC/${name}_$up".orig.tar.* 2>/dev/null | head -1)
	fi
	[ -n "$tb" ] || { TREE_SAYS[$name-$want]="no orig tarball"; return 1; }
	dir=$SRC/trees/$(basename "$tb" | sed -E 's/\.orig\.tar\..*//')
	if [ ! -d "$dir" ]; then
		mkdir -p "$SRC/trees" "$WORK/unpack" && tar -xf "$tb" -C "$WORK/unpack" || return 1
		mv "$WORK/unpack"/* "$dir.$$" && mv "$dir.$$" "$dir" || return 1
		rm -rf "$WORK/unpack"
	fi
	TREE[$name-$want]=$dir
	TREE_SAYS[$name-$want]="$(basename "$tb")"
}

# The plans: every CPU fixture × {Debian 11, Debian 12, Rocky 9} × every profile armpy ships or
# tests with. Debian 11's GCC 10 gets the non-SVE fallbacks (an A64FX builds ARMV8); it is
# planned on a day within its Debian LTS (before 2026-08-31), when its python3 is maintained.
PROFILES=("$TOP"/profiles/*.yaml "$TOP"/tests/golden/profiles/*.yaml "$HERE"/profiles/*.yaml)
declare -A SEEN_VER
: >"$OUT/cases"
for cpu in "$TOP"/tests/fixtures/cpuinfo/*; do
	fx=$(basename "$cpu")
	case $fx in x86-*) arch=x86_64 ;; *) arch=aarch64 ;; esac
	for os in debian-11 debian-12 rocky-9; do
		for prof in "${PROFILES[@]}"; do
			pb=$(basename "$prof" .yaml) name=$fx--$os--$pb
			day=$ARMPY_TODAY; [ "$os" = debian-11 ] && day=2026-06-01
			ARMPY_TODAY=$day "$ARMPY" plan --profile "$prof" --os-release "$TOP/tests/fixtures/os-release/$os" \
			    --cpuinfo "$cpu" --arch "$arch" >"$OUT/$name.yaml" 2>"$OUT/$name.err" || continue
			python3 "$HERE/steps.py" "$OUT/$name.yaml" >"$OUT/$name.steps" || { t_fail "$name: plan unreadable"; continue; }
			if [ -s "$OUT/$name.steps" ]; then echo "$name" >>"$OUT/cases"; else rm -f "$OUT/$name".*; fi
		done
	done
done
ncases=$(wc -l <"$OUT/cases")
[ "$ncases" -gt 0 ] || { t_fail "no plan builds OpenBLAS or BLIS from source"; t_summary; exit 1; }

# The trees of the versions the plans pin.
for lib in openblas blis; do
	for ver in $(cat "$OUT"/*.steps | awk -v l=$lib '$1 == l {print $2}' | sort -u); do
		tree "$lib" "$ver"
		d=${TREE[$lib-$ver]}
		if [ -z "$d" ]; then
			t_fail "$lib $ver source tree: ${TREE_SAYS[$lib-$ver]}"
			continue
		fi
		got=$(basename "$d" | sed -E "s/^${lib}_//; s/\+.*//")
		if [ "$got" = "$ver" ]; then
			note="the pinned release"
			[ "$lib" = openblas ] && note="upstream $ver without the files debian/copyright excludes; armpy's pin is upstream's own tarball"
		else
			note="NOT the pinned $ver: Debian has no $lib $ver source, so its closest one is used"
		fi
		t_pass "$lib $ver: Debian's tree ${TREE_SAYS[$lib-$ver]} ($note)"
	done
done
pin_sha=$(sed -n 's/^[[:space:]]*"\([0-9a-f]\{64\}\)",$/\1/p' "$TOP/src/plan-pins.c" | head -1)
bt=$(ls "$SRC"/blis_0.9.0.orig.tar.gz 2>/dev/null)
if [ -n "$bt" ] && grep -q 'blis_0.9.0.orig.tar.gz' "$TOP/src/plan-pins.c"; then
	t_check "blis 0.9.0: Debian's orig tarball has the sha256 armpy pins ($pin_sha)" \
		test "$(sha256sum "$bt" | cut -d' ' -f1)" = "$pin_sha"
fi

# check_target DIR TARGET: OpenBLAS's own build system accepts TARGET (the reason in $WHY).
declare -A TARGET_OK TARGET_WHY
check_target() {
	local d=$1 t=$2 key=$1/$2 g core
	if [ -z "${TARGET_OK[$key]+x}" ]; then
		TARGET_OK[$key]=1 TARGET_WHY[$key]="TargetList.txt, getarch.c FORCE_$t, getarch: CORE=$t"
		g=$WORK/getarch-$(basename "$d")-$t
		if ! grep -qxE "[[:space:]]*$t[[:space:]]*" "$d/TargetList.txt"; then
			TARGET_OK[$key]=0 TARGET_WHY[$key]="$t is not in TargetList.txt"
		elif ! grep -qE "^#(ifdef|if defined) *\(? *FORCE_$t\b" "$d/getarch.c"; then
			TARGET_OK[$key]=0 TARGET_WHY[$key]="getarch.c has no #ifdef FORCE_$t"
		elif ! (cd "$d" && cc -O0 -w -DFORCE_"$t" -o "$g" getarch.c) 2>"$g.err"; then
			TARGET_OK[$key]=0 TARGET_WHY[$key]="getarch.c does not compile with -DFORCE_$t: $(head -c 200 "$g.err")"
		elif core=$("$g" 0 | sed -n 's/^CORE=//p') && [ "$core" != "$t" ]; then
			TARGET_OK[$key]=0 TARGET_WHY[$key]="getarch -DFORCE_$t describes CORE=${core:-nothing}, not $t"
		fi
	fi
	WHY=${TARGET_WHY[$key]}
	[ "${TARGET_OK[$key]}" = 1 ]
}

# check_config DIR ARGS...: BLIS's configure, run out of tree with the plan's arguments (the
# prefix moved under a scratch directory), accepts the configuration (the last argument; the
# reason in $WHY). Run once per configuration: its verdict on one does not depend on the rest.
declare -A CFG_OK CFG_WHY
check_config() {
	local d=$1; shift
	local cfg=${*: -1} b args=()
	local key=$d/$cfg
	if [ -z "${CFG_OK[$key]+x}" ]; then
		CFG_OK[$key]=1 CFG_WHY[$key]="config_registry, configure: '$cfg' is registered"
		for a in "$@"; do case $a in --prefix=*) args+=("--prefix=$WORK/prefix") ;; *) args+=("$a") ;; esac; done
		b=$(mktemp -d "$WORK/blis.XXXXXX")
		if ! awk -F: '!/^#/ && NF > 1 {print $1}' "$d/config_registry" | tr -d ' \t' | grep -qx "$cfg"; then
			CFG_OK[$key]=0 CFG_WHY[$key]="'$cfg' is neither a configuration nor a family in config_registry"
		elif ! (cd "$b" && "$d/configure" "${args[@]}") >"$b.log" 2>&1; then
			CFG_OK[$key]=0 CFG_WHY[$key]="configure ${args[*]}: $(grep -m1 -E 'NOT registered|Cannot continue|rror' "$b.log" || tail -1 "$b.log")"
		elif ! grep -q "configuration '$cfg' is registered" "$b.log"; then
			CFG_OK[$key]=0 CFG_WHY[$key]="configure did not say '$cfg' is registered"
		fi
		rm -rf "$b"
	fi
	WHY=${CFG_WHY[$key]}
	[ "${CFG_OK[$key]}" = 1 ]
}

# One line per fixture × plan.
while read -r name; do
	ok=1 said=()
	while read -r lib ver rest; do
		d=${TREE[$lib-$ver]:-}
		[ -n "$d" ] || { ok=0; said+=("$lib $ver: no source tree"); continue; }
		if [ "$lib" = openblas ]; then
			if [ "$rest" = - ]; then said+=("OpenBLAS $ver: no TARGET (getarch detects the build machine)"); continue; fi
			check_target "$d" "$rest" || ok=0
			said+=("OpenBLAS $ver TARGET=$rest: $WHY")
		else
			# shellcheck disable=SC2086
			check_config "$d" $rest || ok=0
			said+=("BLIS $ver ${rest##* }: $WHY")
		fi
	done <"$OUT/$name.steps" 3<&-
	msg="$name: $(IFS=';'; echo "${said[*]}" | sed 's/;/; /g')"
	if [ $ok = 1 ]; then t_pass "$msg"; else t_fail "$msg"; fi
done <"$OUT/cases"

t_summary
