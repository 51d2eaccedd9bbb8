# SPDX-License-Identifier: MIT
# tests/e2e/threading.sh — sourced by run.sh with the chroot R on the DevKit BLIS profile (OpenMP):
# the threading chosen is the threading that runs. A machine that also has the pthread builds
# (here installed beside them) keeps libopenblas.so.0 in auto mode on pthread, the highest
# priority, and Debian's OpenBLAS wrappers load it through $ORIGIN: the profile's run must set it.

# The variant directories of what NumPy really maps in the chroot while it runs a @ b and a solve.
thr_maps() {
	in_chroot "$R" python3 -c 'import numpy as np
a = np.ones((64, 64)); a @ a; np.linalg.solve(a + np.eye(64), np.ones(64))
print(" ".join(sorted({l.split()[-1].split("/")[-2] for l in open("/proc/self/maps")
                       if "/openblas-" in l or "/blis-" in l})))'
}
# thr_profile NAME PROFILE LIB (also the logs' name): libopenblas.so.0 back to auto (pthread), the profile run repairs it,
# NumPy then maps only OpenMP builds, and validate --expect LIB:openmp passes its blas-threading.
thr_profile() {
	local name=$1 prof=$2 lib=$3 m
	in_chroot "$R" update-alternatives --auto "libopenblas.so.0-$TRIPLET" >/dev/null
	m=$(thr_maps)
	if [[ " $m " == *" openblas-pthread "* ]]; then t_pass "$name: with libopenblas.so.0 in auto mode NumPy maps the pthread build ($m)"
	else t_fail "$name: libopenblas.so.0 in auto mode should map openblas-pthread, maps '$m'"; fi
	t_logged "$name: armpy --profile $(basename "$prof") --root CHROOT --yes exits 0 (its validation expects $lib:openmp)" "thr-$lib" \
		"$ARMPY" --profile "$prof" --root "$R" --yes
	m=$(thr_maps)
	if [ -n "$m" ] && ! grep -qE 'pthread|serial' <<<"$m"; then t_pass "$name: after the run NumPy maps only OpenMP builds ($m)"
	else t_fail "$name: after the run NumPy maps '$m'"; fi
	logged "thr-$lib-val" "$ARMPY" validate --root "$R" --expect "$lib:openmp" --quick
	if grep -qE "^PASS  blas-threading +the openmp builds run: " "$T_OUT/thr-$lib-val.out"; then
		t_pass "$name: validate --expect $lib:openmp shows an OpenMP build ($(grep -E '^PASS  blas-threading' "$T_OUT/thr-$lib-val.out" | cut -c1-140))"
	else
		t_fail "$name: validate --expect $lib:openmp"; why "thr-$lib-val" 20
	fi
}

thr_cases() {
	t_logged "threading: the pthread builds installed beside the OpenMP ones" thr-apt \
		in_chroot "$R" DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		libopenblas0-pthread libblis4-pthread
	in_chroot "$R" update-alternatives --auto "libopenblas.so.0-$TRIPLET" >/dev/null
	logged thr-stale "$ARMPY" validate --root "$R" --expect blis:openmp --quick
	rc=$?
	if [ $rc -eq 1 ] && grep -qE "^FAIL  blas-threading +.*libopenblas\.so\.0 points at the pthreads build.*update-alternatives --set libopenblas\.so\.0-$TRIPLET " "$T_OUT/thr-stale.out"; then
		t_pass "BLIS/OpenMP with libopenblas.so.0 on pthread: validate --expect blis:openmp exits 1 naming libopenblas.so.0"
	else
		t_fail "BLIS/OpenMP with libopenblas.so.0 on pthread: validate exit $rc (want 1 naming libopenblas.so.0)"; why thr-stale 20
	fi
	thr_profile "BLIS/OpenMP" "$BLIS_PROFILE" blis
	thr_profile "OpenBLAS/OpenMP" "$OPENBLAS_PROFILE" openblas
}
if grep -qE '^ *threading: openmp' "$BLIS_PROFILE" && grep -qE '^ *threading: openmp' "$OPENBLAS_PROFILE"; then
	thr_cases
else
	t_skip "threading: the profiles $(basename "$BLIS_PROFILE") and $(basename "$OPENBLAS_PROFILE") are not both OpenMP"
fi
