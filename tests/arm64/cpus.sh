# SPDX-License-Identifier: MIT
# tests/arm64/cpus.sh — sourced by tests/arm64/run.sh after its installs, under qemu-user only:
# `armpy validate --quick` under each emulated Arm CPU model (QEMU_CPU=a64fx, neoverse-n1, max;
# a model this qemu does not know is skipped), with OpenBLAS and then BLIS as libblas.so.3. The
# CPU armpy detects under the model shows the variable reaches the emulated process; the kernels
# armpy names are the ones the library itself picks in that model (openblas_get_corename() by
# ctypes, BLIS's own BLIS_ARCH_DEBUG=1 message), never a kernel name the test expects. Where the
# BLIS build has an SVE configuration (armsve, a64fx), under the SVE models it runs one with a
# correct dgemm, or armpy's report names it. The emulated commands run two models at a time
# (cpu_parallel), the cases are judged after, in order. Uses R, A, TRIPLET, T_OUT, blis_says and
# proc_hold.

CPU_MODELS="a64fx neoverse-n1 max"

# qemu_models: the -cpu names of the qemu that binfmt_misc runs for aarch64 binaries.
qemu_models() {
	local interp
	interp=$(sed -n 's/^interpreter //p' /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null)
	"$(readlink -f "${interp:-/usr/bin/qemu-aarch64-static}")" -cpu help 2>/dev/null |
		awk 'NR > 1 { print $1 }'
}

# yget FILE KEY...: a value of a YAML report (nested keys), "" when absent.
yget() {
	python3 -c 'import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
for k in sys.argv[2:]:
    d = d.get(k) if isinstance(d, dict) else None
print("" if d is None else " ".join(map(str, d)) if isinstance(d, list) else d)' "$@" 2>/dev/null
}

# cpu_reached MODEL: armpy detect under QEMU_CPU=MODEL (run by cpu_run_ob) sees that model: a
# named core by its MIDR (the name armpy gives implementer/part), qemu's own "max" (a MIDR armpy
# does not name) by SVE.
cpu_reached() {
	local m=$1 d=$T_OUT/cpu-$1-detect.out name feats want
	[ "$(cat "$T_OUT/cpu-$m-detect.rc" 2>/dev/null)" = 0 ] ||
		{ t_fail "detect under QEMU_CPU=$m"; why "cpu-$m-detect"; return 1; }
	name=$(yget "$d" cpu name) feats=$(yget "$d" cpu features)
	want=$(tr -cd 'a-z0-9' <<<"$m")
	if [ "$m" = max ]; then
		[[ " $feats " == *" sve "* ]] && { t_pass "QEMU_CPU=max reaches the emulated process (detect: sve)"; return 0; }
	elif [ "$(tr 'A-Z' 'a-z' <<<"$name" | tr -cd 'a-z0-9')" = "$want" ]; then
		t_pass "QEMU_CPU=$m reaches the emulated process (detect: $name, implementer $(yget "$d" cpu implementer) part $(yget "$d" cpu part))"
		return 0
	fi
	t_fail "QEMU_CPU=$m does not reach armpy detect (cpu.name '$name', features: $feats)"
	return 1
}

# ob_corename MODEL: openblas_get_corename() of the library behind libblas.so.3, asked directly.
ob_corename() {
	local lib
	lib=$(in_chroot "$R" readlink -f "/usr/lib/$TRIPLET/libblas.so.3")
	in_chroot "$R" env QEMU_CPU="$1" python3 -c 'import ctypes, sys
f = ctypes.CDLL(sys.argv[1]).openblas_get_corename
f.restype = ctypes.c_char_p
print(f().decode())' "$lib"
}

# blis_debug MODEL: the sub-configuration BLIS names with BLIS_ARCH_DEBUG=1 while NumPy multiplies.
blis_debug() {
	in_chroot "$R" env QEMU_CPU="$1" BLIS_ARCH_DEBUG=1 python3 -c 'import numpy as np
a = np.ones((64, 64)); a @ a' 2>&1 >/dev/null |
		sed -nE "s/.*selecting sub-configuration '([a-z0-9_]+)'.*/\1/p" | tail -1
}

