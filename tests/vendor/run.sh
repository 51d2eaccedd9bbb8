#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/vendor/run.sh — armpy validate names vendor BLAS for real. FlexiBLAS: this host's NumPy
# on FlexiBLAS (built from the source ARMPY_FLEXIBLAS_SRC names: no Debian release ships it),
# switched with FlexiBLAS's own FLEXIBLAS setting to OpenBLAS (pthreads, OpenMP), BLIS and its
# NETLIB backend; each time validate must name FlexiBLAS and that backend, as the libraries
# themselves (ctypes) say, and --expect must pass or fail by the backend. MKL: Debian 12's
# intel-mkl (non-free, amd64) in a chroot, libblas.so.3 switched to it with update-alternatives;
# validate must name MKL with the version its mkl_get_version_string gives and the threading
# layer MKL_THREADING_LAYER chose. NVPL and Arm Performance Libraries cannot be installed here:
# their identification is unit-tested only (tests/unit/test-blasid.c).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-chroot.sh"
T_OUT=$TOP/tests/out/vendor
mkdir -p "$T_OUT"
rm -f "$T_OUT"/*.yaml "$T_OUT"/*.txt "$T_OUT"/*.log
PY=/usr/bin/python3          # not pyenv's python3 that may be first on PATH
TRIPLET=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -dumpmachine)
CHK=("$PY" "$TOP/tests/vendor/check.py")
export ARMPY_STATE_DIR=$T_OUT/state

if [ ! -x "$ARMPY" ]; then t_fail "no armpy binary at $ARMPY (run make)"; t_summary; exit; fi
"$PY" -c 'import numpy, yaml' 2>/dev/null ||
	{ t_fail "$PY lacks numpy or yaml (scripts/deps/test-validate.apt.txt)"; t_summary; exit 1; }

# vcheck LABEL NAME KEY=VALUE...: the report $T_OUT/NAME.yaml holds those facts.
vcheck() {
	local label=$1 name=$2 out; shift 2
	if out=$("${CHK[@]}" "$T_OUT/$name.yaml" "$@" 2>&1); then t_pass "$label: $out"
	else t_fail "$label"; printf '%s\n' "$out" | sed 's/^/    /'; fi
}

# ---- FlexiBLAS ----

# flexiblas_build SRC: FlexiBLAS built from SRC once per source (cached), its prefix printed.
flexiblas_build() {
	local src=$1 key prefix work
	key=$(cat "$src/CMakeLists.txt" "$src"/.version 2>/dev/null | sha256sum | cut -c1-16)
	prefix=$CHROOT_CACHE/flexiblas-$key
	mkdir -p "$CHROOT_CACHE"
	(
		flock 9
		[ -e "$prefix/ok" ] && exit 0
		rm -rf "$prefix"
		work=$(mktemp -d "$CHROOT_TMP/armpy-build.XXXXXX") || exit 1
		echo $$ >"$work/owner"
		trap 'rm -rf "$work"' EXIT
		chroot_log "FlexiBLAS: building $src (cold cache; several minutes)"
		cd "$work" && nice -n 10 cmake "$src" -DCMAKE_INSTALL_PREFIX="$prefix" -DTESTS=OFF \
			-DEXAMPLES=OFF -DLAPACKE=OFF -DLTO=OFF -DCMAKE_BUILD_TYPE=Release >build.log 2>&1 &&
			nice -n 10 make -j"$(nproc)" >>build.log 2>&1 && make install >>build.log 2>&1 ||
			{ tail -20 build.log | sed 's/^/     | /' >&2; exit 1; }
		touch "$prefix/ok"
	) 9>"$prefix.lock" || return 1
	echo "$prefix"
}

flexiblas_section() {
	local src=${ARMPY_FLEXIBLAS_SRC:-} prefix lib w fbver s ob obo blis bliso
	t_section "FlexiBLAS" || return
	if [ -z "$src" ] || [ ! -f "$src/CMakeLists.txt" ]; then
		t_skip "FlexiBLAS: no Debian release ships it (bookworm, trixie and unstable have no" \
			"flexiblas package); set ARMPY_FLEXIBLAS_SRC to a FlexiBLAS source tree to test it"
		return
	fi
	ob=/usr/lib/$TRIPLET/openblas-pthread/libopenblas.so.0
	obo=/usr/lib/$TRIPLET/openblas-openmp/libopenblas.so.0
	blis=/usr/lib/$TRIPLET/blis-pthread/libblis.so.4
	bliso=/usr/lib/$TRIPLET/blis-openmp/libblis.so.4
	for f in "$ob" "$obo" "$blis" "$bliso"; do
		[ -e "$f" ] || { t_fail "missing $f: install scripts/deps/test-validate.apt.txt"; return; }
	done
	s=$(date +%s)
	prefix=$(flexiblas_build "$src") || { t_fail "FlexiBLAS could not be built from $src"; return; }
	lib=$(ls "$prefix"/lib*/libflexiblas.so.3 2>/dev/null | head -1)
	[ -n "$lib" ] || { t_fail "FlexiBLAS: no libflexiblas.so.3 under $prefix"; return; }
	t_pass "FlexiBLAS built or cached in $(( $(date +%s) - s ))s: $lib"
	# NumPy and SciPy link libblas.so.3 and liblapack.so.3: both are FlexiBLAS here.
	w=$(mktemp -d "$CHROOT_TMP/armpy-vendor.XXXXXX")
	CHROOT_DIRS+=("$w")
	mkdir -p "$w/lib"
	ln -s "$lib" "$w/lib/libblas.so.3"
	ln -s "$lib" "$w/lib/liblapack.so.3"
	# FlexiBLAS's own configuration: named backends, each a library= of this machine.
	cat >"$w/flexiblasrc" <<-EOF
	[OPENBLAS-PTHREAD]
	library=$ob
	[OPENBLAS-OPENMP]
	library=$obo
	[BLIS-PTHREAD]
	library=$blis
	EOF
	# What the libraries themselves say (ctypes), independently of armpy.
	fbver=$("$PY" -c 'import ctypes, sys
l = ctypes.CDLL(sys.argv[1]); v = [ctypes.c_int() for _ in range(3)]
l.flexiblas_get_version(*[ctypes.byref(x) for x in v]); print("%d.%d.%d" % tuple(x.value for x in v))' "$lib")
	obver=$("$PY" -c 'import ctypes, sys
l = ctypes.CDLL(sys.argv[1]); l.openblas_get_config.restype = ctypes.c_char_p
print(l.openblas_get_config().decode().split()[1])' "$ob")
	blisver=$("$PY" -c 'import ctypes, sys
l = ctypes.CDLL(sys.argv[1]); l.bli_info_get_version_str.restype = ctypes.c_char_p
print(l.bli_info_get_version_str().decode())' "$blis")
	fbenv=(env FLEXIBLAS_CONFIG="$w/flexiblasrc" LD_LIBRARY_PATH="$w/lib")
	# backend setting, the kind, threading, version and file validate must name, an --expect
	# that must pass and one that must fail
	local cases=(
		"OPENBLAS-PTHREAD openblas pthreads $obver $ob openblas:pthreads openblas:openmp"
		"OPENBLAS-OPENMP openblas openmp $obver $obo openblas:openmp blis"
		"BLIS-PTHREAD blis pthreads $blisver $blis blis:pthreads openblas"
		"$bliso blis openmp $blisver $bliso blis:openmp blis:pthreads"
		"NETLIB reference serial - - reference openblas"
	)
	local c set kind thr ver file good bad n
	for c in "${cases[@]}"; do
		read -r set kind thr ver file good bad <<<"$c"
		n=flexiblas-$(basename "$set" | tr 'A-Z.' 'a-z-')
		"${fbenv[@]}" FLEXIBLAS="$set" "$ARMPY" validate --quick --format yaml --python "$PY" \
			--expect "$good" >"$T_OUT/$n.yaml" 2>"$T_OUT/$n.log"
		local rc=$?
		if [ $rc -ne 0 ]; then
			t_fail "FlexiBLAS $set: --expect $good exited $rc"
			grep -A2 'name: blas-library' "$T_OUT/$n.yaml" | sed 's/^/    /'
		fi
		local facts=(blas.kind=flexiblas "blas.version=$fbver" "blas.backend_kind=$kind"
			"blas.threading=$thr" checks.blas-library=PASS "lapack.kind=flexiblas")
		[ "$ver" = - ] || facts+=("blas.backend_version=$ver")
		[ "$file" = - ] || facts+=("blas.backend_path=$(realpath "$file")")
		[ "$good" = "${good%:*}" ] || facts+=(checks.blas-threading=PASS)
		vcheck "FlexiBLAS $set: the report" "$n" "${facts[@]}"
		# armpy gflops' own gathering (blasid_identify, through test-blasid --identify) must
		# answer as the probe's facts did
		local here there
		here=$("${fbenv[@]}" FLEXIBLAS="$set" "$TOP/tests/unit/test-blasid" --identify "$lib")
		there=$("$PY" -c 'import sys, yaml
b = yaml.safe_load(open(sys.argv[1]))["blas"]
print(" ".join(str(b.get(k) or "-") for k in ("kind", "version", "threading", "kernels")))' \
			"$T_OUT/$n.yaml")
		if [ "$here" = "$there" ]; then t_pass "FlexiBLAS $set: blasid_identify agrees ($here)"
		else t_fail "FlexiBLAS $set: blasid_identify says '$here', the probe '$there'"; fi
		"${fbenv[@]}" FLEXIBLAS="$set" "$ARMPY" validate --quick --python "$PY" \
			--expect "$bad" >"$T_OUT/$n-bad.txt" 2>&1
		rc=$?
		if [ $rc -eq 1 ] && grep -q "^FAIL  blas-\(library\|threading\)" "$T_OUT/$n-bad.txt" &&
		    grep -q "FlexiBLAS $fbver \(→\|->\) " "$T_OUT/$n-bad.txt"; then
			t_pass "FlexiBLAS $set: --expect $bad fails: $(grep -m1 '^FAIL  blas-' \
				"$T_OUT/$n-bad.txt" | cut -c1-150)"
		else
			t_fail "FlexiBLAS $set: --expect $bad exited $rc"
			grep -E '^(FAIL|PASS)  blas-' "$T_OUT/$n-bad.txt" | sed 's/^/    /'
		fi
	done
}

# ---- MKL ----

mkl_section() {
	local why_not s R alt mklver rt
	t_section "MKL" || return
	if [ "$(dpkg --print-architecture)" != amd64 ]; then
		t_skip "MKL: Debian's intel-mkl is amd64 only"; return
	fi
	if ! why_not=$(chroot_can_run amd64); then t_skip "MKL (amd64 chroot): $why_not"; return; fi
	s=$(date +%s)
	CHROOT_COMPONENTS="main non-free" chroot_setup \
		"bookworm amd64 chroot with NumPy and MKL (libmkl-rt, non-free)" amd64 \
		python3-numpy libmkl-rt libgomp1 || return
	R=$CHROOT_ROOT
	echo "     (MKL chroot ready in $(( $(date +%s) - s ))s)"
	alt=libblas.so.3-x86_64-linux-gnu
	rt=$(in_chroot "$R" update-alternatives --list "$alt" | grep -m1 '/libmkl_rt\.so')
	if [ -z "$rt" ]; then t_fail "MKL: libmkl-rt registers no $alt alternative"; return; fi
	in_chroot "$R" update-alternatives --set "$alt" "$rt" >/dev/null &&
		in_chroot "$R" update-alternatives --set liblapack.so.3-x86_64-linux-gnu "$rt" >/dev/null ||
		{ t_fail "MKL: update-alternatives --set to $rt"; return; }
	t_pass "MKL: libblas.so.3 and liblapack.so.3 set to $rt with update-alternatives"
	mklver=$(in_chroot "$R" python3 -c 'import ctypes, sys
l = ctypes.CDLL(sys.argv[1]); b = ctypes.create_string_buffer(256)
l.mkl_get_version_string(b, 256); t = b.value.decode()
print(t.split("Version ", 1)[1].split()[0].rstrip("-").split("-")[0])' "$rt")
	[ -n "$mklver" ] || { t_fail "MKL: its own mkl_get_version_string gave nothing"; return; }
	# Debian's libmkl_gnu_thread.so and libmkl_intel_thread.so name no OpenMP runtime they
	# need (no DT_NEEDED; libmkl-rt only recommends libomp-dev): without one preloaded, NumPy
	# dies at its first BLAS call ("undefined symbol: omp_get_num_procs"). So the OpenMP layer
	# runs with GCC's libgomp preloaded, as a program linked with -fopenmp would have it.
	# cblas_dgemm is libmkl_rt's or, bound globally, the interface layer's it loaded.
	local gomp=/usr/lib/x86_64-linux-gnu/libgomp.so.1
	local thr layer good bad n pre
	for layer in "GNU openmp mkl:openmp mkl:serial $gomp" "SEQUENTIAL serial mkl:serial openblas -"; do
		read -r layer thr good bad pre <<<"$layer"
		[ "$pre" != - ] || pre=
		n=mkl-$(tr 'A-Z' 'a-z' <<<"$layer")
		MKL_THREADING_LAYER=$layer "$ARMPY" validate ${pre:+--env LD_PRELOAD="$pre"} --quick --format yaml --root "$R" \
			--python /usr/bin/python3 --expect "$good" >"$T_OUT/$n.yaml" 2>"$T_OUT/$n.log" ||
			{ t_fail "MKL_THREADING_LAYER=$layer: --expect $good failed"
			  grep -A2 'name: blas-' "$T_OUT/$n.yaml" | sed 's/^/    /'; }
		vcheck "MKL_THREADING_LAYER=$layer: the report" "$n" blas.kind=mkl "blas.version=$mklver" \
			"blas.threading=$thr" "blas.path~^/usr/lib/x86_64-linux-gnu/libmkl_" \
			checks.blas-library=PASS checks.blas-threading=PASS lapack.kind=mkl
		MKL_THREADING_LAYER=$layer "$ARMPY" validate ${pre:+--env LD_PRELOAD="$pre"} --quick --root "$R" \
			--python /usr/bin/python3 --expect "$bad" >"$T_OUT/$n-bad.txt" 2>&1
		local rc=$?
		if [ $rc -eq 1 ] && grep -q "^FAIL  blas-" "$T_OUT/$n-bad.txt" &&
		    grep -q "MKL $mklver" "$T_OUT/$n-bad.txt"; then
			t_pass "MKL_THREADING_LAYER=$layer: --expect $bad fails"
		else
			t_fail "MKL_THREADING_LAYER=$layer: --expect $bad exited $rc"
			grep -E '^(FAIL|PASS)  blas-' "$T_OUT/$n-bad.txt" | sed 's/^/    /'
		fi
	done
}

flexiblas_section
mkl_section
t_summary
