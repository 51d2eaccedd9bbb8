# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# tests/pip/lib-index.sh — the local PEP 503 index made from Debian's packages that the suites
# installing with pip read (tests/pip, tests/bundle's pip case). Sourced after tests/lib.sh and
# tests/lib-chroot.sh, with T_OUT set:
#   index_ready        builds the index once, cached under $CHROOT_CACHE/pipindex-<key> ($INDEX)
#   index_serve LOG    serves it on 127.0.0.1, its requests logged in LOG: $URL, $SRV_PID
#   stop_server        stops that server
#   pip_ccache ROOT    ccache in ROOT with a cache kept across runs (NumPy's build)
PIPLIB=$TOP/tests/pip

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
		python3 "$PIPLIB/index.py" wheel "$w/x" "$w/files" $pure >>"$T_OUT/index.log" || { rm -rf "$w"; return 1; }
		rm -rf "$w/x"
	done
	tb=$(fetch_orig "numpy=$NUMPY_SRC" "$w") && mkdir "$w/src" && tar -xf "$tb" -C "$w/src" &&
	python3 "$PIPLIB/index.py" sdist "$w/src/numpy-$NUMPY_VERSION" numpy "$NUMPY_VERSION" "$w/files" >>"$T_OUT/index.log" &&
	python3 "$PIPLIB/index.py" simple "$w" >"$w/projects" || { rm -rf "$w"; return 1; }
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

SRV_PID=
stop_server() { [ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null; SRV_PID=; }

index_serve() { # LOG
	local port=
	python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$INDEX" >"$1" 2>&1 &
	SRV_PID=$!
	for _ in $(seq 100); do
		port=$(sed -n 's/.* port \([0-9]*\).*/\1/p' "$1" | head -1)
		[ -n "$port" ] && break; sleep 0.05
	done
	[ -n "$port" ] || { t_fail "the index server did not start"; cat "$1"; return 1; }
	# shellcheck disable=SC2034 # the sourcing suite reads it
	URL=http://127.0.0.1:$port/simple/
}

# ccache (meson uses it when it is on PATH) with a cache kept across runs: the compiler's
# output is the same, a warm run only skips recompiling. pip builds in a new
# /tmp/pip-install-*, so paths under /tmp are hashed relative to it.
pip_ccache() { # ROOT
	mkdir -p "$CCACHE" "$1/var/cache/ccache"
	printf 'cache_dir = /var/cache/ccache\nbase_dir = /tmp\nhash_dir = false\nmax_size = 2G\n' \
		>"$1/etc/ccache.conf"
	mount --bind "$CCACHE" "$1/var/cache/ccache"
}
