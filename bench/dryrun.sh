#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/dryrun.sh — median wall time of 50 `armpy --profile ... --dry-run` runs (detect + plan + YAML)
# against /bin/true started the same way; prints both medians and the ratio. Target: <= 10 ms.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
ARMPY=${ARMPY:-$TOP/armpy}
N=${N:-50}
export ARMPY_TODAY=${ARMPY_TODAY:-2026-11-25}
args=(--profile "$TOP/profiles/devkit-debian-system-openblas.yaml" --dry-run
      --os-release "$TOP/tests/fixtures/os-release/debian-12"
      --cpuinfo "$TOP/tests/fixtures/cpuinfo/neoverse-n1-altra" --arch aarch64)

"$ARMPY" "${args[@]}" >/dev/null 2>&1 || { echo "dryrun.sh: armpy ${args[*]} failed" >&2; exit 1; }

# median_ns CMD...: runs CMD N times, prints the median wall time in nanoseconds
median_ns() {
	local i t0 t1
	for ((i = 0; i < N; i++)); do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1 || true
		t1=$(date +%s%N)
		echo $((t1 - t0))
	done | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'
}

base=$(median_ns /bin/true "${args[@]}")
dry=$(median_ns "$ARMPY" "${args[@]}")
# the same without running the machine's interpreters (detection's python probes)
noprobe=$(ARMPY_NO_PROBE=1 median_ns "$ARMPY" "${args[@]}")
awk -v d="$dry" -v b="$base" -v n="$N" -v np="$noprobe" 'BEGIN {
	printf "dry-run median: %.2f ms (%d runs)\n", d / 1e6, n
	printf "dry-run median with ARMPY_NO_PROBE=1: %.2f ms\n", np / 1e6
	printf "/bin/true median: %.2f ms\n", b / 1e6
	printf "ratio: %.1fx\n", (b > 0 ? d / b : 0)
	printf "target <= 10 ms: %s\n", (d / 1e6 <= 10 ? "met" : "NOT met")
}'