# cpu_validate_run MODEL LIB NAME: armpy validate under MODEL, into $T_OUT/NAME.out.
cpu_validate_run() {
	logged "$3" in_chroot "$R" env QEMU_CPU="$1" "$A" validate --expect "$2" --quick --format yaml
}

# cpu_run_ob MODEL: what the OpenBLAS cases of MODEL read: detect (its status in .rc), validate,
# openblas_get_corename().
cpu_run_ob() {
	logged "cpu-$1-detect" in_chroot "$R" env QEMU_CPU="$1" "$A" detect
	echo $? >"$T_OUT/cpu-$1-detect.rc"
	cpu_validate_run "$1" openblas "cpu-$1-ob"
	ob_corename "$1" >"$T_OUT/cpu-$1-corename.out" 2>"$T_OUT/cpu-$1-corename.err"
}

# cpu_run_blis MODEL: what the BLIS cases of MODEL read: BLIS_ARCH_DEBUG's word, validate.
cpu_run_blis() {
	blis_debug "$1" >"$T_OUT/cpu-$1-blisword.out"
	cpu_validate_run "$1" blis "cpu-$1-blis"
}

# cpu_parallel FUNC MODEL...: FUNC MODEL for each model, two at a time in the background (one
# emulated process per core; each writes only its own files), /proc held (run.sh's proc_hold).
cpu_parallel() {
	local f=$1 m; shift
	proc_hold
	for m in "$@"; do
		while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done
		"$f" "$m" &
	done
	wait
	proc_release
}

# cpu_validate MODEL LIB NAME [REPORT.PY OPTIONS]: the validate under MODEL (cpu_validate_run)
# must pass (tests/e2e/report.py) and list QEMU_CPU among the variables the probe saw.
cpu_validate() {
	local m=$1 lib=$2 n=$3
	shift 3
	if logged "$n-y" python3 "$TOP/tests/e2e/report.py" "$T_OUT/$n.out" "$lib" --emulated --kernels "$@"; then
		t_pass "QEMU_CPU=$m $lib: $(cat "$T_OUT/$n-y.out")"
	else
		t_fail "QEMU_CPU=$m $lib: the validate report"; why "$n-y"; why "$n" 8
	fi
	# The probe ran under the same model (armpy passes QEMU_CPU on) and the report says which.
	if [[ " $(yget "$T_OUT/$n.out" environment) " == *" QEMU_CPU=$m "* ]]; then
		t_pass "QEMU_CPU=$m $lib: the report's environment names QEMU_CPU=$m"
	else
		t_fail "QEMU_CPU=$m $lib: the report's environment lacks QEMU_CPU=$m: $(yget "$T_OUT/$n.out" environment)"
	fi
}

# cpu_kernels_same MODEL LIB ARMPY LIBRARY HOW: armpy's kernels equal the library's own word.
cpu_kernels_same() {
	if [ -z "$4" ]; then
		t_fail "QEMU_CPU=$1 $2: the library did not say its kernels ($5)"
	elif [ "$3" = "$4" ]; then
		t_pass "QEMU_CPU=$1 $2: armpy names the kernels the library picks ($4, as $5 says)"
	else
		t_fail "QEMU_CPU=$1 $2: armpy names '$3', $5 says '$4'"
	fi
}

# blis_sve_built MODEL: the SVE sub-configurations (armsve, a64fx) this BLIS build has, asked
# under an SVE MODEL: BLIS_ARCH_TYPE=<id> initialises with one the build has, and aborts with
# one it left out (bli_arch_string(id) names every configuration BLIS knows, built or not).
blis_sve_built() {
	local i=0 n lib
	lib=$(dirname "$(in_chroot "$R" readlink -f "/usr/lib/$TRIPLET/libblas.so.3")")/libblis.so.4
	for n in $BLIS_KNOWN; do
		case $n in armsve|a64fx)
			in_chroot "$R" env QEMU_CPU="$1" BLIS_ARCH_TYPE=$i python3 -c 'import ctypes, sys
