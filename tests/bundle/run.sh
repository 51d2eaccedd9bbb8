#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/bundle/run.sh — machines without internet: `armpy bundle` made from the facts of a fresh
# Debian bookworm amd64 chroot, then installed into it by the host binary with --root inside a
# network namespace that has only loopback (unshare -n), and validated. Damaged bundles (a
# byte, a missing or extra member, a symlink, another release or architecture) are refused
# before anything runs; the install is undone offline; profiles no test has run are refused by
# armpy bundle. The pip route (pip.sh): a bundle of the pip suite's BLIS profile installed and
# validated offline.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-chroot.sh"
. "$TOP/tests/lib-undo.sh"
HERE=$TOP/tests/bundle
T_OUT=$TOP/tests/out/bundle
T_TIMEOUT=1800
TRIPLET=x86_64-linux-gnu
mkdir -p "$T_OUT"
rm -f "$T_OUT"/*.out "$T_OUT"/*.err "$T_OUT"/*.tar "$T_OUT"/*.bundle "$T_OUT"/*.yaml
pick() { if [ -f "$TOP/profiles/$1" ]; then echo "$TOP/profiles/$1"; else echo "$TOP/tests/e2e/profiles/$2"; fi; }
PROFILE=$(pick devkit-debian-system-blis.yaml debian-system-blis.yaml)
export ARMPY_STATE_DIR=$T_OUT/state
rm -rf "$ARMPY_STATE_DIR"

if ! why_not=$(chroot_can_run amd64); then
	t_skip "bundle (amd64 chroot): $why_not"; t_summary; exit
fi
for tool in unshare ip zstd; do
	command -v $tool >/dev/null || { t_skip "bundle: $tool is not installed"; t_summary; exit; }
done
[ -x "$ARMPY" ] || { t_fail "bundle: no armpy binary at $ARMPY (run make)"; t_summary; exit; }

# offline CMD...: CMD in a new network namespace whose only interface is loopback (up).
offline() {
	unshare -n -- /bin/sh -c 'ip link set lo up && exec "$@"' offline "$@"
}

# own_archives ROOT: the root gets an empty apt archive cache of its own instead of the suites'
# shared one (chroot_new binds it): no .deb may come from anywhere but the bundle.
own_archives() {
	umount "$1/var/cache/apt/archives" && mkdir -p "$1/var/cache/apt/archives/partial" &&
		[ -z "$(find "$1/var/cache/apt/archives" -name '*.deb' -print -quit)" ]
}
no_debs_cached() { # ROOT NAME: apt read the bundle's .debs in place, it copied none
	if [ -z "$(find "$1/var/cache/apt/archives" -name '*.deb' -print -quit)" ]; then
		t_pass "$2: no .deb in the root's apt archive cache (apt read the bundle's in place)"
	else t_fail "$2: .debs in the root's apt archive cache"; fi
}

chroot_setup "bookworm amd64 minbase chroot" amd64 python3 || { t_summary; exit; }
R=$CHROOT_ROOT
own_archives "$R" || { t_fail "an empty apt archive cache in the chroot"; t_summary; exit; }

links=$(offline ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')
if [ "$links" = "lo " ]; then t_pass "the namespace has only loopback"
else t_fail "the namespace has interfaces besides loopback: $links"; fi
if logged apt-offline offline in_chroot "$R" apt-get -o Acquire::Retries=0 update ||
    grep -q '^Err' "$T_OUT/apt-offline.out"; then
	grep -q '^Err' "$T_OUT/apt-offline.out" && t_pass "in the namespace the mirror is unreachable (apt-get update: Err)" ||
		{ t_fail "apt-get update reached the mirror from the namespace"; why apt-offline; }
else
	t_pass "in the namespace the mirror is unreachable (apt-get update fails)"
fi

# 1. The bundle, on this (connected) machine, from the chroot's facts.
t_logged "armpy detect --root CHROOT (the target's facts)" facts "$ARMPY" detect --root "$R"
cp "$T_OUT/facts.out" "$T_OUT/target-facts.yaml"
s=$(date +%s)
# -o relative to a directory below the current one, as people type it
t_logged "armpy bundle --facts FACTS -o DIR/FILE exits 0" build env -C "$T_OUT/.." \
	"$ARMPY" bundle --profile "$PROFILE" --facts "$T_OUT/target-facts.yaml" -o bundle/blis.bundle
echo "     (bundle made in $(( $(date +%s) - s ))s: $(du -m "$T_OUT/blis.bundle" | cut -f1) MB)"
sed 's/^/     | /' "$T_OUT/build.out"
if grep -q '\.deb files' "$T_OUT/build.out" && grep -q 'signed index' "$T_OUT/build.out"; then
	t_pass "the summary says the .debs and the signed index it holds"
else t_fail "the summary does not say what the bundle holds"; why build; fi

# 2. Damaged bundles: refused before anything runs, with the reason.
zstd -q -dc "$T_OUT/blis.bundle" >"$T_OUT/good.tar"
refused() { # HOW PATTERN
	local how=$1 pat=$2 rc=0
	/usr/bin/python3 "$HERE/tamper.py" "$T_OUT/good.tar" "$T_OUT/$how.tar" "$how" >/dev/null
	logged "bad-$how" offline "$ARMPY" --profile "$PROFILE" --root "$R" --bundle "$T_OUT/$how.tar" --yes || rc=$?
	if [ $rc -eq 2 ] && grep -q "refused: .*$pat" "$T_OUT/bad-$how.err"; then
		t_pass "bundle with $how: exit 2, '$(grep -o "$pat" "$T_OUT/bad-$how.err" | head -1)'"
	else
		t_fail "bundle with $how: exit $rc (want 2, refused: ... $pat)"; why "bad-$how"
	fi
}
refused byte "does not have the sha256 the manifest says"
refused missing "of the manifest is missing"
refused extra "is not in the manifest"
refused symlink "is not a regular file"
refused badname "a member's name is not allowed"
if [ "$(grep -c . "$T_OUT/bad-badname.err")" -eq 1 ] && ! grep -q $'\x1b' "$T_OUT/bad-badname.err"; then
	t_pass "a member's name with a newline and ESC is refused on one line, escaped"
else t_fail "a member's name with a newline and ESC is echoed raw"; why bad-badname; fi
refused release "made for debian 11 x86_64"
refused arch "made for debian 12 aarch64"
refused plan "this machine's plan differs from the bundle's"
left=$(cd "$R/var/lib" && ls -A armpy 2>/dev/null | tr '\n' ' ')
if [ -z "$left" ] && ! in_chroot "$R" dpkg -s python3-numpy >/dev/null 2>&1; then
	t_pass "after the refusals nothing was unpacked or installed in the root"
else t_fail "after the refusals the root has /var/lib/armpy: '$left' (or numpy)"; fi
t_logged "the undamaged tar verifies (--dry-run)" good-dry \
	offline "$ARMPY" --profile "$PROFILE" --root "$R" --bundle "$T_OUT/good.tar" --dry-run
if grep -q 'file:/var/lib/armpy/bundle/apt/debian bookworm main' "$T_OUT/good-dry.out" &&
    grep -q 'Dir::Etc::sourcelist=/var/lib/armpy/bundle-sources.list' "$T_OUT/good-dry.out"; then
	t_pass "the listing shows apt reading the bundle (its sources list, file: source)"
else t_fail "the listing does not show where the packages come from"; why good-dry 40; fi

# 3. The install, offline; the root's own apt configuration and lists are not changed.
apt_state() { (cd "$R" && find etc/apt var/lib/apt/lists -xdev -type f ! -name lock -print0 |
	sort -z | xargs -0 sha256sum); }
apt_state >"$T_OUT/apt-before.txt"
undo_snapshot bundle-before
s=$(date +%s)
t_logged "offline: armpy --profile P --root CHROOT --bundle FILE --yes exits 0 (installs, validates)" \
	install offline "$ARMPY" --profile "$PROFILE" --root "$R" --bundle "$T_OUT/blis.bundle" --yes
echo "     (offline install took $(( $(date +%s) - s ))s)"
expect_blas blis "libblas.so.3 is BLIS's"
no_debs_cached "$R" "amd64"
if logged import in_chroot "$R" python3 -c 'import numpy, scipy; print(numpy.__version__, scipy.__version__)'; then
	t_pass "python3 -c 'import numpy, scipy' in the chroot ($(cat "$T_OUT/import.out"))"
else t_fail "import numpy, scipy in the chroot"; why import; fi
t_logged "offline: armpy validate --root CHROOT --expect blis passes" validate \
	offline "$ARMPY" validate --root "$R" --expect blis --quick
apt_state >"$T_OUT/apt-after.txt"
if cmp -s "$T_OUT/apt-before.txt" "$T_OUT/apt-after.txt"; then
	t_pass "the root's /etc/apt and /var/lib/apt/lists are unchanged"
else t_fail "the root's apt state changed:"; diff "$T_OUT/apt-before.txt" "$T_OUT/apt-after.txt" | head | sed 's/^/    | /'; fi
t_logged "offline: the same bundle again exits 0" again \
	offline "$ARMPY" --profile "$PROFILE" --root "$R" --bundle "$T_OUT/blis.bundle" --yes
# Every step but the validation is satisfied: the bundle is unpacked afresh, and its sources
# list (beside the unpacked directory) is the one the first run wrote.
if [ "$(grep -c '^\[[0-9]*/[0-9]*\] .*: done (' "$T_OUT/again.out")" -eq 1 ] &&
    grep -q '^\[1/[0-9]*\] Point apt at the bundle.*: already satisfied' "$T_OUT/again.out" &&
    grep -q '^\[[0-9]*/[0-9]*\] Validate .*: done (' "$T_OUT/again.out"; then
	t_pass "second run: every step already satisfied (the sources list too), only validation runs"
else t_fail "second run should find every step but validation satisfied"; why again 30; fi

# 3b. Undo, offline: the second run changed nothing, the first is put back (packages purged,
# libblas.so.3's alternative and the bundle's sources list as before). The unpacked bundle stays.
t_logged "offline: armpy undo --yes (the second run: nothing to put back)" undo-again \
	offline "$ARMPY" undo --yes
t_logged "offline: armpy undo --yes (the bundle's install)" undo-install offline "$ARMPY" undo --yes
undo_same_as bundle-before "after the undos the root's packages, alternatives and files are as before the install"
if [ ! -e "$R/var/lib/armpy/bundle-sources.list" ] && [ -d "$R/var/lib/armpy/bundle/apt" ]; then
	t_pass "undo removed the bundle's sources list; the unpacked bundle stays, as documented"
else t_fail "after undo: bundle-sources.list $( [ -e "$R/var/lib/armpy/bundle-sources.list" ] && echo is || echo is not) there, the unpacked bundle $( [ -d "$R/var/lib/armpy/bundle/apt" ] && echo is || echo is not)"; fi

# 4. What no test has run is refused by armpy bundle, with the reason.
no_test() { # NAME PROFILE FACTS
	local rc=0
	logged "no-$1" "$ARMPY" bundle --profile "$2" --facts "$3" -o "$T_OUT/no-$1.bundle" || rc=$?
	if [ $rc -eq 2 ] && grep -q 'no test has run this' "$T_OUT/no-$1.err" && [ ! -e "$T_OUT/no-$1.bundle" ]; then
		t_pass "armpy bundle refuses $1: $(grep -o 'bundles install .*' "$T_OUT/no-$1.err")"
	else t_fail "armpy bundle $1: exit $rc (want 2, 'no test has run this', no file)"; why "no-$1"; fi
}
no_test pip "$TOP/profiles/pip-venv-openblas.yaml" "$T_OUT/target-facts.yaml"
no_test conda "$TOP/profiles/conda-miniforge-openblas.yaml" "$T_OUT/target-facts.yaml"
no_test source "$TOP/tests/conform/profiles/source-blis.yaml" "$T_OUT/target-facts.yaml"
sed 's/^  version: "12"$/  version: "11"/' "$T_OUT/target-facts.yaml" >"$T_OUT/debian11-facts.yaml"
no_test debian11 "$PROFILE" "$T_OUT/debian11-facts.yaml"

# 4a. SIGTERM while armpy bundle's apt-get runs: the command's group is stopped, the work
# directory and the partial bundle are removed, armpy dies of the signal.
rm -rf "$T_OUT/sig"; mkdir -p "$T_OUT/sig"
"$ARMPY" bundle --profile "$PROFILE" --facts "$T_OUT/target-facts.yaml" -o "$T_OUT/sig/b.bundle" \
	>"$T_OUT/sig.out" 2>"$T_OUT/sig.err" &
bpid=$!
for _ in $(seq 600); do pgrep -f 'apt-get.*/sig/\.armpy-bundle-' >/dev/null && break; sleep 0.05; done
apt_seen=$(pgrep -f 'apt-get.*/sig/\.armpy-bundle-' | wc -l)
kill -TERM "$bpid"; wait "$bpid"; rc=$?
sleep 0.5
if [ "$apt_seen" -gt 0 ] && [ $rc -eq 143 ] && [ -z "$(ls -A "$T_OUT/sig")" ] &&
    ! pgrep -f 'apt-get.*/sig/\.armpy-bundle-' >/dev/null && grep -q 'interrupted by SIGTERM' "$T_OUT/sig.err"; then
	t_pass "SIGTERM during armpy bundle's apt-get: exit 143, apt-get stopped, nothing left beside the output"
else t_fail "SIGTERM during armpy bundle (apt-get seen: $apt_seen): exit $rc, left: '$(ls -A "$T_OUT/sig" | tr '\n' ' ')'"; why sig; fi

# 4b. The pip route from a bundle (tests/bundle/pip.sh).
. "$HERE/pip.sh"

# 5. arm64: the bundle made here (amd64) from the facts of an arm64 chroot, installed into it
# under qemu-user, offline.
if ! why_not=$(chroot_can_run arm64); then
	t_skip "bundle for arm64 (qemu-user chroot): $why_not"; t_summary; exit
fi
# The arm64 suite's chroot (one tarball built under qemu-user, not two): a bundle holds what a
# minimal installation lacks, so a root with more installed takes it as well.
chroot_setup_arm64_build "bookworm arm64 chroot (qemu-user)" || { t_summary; exit; }
A=$CHROOT_ROOT
own_archives "$A" || { t_fail "an empty apt archive cache in the arm64 chroot"; t_summary; exit; }
# The host binary's uname is the host's: the root's architecture is read from its own programs.
t_logged "armpy detect --root ARM64-CHROOT" facts-arm64 "$ARMPY" detect --root "$A"
cp "$T_OUT/facts-arm64.out" "$T_OUT/arm64-facts.yaml"
if grep -qx 'arch: aarch64' "$T_OUT/arm64-facts.yaml"; then t_pass "the arm64 chroot's facts say aarch64"
else t_fail "the arm64 chroot's facts do not say arch: aarch64"; fi
s=$(date +%s)
t_logged "armpy bundle for arm64 on $(dpkg --print-architecture) exits 0" build-arm64 \
	"$ARMPY" bundle --profile "$PROFILE" --facts "$T_OUT/arm64-facts.yaml" -o "$T_OUT/arm64.bundle"
echo "     (arm64 bundle made in $(( $(date +%s) - s ))s: $(du -m "$T_OUT/arm64.bundle" | cut -f1) MB)"
zstd -q -dc "$T_OUT/arm64.bundle" | tar -t >"$T_OUT/arm64-members.txt"
if grep -q '_arm64\.deb$' "$T_OUT/arm64-members.txt" && ! grep -q '_amd64\.deb$' "$T_OUT/arm64-members.txt"; then
	t_pass "the arm64 bundle holds arm64 (and all) .debs, no amd64 one"
else t_fail "the arm64 bundle's .debs are not arm64's"; fi
refused_on() { # BUNDLE NAME PATTERN ARGS...: that bundle with those arguments is refused
	local rc=0 bundle=$1 name=$2 pat=$3; shift 3
	logged "$name" offline "$ARMPY" --profile "$PROFILE" "$@" --bundle "$bundle" --yes || rc=$?
	if [ $rc -eq 2 ] && grep -q "$pat" "$T_OUT/$name.err"; then t_pass "$name: exit 2, '$pat'"
	else t_fail "$name: exit $rc (want 2, '$pat')"; why "$name"; fi
}
refused_on "$T_OUT/arm64.bundle" "the arm64 bundle on the amd64 root" \
	"made for debian 12 aarch64 and this machine is debian 12 x86_64" --root "$R"
refused_on "$T_OUT/blis.bundle" "the amd64 bundle on the arm64 root" \
	"made for debian 12 x86_64 and this machine is debian 12 aarch64" --root "$A"
TRIPLET=aarch64-linux-gnu
s=$(date +%s)
T_TIMEOUT=3600 t_logged "offline, arm64 under qemu: armpy --root ARM64-CHROOT --bundle FILE --yes exits 0 (installs, validates)" \
	install-arm64 offline "$ARMPY" --profile "$PROFILE" --root "$A" --bundle "$T_OUT/arm64.bundle" --yes
echo "     (offline arm64 install took $(( $(date +%s) - s ))s)"
R=$A expect_blas blis "arm64: libblas.so.3 is BLIS's"
no_debs_cached "$A" "arm64"
if logged import-arm64 in_chroot "$A" python3 -c 'import numpy, scipy, platform; print(platform.machine(), numpy.__version__, scipy.__version__)'; then
	t_pass "arm64: import numpy, scipy ($(cat "$T_OUT/import-arm64.out"))"
else t_fail "arm64: import numpy, scipy"; why import-arm64; fi
t_summary
