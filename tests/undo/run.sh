#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/undo/run.sh — armpy undo for real in a fresh Debian bookworm amd64 chroot: a BLIS install
# undone leaves the root as it was (packages, alternatives, files under /etc and /usr/local), an
# interrupted run is undone without resume, and a later run's switch makes the earlier undo refuse.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-chroot.sh"
. "$TOP/tests/lib-undo.sh"
T_OUT=$TOP/tests/out/undo
T_TIMEOUT=1800
TRIPLET=x86_64-linux-gnu
mkdir -p "$T_OUT"
rm -f "$T_OUT"/*.out "$T_OUT"/*.err "$T_OUT"/*.snap
pick() { if [ -f "$TOP/profiles/$1" ]; then echo "$TOP/profiles/$1"; else echo "$TOP/tests/e2e/profiles/$2"; fi; }
BLIS=$(pick devkit-debian-system-blis.yaml debian-system-blis.yaml)
OPENBLAS=$(pick devkit-debian-system-openblas.yaml debian-system-openblas.yaml)
export ARMPY_STATE_DIR=$T_OUT/state
rm -rf "$ARMPY_STATE_DIR"

if ! why_not=$(chroot_can_run amd64); then
	t_skip "undo (amd64 chroot): $why_not"; t_summary; exit
fi
[ -x "$ARMPY" ] || { t_fail "undo: no armpy binary at $ARMPY (run make)"; t_summary; exit; }
chroot_setup "bookworm amd64 minbase chroot" amd64 python3 || { t_summary; exit; }
R=$CHROOT_ROOT

last_run() { ls "$ARMPY_STATE_DIR/runs" | sort | tail -n "${1:-1}" | head -n 1; }

undo_snapshot base
# 1. A BLIS install, then armpy undo --yes: the root as before.
t_logged "BLIS profile installs" blis "$ARMPY" --profile "$BLIS" --root "$R" --yes
expect_blas blis "libblas.so.3 is BLIS's after the install"
t_logged "armpy undo --dry-run lists the reverse plan" dry "$ARMPY" undo --dry-run
if grep -q 'dpkg, --purge' "$T_OUT/dry.out" && grep -q 'update-alternatives' "$T_OUT/dry.out"; then
	t_pass "the reverse plan purges the packages and puts the alternatives back"
else t_fail "the reverse plan lacks dpkg --purge or update-alternatives"; why dry; fi
t_logged "armpy undo --yes exits 0" undo1 "$ARMPY" undo --yes
undo_same_as base "after BLIS and its undo, packages, alternatives and files are as before"
logged again "$ARMPY" undo --yes; rc=$?
if [ "$rc" = 2 ]; then t_pass "nothing left to undo: exit 2"; else t_fail "undo again: exit $rc, not 2"; fi

# 2. A later run switched the alternative: undo of the earlier one refused, naming it.
t_logged "BLIS again (run A)" blisA "$ARMPY" --profile "$BLIS" --root "$R" --yes
A=$(last_run)
t_logged "OpenBLAS (run B) switches libblas.so.3" obB "$ARMPY" --profile "$OPENBLAS" --root "$R" --yes
B=$(last_run)
logged refused "$ARMPY" undo "$A" --yes; rc=$?
if [ "$rc" = 2 ] && grep -q "by run $B" "$T_OUT/refused.err"; then
	t_pass "undo of run A refused (exit 2), naming run B"
else t_fail "undo of A: exit $rc, or run B not named"; why refused; fi
t_logged "undo of run B exits 0" undoB "$ARMPY" undo "$B" --yes
expect_blas blis "after undoing B, libblas.so.3 is BLIS's again"
t_logged "then undo of run A exits 0" undoA "$ARMPY" undo "$A" --yes
undo_same_as base "after A, B, undo B, undo A: as before"

# 3. kill -9 in the middle of apt, then undo without resume: while dpkg unpacks a package, the
# hardest moment (dpkg marks it half-installed and for reinstallation, and refuses a plain
# purge). The apt step's process group is stopped first, so that the state seen is the one
# killed; if the package was done by then, it goes on and the next one is waited for.
half_installed() { # the packages dpkg's status, then its journal of updates, leave half-installed
	cat "$R/var/lib/dpkg/status" $(ls "$R"/var/lib/dpkg/updates/[0-9]* 2>/dev/null | sort) 2>/dev/null |
		awk '/^Package: /{p=$2} /^Status: /{s[p]=$0} END{for (p in s) if (s[p] ~ /half-installed/) print p}'
}
before=$(last_run)
"$ARMPY" --profile "$BLIS" --root "$R" --yes >"$T_OUT/killed.out" 2>&1 &
apid=$!
K= pg= half=
for _ in $(seq 1 6000); do   # 0.05 s apart: the downloads come first
	K=$(last_run)
	[ -n "$K" ] && [ "$K" != "$before" ] && pg=$(awk '/^child apt-install /{print $3}' "$ARMPY_STATE_DIR/runs/$K/journal" 2>/dev/null | tail -1)
	if [ -n "$pg" ] && [ -n "$(half_installed)" ] && kill -STOP -- "-$pg" 2>/dev/null; then
		half=$(half_installed | tr '\n' ' ')
		[ -n "$half" ] && break
		kill -CONT -- "-$pg" 2>/dev/null
	fi
	kill -0 "$apid" 2>/dev/null || break
	sleep 0.05
done
kill -9 "$apid" 2>/dev/null; [ -n "$pg" ] && kill -9 -- "-$pg" 2>/dev/null
wait "$apid" 2>/dev/null
sleep 1
if [ -n "$half" ]; then t_pass "run $K killed (kill -9) while dpkg unpacked: ${half% } half-installed"
else t_fail "the apt step was never seen with a package half-installed"; sed 's/^/    | /' "$T_OUT/killed.out" | tail -5; fi
t_logged "undo of the killed run, without resume, exits 0" undoK "$ARMPY" undo "$K" --yes
undo_same_as base "after the killed run and its undo: as before"
t_summary