l = ctypes.CDLL(sys.argv[1]); l.bli_init(); l.bli_arch_query_id()' "$lib" >/dev/null 2>&1 &&
				printf '%s ' "$n" ;;
		esac
		i=$((i + 1))
	done
}

# blis_sve MODEL WORD NAME: under an SVE model, a BLIS build with an SVE configuration runs it
# (cpu_validate found its dgemm correct), or armpy's blis-kernels check names the one it has.
blis_sve() {
	local m=$1 word=$2 n=$3
	[[ " $(yget "$T_OUT/cpu-$m-detect.out" cpu features) " == *" sve "* ]] || return 0
	[ -n "${BLIS_SVE+set}" ] || BLIS_SVE=$(blis_sve_built "$m")
	if [ -z "$BLIS_SVE" ]; then
		t_skip "QEMU_CPU=$m BLIS SVE kernels: this BLIS build has no SVE configuration (BLIS_ARCH_TYPE=armsve and a64fx abort; it runs $word)"
	elif [[ " $BLIS_SVE " == *" $word "* ]]; then
		t_pass "QEMU_CPU=$m BLIS runs its SVE kernels ($word) and its dgemm is correct"
	elif python3 - "$T_OUT/$n.out" "$BLIS_SVE" <<-'EOF'; then
		import sys, yaml
		c = [c for c in yaml.safe_load(open(sys.argv[1])).get("checks") or []
		     if isinstance(c, dict) and c.get("name") == "blis-kernels"]
		sys.exit(not c or not any(w in str(c[0].get("detail")) for w in sys.argv[2].split()))
		EOF
		t_pass "QEMU_CPU=$m BLIS runs $word, not its SVE kernels ($BLIS_SVE), and armpy's report names them"
	else
		t_fail "QEMU_CPU=$m BLIS runs $word, not its SVE kernels ($BLIS_SVE), and armpy's report does not say so"
	fi
}

# cpus_section: every model with OpenBLAS (installed last by run.sh), then with BLIS.
cpus_section() {
	local known m k word blis reached s=$(date +%s)
	known=$(qemu_models)
	local models=()
	for m in $CPU_MODELS; do
		if grep -qx -- "$m" <<<"$known"; then models+=("$m")
		else t_skip "QEMU_CPU=$m: this qemu does not know the model ($(tr '\n' ' ' <<<"$known"))"; fi
	done
	cpu_parallel cpu_run_ob "${models[@]}"
	for m in "${models[@]}"; do
		cpu_reached "$m" || continue
		cpu_validate "$m" openblas "cpu-$m-ob" --corename
		k=$(yget "$T_OUT/cpu-$m-ob.out" blas kernels)
		cpu_kernels_same "$m" OpenBLAS "$k" "$(cat "$T_OUT/cpu-$m-corename.out")" "openblas_get_corename()"
	done
	blis=$(in_chroot "$R" update-alternatives --list "libblas.so.3-$TRIPLET" | grep -m1 '/blis-')
	if ! logged cpu-alt in_chroot "$R" update-alternatives --set "libblas.so.3-$TRIPLET" "$blis"; then
		t_fail "libblas.so.3 back to BLIS ($blis)"; why cpu-alt; return
	fi
	blis_says "$R" "$TRIPLET" || t_fail "asking the chroot's BLIS which configurations it knows"
	unset BLIS_SVE
	reached=()
	for m in "${models[@]}"; do [ -s "$T_OUT/cpu-$m-detect.out" ] && reached+=("$m"); done
	cpu_parallel cpu_run_blis "${reached[@]}"
	for m in "${reached[@]}"; do
		word=$(cat "$T_OUT/cpu-$m-blisword.out")
		cpu_validate "$m" blis "cpu-$m-blis" ${word:+--blis-kernels "$word"}
		k=$(yget "$T_OUT/cpu-$m-blis.out" blas kernels)
		cpu_kernels_same "$m" BLIS "$k" "$word" "BLIS_ARCH_DEBUG=1"
		[ -z "$word" ] || blis_sve "$m" "$word" "cpu-$m-blis"
	done
	echo "     (the emulated CPU models took $(( $(date +%s) - s ))s)"
}
