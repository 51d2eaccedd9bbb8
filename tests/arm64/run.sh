#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/arm64/run.sh — armpy on a real arm64 Debian userland (qemu-user): build its Debian package
# there (`make deb`, whose build runs the unit tests: their counts are read from the build log),
# install it with apt, detect, then install and validate NumPy on BLIS and on OpenBLAS with the
# installed /usr/bin/armpy; under qemu-user, validate both again under the emulated
# CPU models a64fx, neoverse-n1 and max (QEMU_CPU): the kernels armpy names must be the ones the
# library itself picks there (tests/arm64/cpus.sh); then undo both installs (the root as before).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-chroot.sh"
. "$TOP/tests/lib-undo.sh"
HERE=$TOP/tests/arm64
PROFILES=$TOP/tests/e2e/profiles
T_OUT=$TOP/tests/out/arm64
T_TIMEOUT=2400
mkdir -p "$T_OUT"
rm -f "$T_OUT"/*.out "$T_OUT"/*.err
TRIPLET=aarch64-linux-gnu
t0=$(date +%s)
# Emulated (qemu-user) on any other host; native on an arm64 one, where nothing is emulated.
if [ "$(dpkg --print-architecture)" = arm64 ]; then EMU=0 RUNS=native; else EMU=1 RUNS=emulated; fi

if ! why_not=$(chroot_can_run arm64); then
	t_skip "arm64 (qemu-user chroot): $why_not"
	t_summary; exit
fi

# What building, unit-testing and packaging armpy needs, plus python3 for validation.
chroot_setup_arm64_build "bookworm arm64 chroot with the build dependencies" || { t_summary; exit; }
R=$CHROOT_ROOT

# proc_hold, proc_release: /proc mounted in R around commands run side by side (in_chroot mounts
# and unmounts it around each command: under the other's feet then).
proc_hold() {
	PROC_HELD=0
	mountpoint -q "$R/proc" || { mount -t proc proc "$R/proc" && PROC_HELD=1; }
}
proc_release() { [ "$PROC_HELD" = 0 ] || umount "$R/proc" || umount -l "$R/proc"; }

if [ "$(in_chroot "$R" uname -m)" = aarch64 ]; then
	t_pass "the chroot runs arm64 binaries (uname -m: aarch64)"
else
	t_fail "the chroot does not run as aarch64"; t_summary; exit
fi

# The source tree as it is in the working tree (git's tracked files and new ones not yet added,
# never what .gitignore excludes: no build products), into /src.
mkdir -p "$R/src"
(
	cd "$TOP" || exit 1
	if git rev-parse --git-dir >/dev/null 2>&1; then
		git ls-files -z --cached --others --exclude-standard |
			while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done |
			tar --null -T - -cf -
	else
		tar --exclude=./.git --exclude='*.o' --exclude='*.d' --exclude=./armpy \
			--exclude=./tests/out -cf - .
	fi
) | tar -xf - -C "$R/src" || { t_fail "copying the source tree into the chroot"; t_summary; exit; }

# The Debian package, built once (dpkg-buildpackage, Debian's hardening flags): its dh_auto_test
# builds and runs the unit tests, each binary's output between "== unit/NAME" lines of the build
# log (debian/rules); their cmocka counts are this suite's cases.
VERSION=$(cat "$TOP/VERSION")
s=$(date +%s)
logged deb in_chroot "$R" env DEB_BUILD_OPTIONS="noddebs parallel=2" ARMPY_TODAY="$ARMPY_TODAY" \
	make -C /src deb
deb_rc=$?
echo "     (make deb under emulation, unit tests included, took $(( $(date +%s) - s ))s)"

# unit_log LOG NAME: unit binary NAME's lines in a package build log, its exit line last.
unit_log() {
	awk -v n="== unit/$2" '$0 == n { on = 1; next } on && index($0, n ": exit ") == 1 { print; exit } on' "$1"
}
for c in "$R"/src/tests/unit/test-*.c; do
	n=$(basename "$c" .c)
	unit_log "$T_OUT/deb.out" "$n" >"$T_OUT/unit-$n.out"
	p=$(grep -aE '^\[  PASSED  \] [0-9]+ test' "$T_OUT/unit-$n.out" | tail -1 | sed -E 's/[^0-9]*([0-9]+).*/\1/')
	f=$(grep -aE '^\[  FAILED  \] [0-9]+ test' "$T_OUT/unit-$n.out" | tail -1 | sed -E 's/[^0-9]*([0-9]+).*/\1/')
	rc=$(sed -nE 's/^== unit\/.*: exit ([0-9]+)$/\1/p' "$T_OUT/unit-$n.out")
	p=${p:-0} f=${f:-0}
	if [ "${rc:-1}" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed, or never ran
	T_PASSED=$((T_PASSED + p)); T_FAILED=$((T_FAILED + f))
	if [ -n "$rc" ]; then echo "     unit/$n on arm64: $p passed, $f failed"
	else echo "     unit/$n on arm64: not run (no '== unit/$n: exit' line in the build log)"; fi
	[ "$f" -eq 0 ] || grep -avE '^\[ (RUN|      OK) ' "$T_OUT/unit-$n.out" | tail -30 | sed 's/^/    | /'
done
if [ $deb_rc -eq 0 ]; then
	t_pass "make deb inside the arm64 chroot (the unit tests ran in its build)"
else
	t_fail "make deb inside the arm64 chroot (exit $deb_rc)"; why deb 25
fi
if grep -E '(^|[^-])warning:' "$T_OUT/deb.err" | grep -v dpkg >/dev/null; then
	t_fail "the arm64 build has warnings"
	grep -E '(^|[^-])warning:' "$T_OUT/deb.err" | grep -v dpkg | head -10 | sed 's/^/    /'
else
	t_pass "the arm64 build has no warnings"
fi
[ $deb_rc -eq 0 ] || { t_summary; exit; }
DEB=/src/dist/armpy_${VERSION}_arm64.deb
if [ "$(dpkg-deb -f "$R$DEB" Architecture 2>/dev/null)" = arm64 ]; then
	t_pass "$(basename "$DEB") is built, Architecture: arm64"
else
	t_fail "no arm64 package at $DEB"; t_summary; exit
fi
# The rest runs the installed armpy (/usr/bin/armpy, its probe /usr/share/armpy/armpy-probe.py).
t_logged "apt-get install $(basename "$DEB") in the arm64 chroot" deb-install \
	in_chroot "$R" apt-get install -y -q "$DEB" || { t_summary; exit; }
A=/usr/bin/armpy
if in_chroot "$R" sh -c "od -An -tx1 -j18 -N2 $A" | grep -q 'b7 00'; then
	t_pass "$A is an aarch64 ELF"
else
	t_fail "$A is not an aarch64 ELF"
fi
if in_chroot "$R" dpkg -S /usr/share/armpy/armpy-probe.py "$A" >"$T_OUT/deb-owns.out" 2>&1 &&
    [ "$(grep -c '^armpy: ' "$T_OUT/deb-owns.out")" -eq 2 ]; then
	t_pass "$A and /usr/share/armpy/armpy-probe.py come from the package"
else
	t_fail "$A and its probe should come from the armpy package"; why deb-owns
fi

# Detection inside: the arm64 binary under qemu sees the host's x86 /proc/cpuinfo.
if logged detect in_chroot "$R" "$A" detect; then
	d=$T_OUT/detect.out
	grep -qx 'arch: aarch64' "$d" && t_pass "detect: arch: aarch64" || t_fail "detect: no 'arch: aarch64'"
	grep -qx 'multiarch: aarch64-linux-gnu' "$d" && t_pass "detect: multiarch: aarch64-linux-gnu" ||
		t_fail "detect: no 'multiarch: aarch64-linux-gnu'"
	want=true; [ $EMU -eq 1 ] || want=false
	grep -qx "emulated: $want" "$d" && t_pass "detect: emulated: $want ($RUNS)" || t_fail "detect: no 'emulated: $want' ($RUNS)"
	# Under qemu, /proc/cpuinfo is the host's: none of the host CPU's own names (whatever CPU it
	# is: its vendor and model as the kernel gives them, the OpenBLAS target and BLIS config armpy
	# detects for it) nor any x86 word may appear as the arm64 CPU.
	host=()
	if [ $EMU -eq 1 ]; then
		mapfile -t host < <({
			sed -nE 's/^(vendor_id|model name)[[:space:]]*: *(.*[^ ]) *$/\2/p' /proc/cpuinfo | sort -u
			"$ARMPY" detect 2>/dev/null | python3 -c 'import sys, yaml
c = yaml.safe_load(sys.stdin).get("cpu") or {}
for k in ("vendor", "name", "openblas_target", "blis_config"):
    print(c.get(k) or "")'
		} | grep -viE '^(|generic|unknown|null|auto|none|x86_64|amd64)$' | sort -u)
	fi
	cpu=$(sed -n '/^cpu:/,/^[a-z]/p' "$d")
	claimed=$(grep -oiE 'intel|amd|epyc|xeon|ryzen|x86|haswell|zen|skylake|cooperlake|sapphire|cascade' <<<"$cpu" | head -1)
	for w in "${host[@]}"; do [ -z "$claimed" ] && grep -qiF -- "$w" <<<"$cpu" && claimed=$w; done
	if [ -n "$claimed" ]; then
		t_fail "detect claims an x86 CPU ('$claimed') for the arm64 binary:"; head -12 <<<"$cpu" | sed 's/^/    /'
	else
		t_pass "detect does not claim an x86 CPU${host[0]:+ (nor the names of the host CPU: ${host[*]})}"
	fi
else
	t_fail "armpy detect inside the arm64 chroot"; why detect
fi
fx=$(ls "$TOP"/tests/fixtures/cpuinfo/*[nN]eoverse-[nN]1* 2>/dev/null | head -1)
if [ -z "$fx" ]; then
	t_fail "no Neoverse-N1 cpuinfo fixture in tests/fixtures/cpuinfo/"
elif logged detect-n1 in_chroot "$R" "$A" detect --cpuinfo "/src/tests/fixtures/cpuinfo/$(basename "$fx")" &&
    grep -q 'Neoverse-N1' "$T_OUT/detect-n1.out" && grep -q 'NEOVERSEN1' "$T_OUT/detect-n1.out"; then
	t_pass "detect --cpuinfo $(basename "$fx"): Neoverse-N1, NEOVERSEN1"
else
	t_fail "detect --cpuinfo $(basename "$fx") should say Neoverse-N1 and NEOVERSEN1"; why detect-n1
fi

# What the installs must leave behind once undone (see the undo at the end of the emulated CPUs).
undo_snapshot arm64-before
# Install for real with the arm64 binary, BLIS first (scipy: false).
if logged plan-blis in_chroot "$R" "$A" --profile /src/tests/e2e/profiles/debian-system-blis-noscipy.yaml --dry-run &&
    grep -q "libblas.so.3-$TRIPLET" "$T_OUT/plan-blis.out" && grep -q "/usr/lib/$TRIPLET/blis-" "$T_OUT/plan-blis.out"; then
	t_pass "the plan uses the $TRIPLET triplet (libblas.so.3-$TRIPLET, /usr/lib/$TRIPLET/blis-*)"
else
	t_fail "the arm64 plan should use the $TRIPLET triplet"; why plan-blis
fi
s=$(date +%s)
t_logged "armpy --profile debian-system-blis-noscipy --yes inside the chroot exits 0" blis \
	in_chroot "$R" "$A" --profile /src/tests/e2e/profiles/debian-system-blis-noscipy.yaml --yes
echo "     (install under emulation took $(( $(date +%s) - s ))s)"
expect_blas blis "libblas.so.3 is BLIS's"
if in_chroot "$R" dpkg -s python3-scipy >/dev/null 2>&1; then
	t_fail "python3-scipy got installed in the arm64 chroot (scipy: false)"
else
	t_pass "no python3-scipy in the arm64 chroot"
fi
t_logged "validate --expect blis --quick passes (arm64)" val-blis \
	in_chroot "$R" "$A" validate --expect blis --quick --format yaml
# The kernels BLIS runs here, as BLIS itself says inside the chroot (one ctypes call). Under qemu
# armpy cannot know what to expect; natively the config it detects must match the verdict.
kopt=(--blis-kernels '?')
if blis_says "$R" "$TRIPLET"; then
	kopt=(--blis-kernels "$BLIS_WORD")
	if [ $EMU -eq 0 ]; then
		exp=$(sed -n '/^cpu:/,/^[a-z]/s/^  blis_config: *//p' "$T_OUT/detect.out" 2>/dev/null)
		kopt+=(--expected "${exp:-}" --known "$BLIS_KNOWN")
	fi
else
	t_fail "asking the chroot's BLIS which kernels it runs (tests/e2e/blisarch.py)"
fi
if logged val-blis-y python3 "$TOP/tests/e2e/report.py" "$T_OUT/val-blis.out" blis --$RUNS "${kopt[@]}"; then
	t_pass "arm64 BLIS report: $(cat "$T_OUT/val-blis-y.out"); timings labelled $RUNS"
else
	t_fail "arm64 BLIS report (BLIS says it runs ${BLIS_WORD:-?})"; why val-blis-y
fi

# Then OpenBLAS the same way.
t_logged "armpy --profile debian-system-openblas-noscipy --yes inside the chroot exits 0" openblas \
	in_chroot "$R" "$A" --profile /src/tests/e2e/profiles/debian-system-openblas-noscipy.yaml --yes
expect_blas openblas "libblas.so.3 moved to OpenBLAS"
# The text output is asked for at the same time (one emulated process per core).
proc_hold
logged val-ob-text in_chroot "$R" "$A" validate --expect openblas --quick &
text=$!
t_logged "validate --expect openblas --quick passes (arm64)" val-ob \
	in_chroot "$R" "$A" validate --expect openblas --quick --format yaml
if logged val-ob-y python3 "$TOP/tests/e2e/report.py" "$T_OUT/val-ob.out" openblas --lapack openblas --$RUNS --corename --kernels; then
	t_pass "arm64 OpenBLAS report: $(cat "$T_OUT/val-ob-y.out")"
else
	t_fail "arm64 OpenBLAS report"; why val-ob-y
fi
wait $text; rc=$?
proc_release
if [ $rc -eq 0 ]; then t_pass "validate text output (arm64)"
else t_fail "validate text output (arm64) (exit $rc)"; why val-ob-text; fi
if [ $EMU -eq 1 ]; then
	grep -qi emulated "$T_OUT/val-ob-text.out" && t_pass "text validation says 'emulated'" ||
		t_fail "text validation does not say 'emulated'"
fi

# Under each emulated Arm CPU model (qemu-user only): tests/arm64/cpus.sh.
if [ $EMU -eq 1 ] && t_section "emulated Arm CPUs (QEMU_CPU)"; then
	. "$HERE/cpus.sh"
	cpus_section
fi

# Undo both installs with the arm64 binary (issue 23): the root as it was before them. First
# the OpenBLAS run's profile.d file rewritten by hand: its undo is refused, naming no run; then
# the file put back as that run left it. (libblas.so.3, which the CPU models above switched back
# to BLIS by hand, is as it was before the OpenBLAS run: no conflict, nothing to do for it.)
ENVF=$R/etc/profile.d/armpy-blas.sh
if [ -f "$ENVF" ] && cp -p "$ENVF" "$T_OUT/armpy-blas.sh.keep" && echo '# by hand' >>"$ENVF"; then
	logged undo-refused in_chroot "$R" "$A" undo --dry-run; rc=$?
	if [ "$rc" = 2 ] && grep -q 'armpy-blas.sh was rewritten since the run wrote it, by no run armpy knows' \
		"$T_OUT/undo-refused.err"; then
		t_pass "undo refused while the run's profile.d file is rewritten by hand (exit 2)"
	else
		t_fail "undo after a rewrite by hand: exit $rc"; why undo-refused
	fi
	cp -p "$T_OUT/armpy-blas.sh.keep" "$ENVF"
else
	t_fail "the OpenBLAS run wrote no $ENVF"
fi
t_logged "armpy undo --yes (the OpenBLAS run) inside the arm64 chroot" undo-ob in_chroot "$R" "$A" undo --yes
expect_blas blis "after the OpenBLAS run's undo, libblas.so.3 is BLIS's again"
t_logged "armpy undo --yes (the BLIS run) inside the arm64 chroot" undo-blis in_chroot "$R" "$A" undo --yes
undo_same_as arm64-before "after both undos, the arm64 root's packages, alternatives and files are as before the installs"

# The installed armpy plans from its own profiles.
t_logged "installed: armpy --profile /usr/share/armpy/profiles/devkit-debian-system-blis.yaml --dry-run" \
	deb-dry in_chroot "$R" /usr/bin/armpy --profile /usr/share/armpy/profiles/devkit-debian-system-blis.yaml --dry-run
grep -q "libblas.so.3-$TRIPLET" "$T_OUT/deb-dry.out" &&
	t_pass "the installed armpy plans for $TRIPLET" || t_fail "the installed armpy's plan lacks $TRIPLET"

left=$(chroot_stray_mounts "$R")
[ -z "$left" ] && t_pass "no mounts left behind in the arm64 chroot" || t_fail "mounts left: $left"
chroot_destroy_all
echo "     (arm64 took $(( $(date +%s) - t0 ))s)"
t_summary
