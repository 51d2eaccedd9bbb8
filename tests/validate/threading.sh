# SPDX-License-Identifier: MIT
# tests/validate/threading.sh — sourced by run.sh: the threading chosen is the threading that runs.
# Debian's OpenBLAS libblas.so.3/liblapack.so.3 wrappers load libopenblas.so.0 through $ORIGIN,
# the alternatives symlink's directory, so they run whatever libopenblas.so.0 points at. Each case
# sets the alternatives, asks /proc/self/maps of a real NumPy which build is mapped (independently
# of armpy), and holds `armpy validate --expect LIB:THREADING` to it. Every alternative changed
# here is put back as found (mode and value) on exit.

THR_ALTS=("libblas.so.3-$TRIPLET" "liblapack.so.3-$TRIPLET" "libopenblas.so.0-$TRIPLET" "libblis.so.4-$TRIPLET")
THR_SAVED=()
for a in "${THR_ALTS[@]}"; do
	q=$(update-alternatives --query "$a" 2>/dev/null) || continue
	THR_SAVED+=("$a $(sed -n 's/^Status: //p' <<<"$q") $(sed -n 's/^Value: //p' <<<"$q")")
done
thr_restore() {
	local a mode value
	for s in "${THR_SAVED[@]}"; do
		read -r a mode value <<<"$s"
		if [ "$mode" = auto ]; then update-alternatives --auto "$a" >/dev/null 2>&1
		else update-alternatives --set "$a" "$value" >/dev/null 2>&1; fi
	done
}
thr_prev=$(trap -p EXIT); eval "set -- $thr_prev"; THR_PREV=${3:-:}
trap 'thr_restore; eval "$THR_PREV"' EXIT

L=/usr/lib/$TRIPLET
# thr_set BLAS-DIR LAPACK-DIR OPENBLAS-DIR: the three alternatives NumPy's libraries go through
thr_set() {
	update-alternatives --set "libblas.so.3-$TRIPLET" "$L/$1/libblas.so.3" >/dev/null &&
	update-alternatives --set "liblapack.so.3-$TRIPLET" "$L/$2/liblapack.so.3" >/dev/null &&
	update-alternatives --set "libopenblas.so.0-$TRIPLET" "$L/$3/libopenblas.so.0" >/dev/null
}
# What the dynamic linker really mapped while NumPy ran a @ b and a solve: the variant directories.
thr_mapped() {
	"$PY" -c 'import numpy as np
a = np.ones((64, 64)); a @ a; np.linalg.solve(a + np.eye(64), np.ones(64))
print(" ".join(sorted({l.split()[-1].split("/")[-2] for l in open("/proc/self/maps")
                       if "/openblas-" in l or "/blis-" in l})))'
}
# thr_case NAME EXPECT WANT-RC CHECK-REGEX: validate --expect EXPECT exits WANT-RC with a
# blas-threading line matching CHECK-REGEX
thr_case() {
	local name=$1 expect=$2 want=$3 re=$4 f=$OUT/threading-$1.txt rc
	"$ARMPY" validate --python "$PY" --expect "$expect" --quick >"$f" 2>&1; rc=$?
	if [ "$rc" -eq "$want" ] && grep -qE "$re" "$f"; then
		t_pass "threading $name: --expect $expect exits $rc; $(grep -E '^[A-Z]+ +blas-threading' "$f" | cut -c1-160)"
	else
		t_fail "threading $name: --expect $expect exited $rc (want $want), no line like '$re'"
		grep -E "blas-(library|threading)|^FAILED|^passed" "$f" | sed 's/^/    /'
	fi
}

missing=
for d in openblas-openmp openblas-pthread blis-openmp; do [ -d "$L/$d" ] || missing="$missing $d"; done
if [ -n "$missing" ]; then
	t_fail "threading: missing$missing (install scripts/deps/test-validate.apt.txt)"
else
	# OpenBLAS/OpenMP as libblas.so.3 and liblapack.so.3 alone set it: libopenblas.so.0 stays pthread
	thr_set openblas-openmp openblas-openmp openblas-pthread
	m=$(thr_mapped)
	t_check "OpenMP wrappers, libopenblas.so.0 on pthread: NumPy maps the pthread build ($m)" \
		grep -qx 'openblas-openmp openblas-pthread' <<<"$m"
	thr_case openblas-stale openblas:openmp 1 "^FAIL  blas-threading +.*libopenblas\.so\.0 points at the pthreads build.*update-alternatives --set libopenblas\.so\.0-$TRIPLET $L/openblas-openmp/libopenblas\.so\.0"
	thr_set openblas-openmp openblas-openmp openblas-openmp
	m=$(thr_mapped)
	t_check "all three on OpenMP: NumPy maps only the openmp build ($m)" grep -qx 'openblas-openmp' <<<"$m"
	thr_case openblas-set openblas:openmp 0 "^PASS  blas-threading +the openmp builds run: .*$L/openblas-openmp/libopenblasp"
	thr_case openblas-other openblas:pthreads 1 "^FAIL  blas-threading +the pthreads build was chosen"

	# BLIS/OpenMP: its LAPACK is OpenBLAS's, through the same libopenblas.so.0
	thr_set blis-openmp openblas-openmp openblas-pthread
	m=$(thr_mapped)
	t_check "BLIS/OpenMP, libopenblas.so.0 on pthread: its LAPACK maps the pthread build ($m)" \
		grep -qx 'blis-openmp openblas-openmp openblas-pthread' <<<"$m"
	thr_case blis-stale blis:openmp 1 "^FAIL  blas-threading +.*libopenblas\.so\.0 points at the pthreads build"
	thr_set blis-openmp openblas-openmp openblas-openmp
	m=$(thr_mapped)
	t_check "BLIS/OpenMP with all three set: only openmp builds mapped ($m)" \
		grep -qx 'blis-openmp openblas-openmp' <<<"$m"
	thr_case blis-set blis:openmp 0 "^PASS  blas-threading +the openmp builds run: .*$L/blis-openmp/libblas\.so\.3"
	thr_restore
fi
