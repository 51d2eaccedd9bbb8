#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/fleet.sh — wall time of ansible/site.yml installing NumPy on BLIS on 3 fresh hosts at once
# (forks=3) against 1 fresh host, over real SSH to the fleet suite's sshd hosts (Debian bookworm
# roots, tests/fleet/hosts.sh). Prints both times and the ratio (target <= 1.5x). Needs root, like
# the fleet suite. Each host has its own warm apt archive cache, so apt's downloads are not timed.
set -u
. "$(dirname "$0")/../tests/lib.sh"
T_OUT=$(mktemp -d /tmp/armpy-bench-fleet.XXXXXX)
T_TIMEOUT=1800
. "$TOP/tests/fleet/hosts.sh"
trap 'sshd_down_all; chroot_destroy_all; rm -rf "$T_OUT"' EXIT
profile=$TOP/tests/e2e/profiles/debian-system-blis-noscipy.yaml
[ -x "$ARMPY" ] || { echo "no armpy binary at $ARMPY (run make)"; exit 1; }
fleet_hosts_up one a b c || { echo "the hosts did not come up"; exit 1; }
sshd_inventory "$T_OUT/one.ini" one
sshd_inventory "$T_OUT/three.ini" a b c
now() { date +%s.%N; }
# timed NAME INVENTORY FORKS: one fresh install; prints its seconds, or fails.
timed() {
	local t0 t1
	t0=$(now)
	FLEET_FORKS=$3 fleet_play "$1" "$2" -e "armpy_profile=$profile" -e "armpy_binary=$ARMPY" \
		-e "armpy_report_dir=$T_OUT/$1-report" -e armpy_quick=true ||
		{ echo "$1: ansible-playbook failed:" >&2; tail -20 "$T_OUT/$1.out" >&2; return 1; }
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", b - a }'
}
# The cache of each host is warmed by its first install; the timed runs are fresh roots' first
# installs, so a cold cache (first use of this script) makes both slower: run it twice then.
one=$(timed one "$T_OUT/one.ini" 1) || exit 1
three=$(timed three "$T_OUT/three.ini" 3) || exit 1
awk -v o="$one" -v t="$three" -v c="$(nproc)" 'BEGIN {
	printf "1 host:            %6.1f s\n", o
	printf "3 hosts, forks=3:  %6.1f s\n", t
	printf "ratio: %.2fx (target <= 1.5x; %d cores here, shared by the 3 hosts)\n", t / o, c
}'
