#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/net/run.sh — downloads through `armpy run PLAN`: a local server with faults (drops, 404,
# 500, stalls, wrong bodies, redirects), Range resume, sha256, URL policy. Real libcurl, real TCP.
set -u
. "$(dirname "$0")/../lib.sh"

W=$(mktemp -d /tmp/armpy-net.XXXXXX)
export ARMPY_STATE_DIR=$W/state
export ARMPY_DOWNLOAD_BACKOFF_MS=20
SRV_PID=
cleanup() {
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

mkdir -p "$W/srv" "$W/dl"
head -c $((4 * 1024 * 1024 + 123)) /dev/urandom >"$W/srv/blob.bin"
SHA=$(sha256sum "$W/srv/blob.bin" | cut -d' ' -f1)
have_tls=0
if command -v openssl >/dev/null && openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
	-keyout "$W/key.pem" -out "$W/cert.pem" >/dev/null 2>&1; then
	have_tls=1
	python3 "$TOP/tests/net/server.py" "$W/srv" "$W/ports" "$W/reqs" "$W/cert.pem" "$W/key.pem" &
else
	python3 "$TOP/tests/net/server.py" "$W/srv" "$W/ports" "$W/reqs" &
fi
SRV_PID=$!
for _ in $(seq 100); do [ -s "$W/ports" ] && break; sleep 0.05; done
read -r PORT SPORT <"$W/ports" || true
if [ -z "${PORT:-}" ]; then
	t_fail "server did not start"
	t_summary
	exit 1
fi
export CURL_CA_BUNDLE=$W/cert.pem
B=http://127.0.0.1:$PORT

# plan FILE ID URL SHA DEST [SIZE]: a one-step download plan
plan() {
	cat >"$1" <<EOF
armpy_plan: 1
profile: net-test
target: test
warnings: []
notes: []
steps:
- id: $2
  title: Download $2
  why: test
  privileged: false
  skippable: false
  est_seconds: 1
  download:
    url: "$3"
    sha256: $4
    dest: $5
EOF
	[ -z "${6:-}" ] || printf '    size: %s\n' "$6" >>"$1"
}

# dl NAME URL [SHA [SIZE [DIR]]]: runs a download plan into DIR/NAME (default $W/dl); sets RC,
# OUT and TOOK (whole seconds)
dl() {
	local name=$1 url=$2 sha=${3:-$SHA} start=$SECONDS
	plan "$W/$name.yaml" "$name" "$url" "$sha" "${5:-$W/dl}/$name" "${4:-}"
	OUT=$("$ARMPY" run "$W/$name.yaml" --yes 2>&1)
	RC=$?
	TOOK=$((SECONDS - start))
}
same() { cmp -s "$W/srv/blob.bin" "$W/dl/$1"; }
absent() { [ ! -e "$W/dl/$1" ] && [ ! -e "$W/dl/$1.part" ]; }
show() { printf '%s\n' "$OUT" | sed 's/^/    | /' | tail -12; }

dl plain "$B/files/blob.bin"
if [ "$RC" -eq 0 ] && same plain && [ ! -e "$W/dl/plain.part" ]; then t_pass "plain download verified"; else t_fail "plain download (rc $RC)"; show; fi

dl plain "$B/files/blob.bin"
if [ "$RC" -eq 0 ] && printf '%s' "$OUT" | grep -q "already satisfied"; then t_pass "verified file already in place: already satisfied"; else t_fail "second download not satisfied"; show; fi

for pct in 10 50 90; do
	dl "drop$pct" "$B/drop/$pct/blob.bin"
	if [ "$RC" -eq 0 ] && same "drop$pct" && grep -q "^GET /drop/$pct/blob.bin bytes=[1-9][0-9]*-" "$W/reqs"; then
		t_pass "dropped at $pct%: resumed with Range and verified"
	else
		t_fail "dropped at $pct% (rc $RC)"; show; grep "/drop/$pct/" "$W/reqs" | sed 's/^/    /'
	fi
done

# a drop with no retries leaves DEST.part; the next run resumes it with Range
cp "$W/srv/blob.bin" "$W/srv/later.bin"
ARMPY_DOWNLOAD_RETRIES=0 dl later "$B/drop/50/later.bin"
rc1=$RC; partsize=$(stat -c %s "$W/dl/later.part" 2>/dev/null || echo 0)
if [ "$rc1" -eq 1 ] && [ ! -e "$W/dl/later" ] && [ "$partsize" -gt 0 ]; then t_pass "drop without retries: clean error, DEST.part kept ($partsize bytes)"; else t_fail "drop without retries (rc $rc1, part $partsize)"; show; fi
dl later "$B/drop/50/later.bin"
if [ "$RC" -eq 0 ] && same later && [ ! -e "$W/dl/later.part" ] && grep -q "^GET /drop/50/later.bin bytes=$partsize-" "$W/reqs"; then t_pass "next run resumed DEST.part from byte $partsize"; else t_fail "resume of DEST.part (rc $RC)"; show; fi

# A stale or planted file at DEST (same size, wrong sha256) is never trusted: fetched again.
gets() { grep -c "^GET /files/$1 " "$W/reqs"; }
cp "$W/srv/blob.bin" "$W/srv/planted.bin"
head -c "$(stat -c %s "$W/srv/blob.bin")" /dev/zero >"$W/dl/planted"
n0=$(gets planted.bin)
dl planted "$B/files/planted.bin"
if [ "$RC" -eq 0 ] && same planted && [ "$(gets planted.bin)" -eq $((n0 + 1)) ] &&
	! printf '%s' "$OUT" | grep -q "already satisfied"; then
	t_pass "run: a wrong file at DEST is fetched again, not trusted"
else
	t_fail "run: wrong file at DEST (rc $RC, GETs $n0 -> $(gets planted.bin))"; show
fi

# The same after kill -9 and resume: the download ended ok in the journal, then DEST was
# replaced by a wrong file; resume checks its sha256 again and fetches it again.
cp "$W/srv/blob.bin" "$W/srv/resumed.bin"
plan "$W/resume.yaml" rdl "$B/files/resumed.bin" "$SHA" "$W/dl/resumed"
cat >>"$W/resume.yaml" <<EOF
- id: wait
  title: Wait
  why: test
  privileged: false
  skippable: false
  est_seconds: 1
  run:
    argv: [sh, -c, "echo \$\$ > $W/waiting; exec sleep 30"]
  check:
    kind: file
    path: $W/waited
EOF
export ARMPY_STATE_DIR=$W/rstate
"$ARMPY" run "$W/resume.yaml" --yes >/dev/null 2>&1 &
apid=$!
for _ in $(seq 400); do [ -s "$W/waiting" ] && break; sleep 0.025; done
kill -9 "$apid" 2>/dev/null; wait "$apid" 2>/dev/null
[ -s "$W/waiting" ] && kill -9 -- "-$(cat "$W/waiting")" 2>/dev/null
ok_before=0; same resumed && ok_before=1
head -c "$(stat -c %s "$W/srv/blob.bin")" /dev/zero >"$W/dl/resumed"
touch "$W/waited"
n0=$(gets resumed.bin)
OUT=$("$ARMPY" resume --yes 2>&1); RC=$?
if [ "$ok_before" -eq 1 ] && [ "$RC" -eq 0 ] && same resumed && [ "$(gets resumed.bin)" -eq $((n0 + 1)) ]; then
	t_pass "resume: a wrong file at DEST after kill -9 is fetched again, not trusted"
else
	t_fail "resume: wrong file at DEST (downloaded before kill $ok_before, rc $RC, GETs $n0 -> $(gets resumed.bin))"; show
fi
export ARMPY_STATE_DIR=$W/state

dl e404 "$B/status/404"
if [ "$RC" -eq 1 ] && absent e404 && printf '%s' "$OUT" | grep -q "HTTP 404"; then t_pass "404: clean error, nothing at dest, no .part"; else t_fail "404 (rc $RC)"; show; fi
[ "$(grep -c '^GET /status/404' "$W/reqs")" -eq 1 ] && t_pass "404 is not retried" || t_fail "404 retried"

ARMPY_DOWNLOAD_RETRIES=2 dl e500 "$B/status/500"
if [ "$RC" -eq 1 ] && absent e500 && printf '%s' "$OUT" | grep -q "HTTP 500"; then t_pass "500: clean error after retries, nothing at dest"; else t_fail "500 (rc $RC)"; show; fi
n=$(grep -c '^GET /status/500' "$W/reqs")
[ "$n" -eq 3 ] && t_pass "500 retried a bounded number of times (3 requests)" || t_fail "500 requests: $n"

start=$(date +%s)
ARMPY_DOWNLOAD_STALL_SECONDS=2 ARMPY_DOWNLOAD_RETRIES=1 dl stall "$B/stall/blob.bin"
took=$(( $(date +%s) - start ))
if [ "$RC" -eq 1 ] && [ ! -e "$W/dl/stall" ] && [ "$took" -lt 20 ] && printf '%s' "$OUT" | grep -qi "too slow\|timed out\|timeout"; then t_pass "stall: low-speed timeout, clean error in ${took}s"; else t_fail "stall (rc $RC, ${took}s)"; show; fi

dl wrong "$B/wrong/blob.bin"
if [ "$RC" -eq 1 ] && absent wrong && printf '%s' "$OUT" | grep -q "sha256 mismatch"; then t_pass "wrong body: sha256 mismatch is a hard error, file deleted"; else t_fail "wrong body (rc $RC)"; show; fi
[ "$(grep -c '^GET /wrong/' "$W/reqs")" -eq 1 ] && t_pass "sha256 mismatch is not retried" || t_fail "mismatch retried"

dl redirname "$B/redirect?to=http://armpy-test.invalid:$PORT/files/blob.bin"
if [ "$RC" -eq 1 ] && absent redirname && printf '%s' "$OUT" | grep -q "refused"; then t_pass "redirect to plain http on a non-loopback name refused"; else t_fail "redirect to http name (rc $RC)"; show; fi

dl redirok "$B/redirect?to=$B/files/blob.bin"
if [ "$RC" -eq 0 ] && same redirok; then t_pass "redirect within loopback followed"; else t_fail "loopback redirect (rc $RC)"; show; fi

dl nonloop "http://armpy-test.invalid/blob.bin"
if [ "$RC" -eq 1 ] && absent nonloop && printf '%s' "$OUT" | grep -q "only to loopback"; then t_pass "plain http to a non-loopback host refused (armpy run has no mirrors)"; else t_fail "http policy (rc $RC)"; show; fi

if [ "$have_tls" -eq 1 ] && [ -n "${SPORT:-}" ]; then
	S=https://127.0.0.1:$SPORT
	dl tls "$S/files/blob.bin"
	if [ "$RC" -eq 0 ] && same tls; then t_pass "https download verified"; else t_fail "https (rc $RC)"; show; fi
	n0=$(grep -c '^GET /files/blob.bin' "$W/reqs")
	dl downgrade "$S/redirect?to=$B/files/blob.bin"
	n1=$(grep -c '^GET /files/blob.bin' "$W/reqs")
	if [ "$RC" -eq 1 ] && absent downgrade && printf '%s' "$OUT" | grep -q "downgrades https" && [ "$n0" -eq "$n1" ]; then t_pass "https -> http redirect refused before any request"; else t_fail "downgrade (rc $RC)"; show; fi
else
	t_skip "https cases (openssl missing)"
fi

# Bounded whatever the server does: a body past the plan's size, a Content-Length over it, a
# download without a size past ARMPY_DOWNLOAD_MAX_BYTES, one larger than the free space. Each
# fails at once (the server would stream or wait for a minute), with nothing left behind.
SIZE=$(stat -c %s "$W/srv/blob.bin")
dl sized "$B/files/blob.bin" "$SHA" "$SIZE"
if [ "$RC" -eq 0 ] && same sized; then t_pass "size: exactly the plan's $SIZE bytes verified"; else t_fail "download of exactly its size (rc $RC)"; show; fi
bounded() {  # NAME WHAT GREP: RC 1, fast, nothing left, the reason said
	if [ "$RC" -eq 1 ] && [ "$TOOK" -lt 15 ] && absent "$1" && printf '%s' "$OUT" | grep -q "$3"; then
		t_pass "$2: refused in ${TOOK}s, nothing left"
	else
		t_fail "$2 (rc $RC, ${TOOK}s)"; show
	fi
}
ARMPY_DOWNLOAD_STALL_SECONDS=30 ARMPY_DOWNLOAD_RETRIES=0 dl endless1k "$B/endless" "$SHA" 1000
bounded endless1k "endless body, size 1000" "the server sent more than the plan's 1000 bytes"
ARMPY_DOWNLOAD_STALL_SECONDS=30 ARMPY_DOWNLOAD_RETRIES=0 dl announced "$B/announce/1000000" "$SHA" 1000
bounded announced "Content-Length 1000000 over size 1000, before writing" \
	"the server announces 1000000 bytes, more than the plan's 1000 bytes"
ARMPY_DOWNLOAD_STALL_SECONDS=30 ARMPY_DOWNLOAD_RETRIES=0 ARMPY_DOWNLOAD_MAX_BYTES=1048576 dl endlesscap "$B/endless"
bounded endlesscap "endless body, no size: ARMPY_DOWNLOAD_MAX_BYTES" \
	"more than the download cap of 1048576 bytes (ARMPY_DOWNLOAD_MAX_BYTES)"
TINY=$W/tiny
mkdir -p "$TINY"
if [ "$(id -u)" -ne 0 ] || ! mount -t tmpfs -o size=1m armpy-test-tiny "$TINY" 2>/dev/null; then
	t_skip "a download larger than the free space (needs root and tmpfs)"
else
	dl nospace "$B/files/blob.bin" "$SHA" "" "$TINY"
	rc=$RC; left=$(ls -A "$TINY")
	umount "$TINY"
	RC=$rc; absent() { [ ! -e "$TINY/$1" ]; }
	bounded nospace "Content-Length over the free space" "bytes do not fit in the [0-9]* bytes free"
	absent() { [ ! -e "$W/dl/$1" ] && [ ! -e "$W/dl/$1.part" ]; }
	[ -z "$left" ] && t_pass "free space: nothing left on the full file system" || t_fail "free space: left $left"
fi

# SIGINT during a download: exit 130, journal says interrupted
plan "$W/int.yaml" int "$B/stall/blob.bin" "$SHA" "$W/dl/int"
ARMPY_DOWNLOAD_STALL_SECONDS=30 "$ARMPY" run "$W/int.yaml" --yes >"$W/int.out" 2>&1 &
apid=$!
sleep 1.5
kill -INT "$apid"
wait "$apid"; rc=$?
j=$(ls -t "$ARMPY_STATE_DIR"/runs/*/journal | head -1)
if [ "$rc" -eq 130 ] && grep -q '^interrupted' "$j" && [ ! -e "$W/dl/int" ]; then t_pass "SIGINT during a download: exit 130, journal interrupted"; else t_fail "SIGINT download (rc $rc)"; fi

t_summary
