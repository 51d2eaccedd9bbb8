#!/usr/bin/env bash
# bench/download.sh — 256 MiB from a local server (tests/net/server.py on 127.0.0.1) through an
# armpy download step (with sha256) vs `curl -o`. Prints both throughputs and the ratio
# (target >= 0.95x). `curl -o` leaves the file in the page cache, while armpy fsyncs it before
# the rename, so the bench also times `curl -o` + `sync -d` (fdatasync of the file): the same
# durability, the like-for-like reference.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
armpy=${ARMPY:-$top/armpy}
mib=${MIB:-256}
w=$(mktemp -d /tmp/armpy-bench-dl.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill $pid; rm -rf "$w"' EXIT
mkdir -p "$w/srv"
head -c $((mib * 1024 * 1024)) /dev/urandom >"$w/srv/big.bin"
sha=$(sha256sum "$w/srv/big.bin" | cut -d' ' -f1)
python3 "$top/tests/net/server.py" "$w/srv" "$w/ports" /dev/null &
pid=$!
for _ in $(seq 100); do [ -s "$w/ports" ] && break; sleep 0.05; done
read -r port _ <"$w/ports"
url=http://127.0.0.1:$port/files/big.bin
cat >"$w/plan.yaml" <<YAML
armpy_plan: 1
profile: bench
target: bench
warnings: []
notes: []
steps:
- id: big
  title: Download
  why: bench
  privileged: false
  skippable: false
  est_seconds: 0
  download:
    url: $url
    sha256: $sha
    dest: $w/out/big.bin
YAML
now() { date +%s.%N; }
best_curl=999 best_armpy=999 best_sync=999
for round in 1 2 3; do
	# each timing starts with no dirty pages from the one before (untimed sync)
	rm -rf "$w/out" "$w/curl.bin"; sync
	t0=$(now); curl -s -o "$w/curl.bin" "$url"; sync -d "$w/curl.bin"; t1=$(now)
	best_sync=$(awk -v a="$t0" -v b="$t1" -v m="$best_sync" 'BEGIN { d = b - a; print (d < m ? d : m) }')
	rm -f "$w/curl.bin"; sync
	t0=$(now); curl -s -o "$w/curl.bin" "$url"; t1=$(now)
	sync; t1b=$(now)
	ARMPY_STATE_DIR=$w/state "$armpy" run "$w/plan.yaml" --yes >/dev/null; t2=$(now)
	cmp -s "$w/out/big.bin" "$w/srv/big.bin" || { echo "download differs"; exit 1; }
	best_curl=$(awk -v a="$t0" -v b="$t1" -v m="$best_curl" 'BEGIN { d = b - a; print (d < m ? d : m) }')
	best_armpy=$(awk -v a="$t1b" -v b="$t2" -v m="$best_armpy" 'BEGIN { d = b - a; print (d < m ? d : m) }')
done
awk -v c="$best_curl" -v a="$best_armpy" -v s="$best_sync" -v m="$mib" 'BEGIN {
	printf "curl -o:     %d MiB in %.3f s (%.0f MiB/s)\n", m, c, m / c
	printf "curl -o + sync -d (same durability as armpy): %d MiB in %.3f s (%.0f MiB/s)\n", m, s, m / s
	printf "armpy (sha256 verified, fsync): %d MiB in %.3f s (%.0f MiB/s)\n", m, a, m / a
	printf "ratio: %.2fx throughput of curl (target >= 0.95x; best of 3)\n", c / a
	printf "ratio vs curl -o + sync -d: %.2fx\n", s / a
}'
