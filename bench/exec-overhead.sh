#!/usr/bin/env bash
# bench/exec-overhead.sh — 1000 trivial steps (/bin/true) through `armpy run` vs the same 1000
# commands in a sh script. Prints both times and the ratio (target <= 1.2x).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
armpy=${ARMPY:-$top/armpy}
n=${N:-1000}
w=$(mktemp -d /tmp/armpy-bench-exec.XXXXXX)
trap 'rm -rf "$w"' EXIT
{
	printf 'armpy_plan: 1\nprofile: bench\ntarget: bench\nwarnings: []\nnotes: []\nsteps:\n'
	for i in $(seq 1 "$n"); do
		printf -- '- id: s%d\n  title: step %d\n  why: bench\n  privileged: false\n  skippable: false\n  est_seconds: 0\n  run:\n    argv: [/bin/true]\n' "$i" "$i"
	done
} >"$w/plan.yaml"
{ echo '#!/bin/sh'; for _ in $(seq 1 "$n"); do echo /bin/true; done; } >"$w/plan.sh"
now() { date +%s.%N; }
t0=$(now); sh "$w/plan.sh"; t1=$(now)
ARMPY_STATE_DIR=$w/state "$armpy" run "$w/plan.yaml" --yes >/dev/null; t2=$(now)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$n" 'BEGIN {
	sh = b - a; ap = c - b
	printf "sh script:  %d commands in %.3f s\n", n, sh
	printf "armpy run:  %d steps    in %.3f s (%.0f us/step overhead)\n", n, ap, (ap - sh) / n * 1e6
	printf "ratio: %.2fx (target <= 1.2x)\n", ap / sh
}'
