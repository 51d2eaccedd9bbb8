#!/usr/bin/env bash
# tests/inputs/run.sh — every file armpy reads as input is a regular file: a FIFO, a directory or a
# device is refused at once with exit 2 and nothing printed on stdout, never a hang.
set -u
. "$(dirname "$0")/../lib.sh"
cd "$TOP"
OUT=$TOP/tests/out/inputs
rm -rf "$OUT"
mkdir -p "$OUT"
FIFO=$OUT/fifo
mkfifo "$FIFO"
mkdir -p "$OUT/dir"
PROFILE=profiles/devkit-debian-system-blis.yaml
FACTS=$OUT/facts.yaml
ARMPY_NO_PROBE=1 "$ARMPY" detect >"$FACTS" 2>/dev/null

# refused NAME ARGS...: exit 2 within 10 s, a reason naming the kind of file, empty stdout.
refused() {
	local name=$1 rc; shift
	timeout 10 "$ARMPY" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" </dev/null; rc=$?
	t_check "$name: exit 2 (not a hang: $rc)" test "$rc" -eq 2
	t_check "$name: says it is not a regular file" grep -q "not a regular file" "$OUT/$name.err"
	t_check "$name: nothing on stdout" test ! -s "$OUT/$name.out"
}

for kind in fifo dir dev; do
	case $kind in fifo) F=$FIFO ;; dir) F=$OUT/dir ;; dev) F=/dev/zero ;; esac
	refused "profile-$kind" --profile "$F" --dry-run
	refused "load-$kind" --load "$F"
	refused "os-release-$kind" detect --os-release "$F"
	refused "cpuinfo-$kind" detect --cpuinfo "$F"
	refused "plan-facts-$kind" plan --profile "$PROFILE" --facts "$F"
	refused "plan-profile-$kind" plan --profile "$F" --facts "$FACTS"
	refused "run-plan-$kind" run "$F" --yes   # --yes: the file kind, not the missing confirmation, must refuse
	refused "dry-run-cpuinfo-$kind" --profile "$PROFILE" --cpuinfo "$F" --dry-run
done
# a regular file still works, so the refusals above are about the kind of file
timeout 10 "$ARMPY" plan --profile "$PROFILE" --facts "$FACTS" >"$OUT/ok.out" 2>"$OUT/ok.err"
t_check "a regular facts file still plans (exit 0)" test $? -eq 0
t_summary
