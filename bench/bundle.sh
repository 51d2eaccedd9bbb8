#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/bundle.sh — one profile installed twice on the same fresh Debian 12 amd64 chroot (two
# unpacked copies of one cached tarball): online (apt downloads from the mirror into the
# chroot's own, empty archive cache) and offline from a bundle (`armpy bundle`, then the install
# in a network namespace with only loopback). Prints both install times and their ratio (goal
# <= 0.6x), and the bundle's size against the .debs the online run downloaded (goal <= 1.1x).
# Needs root, debootstrap and the mirror of this machine's apt sources (tests/lib-chroot.sh).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib.sh" >/dev/null
. "$top/tests/lib-chroot.sh"
armpy=${ARMPY:-$top/armpy}
profile=${PROFILE:-$top/profiles/devkit-debian-system-blis.yaml}
out=$(mktemp -d /var/tmp/armpy-bench-bundle.XXXXXX)
CHROOT_DIRS+=("$out")
export ARMPY_STATE_DIR=$out/state

if ! why=$(chroot_can_run amd64); then echo "bench/bundle.sh: $why" >&2; exit 2; fi
# A minimal installation (debootstrap's set, nothing added): what a bundle is made for, so the
# online run downloads what the bundle carries (a root with python3 already would fetch less).
tarball=$(chroot_tarball amd64 bookworm) || exit 1

fresh() { # a fresh chroot whose apt archive cache is its own (empty): the online run downloads
	chroot_new "$tarball" amd64 || exit 1
	umount "$CHROOT_ROOT/var/cache/apt/archives" || exit 1
	mkdir -p "$CHROOT_ROOT/var/cache/apt/archives/partial"
}

fresh
online=$CHROOT_ROOT
s=$(date +%s.%N)
"$armpy" --profile "$profile" --root "$online" --yes >"$out/online.log" 2>&1 ||
	{ echo "bench/bundle.sh: the online install failed ($out/online.log)" >&2; exit 1; }
t_online=$(echo "$(date +%s.%N) - $s" | bc)
debs=$(find "$online/var/cache/apt/archives" -maxdepth 1 -name '*.deb' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
fetched=$(grep -ao 'Fetched [0-9.]* [kMG]B' "$ARMPY_STATE_DIR"/runs/*/log 2>/dev/null | tr '\n' ' ')

fresh
offline=$CHROOT_ROOT
"$armpy" detect --root "$offline" >"$out/facts.yaml"
s=$(date +%s.%N)
"$armpy" bundle --profile "$profile" --facts "$out/facts.yaml" -o "$out/b.bundle" >"$out/bundle.log" 2>&1 ||
	{ echo "bench/bundle.sh: armpy bundle failed ($out/bundle.log)" >&2; exit 1; }
t_make=$(echo "$(date +%s.%N) - $s" | bc)
s=$(date +%s.%N)
unshare -n -- /bin/sh -c 'ip link set lo up && exec "$@"' offline \
	"$armpy" --profile "$profile" --root "$offline" --bundle "$out/b.bundle" --yes >"$out/offline.log" 2>&1 ||
	{ echo "bench/bundle.sh: the offline install failed ($out/offline.log)" >&2; exit 1; }
t_offline=$(echo "$(date +%s.%N) - $s" | bc)
size=$(stat -c %s "$out/b.bundle")

printf 'online install:              %6.1f s (apt: %s)\n' "$t_online" "${fetched:-?}"
printf 'bundle made (not counted):   %6.1f s\n' "$t_make"
printf 'offline install from bundle: %6.1f s\n' "$t_offline"
printf 'time ratio offline/online:   %6.2fx (goal <= 0.6x)\n' "$(echo "$t_offline / $t_online" | bc -l)"
printf 'bundle %.1f MB vs the .debs the online run downloaded %.1f MB: %.2fx (goal <= 1.1x)\n' \
	"$(echo "$size / 1000000" | bc -l)" "$(echo "$debs / 1000000" | bc -l)" "$(echo "$size / $debs" | bc -l)"
# Where the time went: each run's steps (offline, the rest of its time checked and unpacked the
# bundle). dpkg's unpacking and configuring is in both; the online run's downloads only in one.
for run in online offline; do
	echo "$run steps:"
	grep -aE '^\[[0-9]+/[0-9]+\] .*: (done|already satisfied)' "$out/$run.log" | sed 's/^/  /'
done
