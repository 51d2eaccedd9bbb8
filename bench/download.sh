#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/download.sh — 256 MiB from a local server on 127.0.0.1 through a whole `armpy run` of a
# one-step download plan (sha256 verified, .part renamed into place) vs `curl -o` of the same
# URL. Prints both throughputs and the ratio (target >= 0.95x), best of 5, alternating.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
armpy=${ARMPY:-$top/armpy}
mib=${MIB:-256}
w=$(mktemp -d /tmp/armpy-bench-dl.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill $pid; rm -rf "$w"' EXIT
mkdir -p "$w/srv"
chmod 755 "$w"   # nginx workers run unprivileged
head -c $((mib * 1024 * 1024)) /dev/urandom >"$w/srv/big.bin"
sha=$(sha256sum "$w/srv/big.bin" | cut -d' ' -f1)
# nginx (sendfile, next to no CPU) when installed, so the two cores measure the clients; the
# Python test server otherwise (it costs a core of its own, which armpy's hashing then shares).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if command -v nginx >/dev/null; then
	mkdir -p "$w/srv/files" "$w/ngx"
	mv "$w/srv/big.bin" "$w/srv/files/big.bin"
	cat >"$w/ngx/nginx.conf" <<NGX
daemon off;
pid $w/ngx/pid;
error_log $w/ngx/error.log;
events {}
http {
	access_log off;
	client_body_temp_path $w/ngx;
	server { listen 127.0.0.1:$port; root $w/srv; sendfile on; }
}
NGX
	nginx -c "$w/ngx/nginx.conf" -p "$w/ngx" &
	pid=$!
	server=nginx
	ln -s files/big.bin "$w/srv/big.bin"
else
	python3 "$top/tests/net/server.py" "$w/srv" "$w/ports" /dev/null &
	pid=$!
	for _ in $(seq 100); do [ -s "$w/ports" ] && break; sleep 0.05; done
	read -r port _ <"$w/ports"
	server="python http.server"
fi
for _ in $(seq 100); do curl -sf -o /dev/null -r 0-0 "http://127.0.0.1:$port/files/big.bin" && break; sleep 0.05; done
url=http://127.0.0.1:$port/files/big.bin
echo "server: $server on 127.0.0.1:$port"
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
best_curl=999 best_armpy=999
for round in 1 2 3 4 5; do
	# each timing starts with no dirty pages from the one before (untimed sync)
	rm -rf "$w/out" "$w/curl.bin" "$w/state"; sync
	t0=$(now); curl -sf -o "$w/curl.bin" "$url"; t1=$(now)
	rm -f "$w/curl.bin"; sync; t1b=$(now)
	ARMPY_STATE_DIR=$w/state "$armpy" run "$w/plan.yaml" --yes >/dev/null; t2=$(now)
	cmp -s "$w/out/big.bin" "$w/srv/files/big.bin" 2>/dev/null || cmp -s "$w/out/big.bin" "$w/srv/big.bin" || { echo "download differs"; exit 1; }
	best_curl=$(awk -v a="$t0" -v b="$t1" -v m="$best_curl" 'BEGIN { d = b - a; print (d < m ? d : m) }')
	best_armpy=$(awk -v a="$t1b" -v b="$t2" -v m="$best_armpy" 'BEGIN { d = b - a; print (d < m ? d : m) }')
done
awk -v c="$best_curl" -v a="$best_armpy" -v m="$mib" 'BEGIN {
	printf "curl -o:                          %d MiB in %.3f s (%.0f MiB/s)\n", m, c, m / c
	printf "armpy run (sha256 verified):      %d MiB in %.3f s (%.0f MiB/s)\n", m, a, m / a
	printf "ratio: %.2fx throughput of curl -o (target >= 0.95x; best of 5)\n", c / a
}'
