#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/exec/run.sh — the executor for real: extraction attacks, kill -9 + resume at every step,
# SIGINT/SIGTERM, SIGHUP on a closed pty, write/alternative/check steps, --root chroot + /proc,
# --root as a boundary for every action kind (root-boundary.sh), --check in a root (check.sh).
set -u
. "$(dirname "$0")/../lib.sh"

W=$(mktemp -d /tmp/armpy-exec.XXXXXX)
export ARMPY_STATE_DIR=$W/state
cleanup() {
	# every mount a case left under $W (a failed case), deepest first, before rm -rf
	awk -v w="$W/" 'index($2, w) == 1 { print $2 }' /proc/self/mounts | sort -r | while read -r m; do umount -l "$m"; done
	if [ -e /etc/alternatives/armpy-test-alt ]; then
		update-alternatives --remove-all armpy-test-alt >/dev/null 2>&1
	fi
	rm -rf --one-file-system "$W"
}
trap cleanup EXIT

# header FILE: starts a plan file
header() {
	printf 'armpy_plan: 1\nprofile: exec-test\ntarget: test\nwarnings: []\nnotes: []\nsteps:\n' >"$1"
}
# step_run FILE ID TITLE SCRIPT [CHECKFILE]: appends a run step (sh -c SCRIPT)
step_run() {
	local script=${4//\\/\\\\}
	script=${script//\"/\\\"}
	cat >>"$1" <<EOF
- id: $2
  title: $3
  why: test
  privileged: false
  skippable: false
  est_seconds: 1
  run:
    argv: [sh, -c, "$script"]
EOF
	if [ -n "${5:-}" ]; then
		printf '  check:\n    kind: file\n    path: %s\n' "$5" >>"$1"
	fi
}
last_journal() { ls -t "$ARMPY_STATE_DIR"/runs/*/journal 2>/dev/null | head -1; }

# ---------------------------------------------------------------- extraction
X=$W/x
mkdir -p "$X/outside" "$X/dests"
echo victim >"$X/victim"
snapshot() { find "$X" -path "$X/dests" -prune -o -print | sort; }
extract_plan() { # NAME ARCHIVE [STRIP]
	header "$W/ex-$1.yaml"
	cat >>"$W/ex-$1.yaml" <<EOF
- id: extract-$1
  title: Extract $1
  why: test
  privileged: false
  skippable: false
  est_seconds: 1
  extract:
    archive: $2
    dest: $X/dests/$1
    strip: ${3:-0}
EOF
}
export ARMPY_EXTRACT_MAX_BYTES=$((16 * 1024 * 1024))
export ARMPY_EXTRACT_MAX_ENTRIES=200

python3 "$TOP/tests/exec/mktar.py" good "$W/good.tar.gz"
extract_plan good "$W/good.tar.gz" 1
out=$("$ARMPY" run "$W/ex-good.yaml" --yes 2>&1); rc=$?
if [ "$rc" -eq 0 ] && [ "$(cat "$X/dests/good/dir/a.txt")" = alpha ] && [ "$(cat "$X/dests/good/dir/link")" = beta ] &&
	[ "$(stat -c %h "$X/dests/good/hard")" -eq 2 ]; then
	t_pass "good archive: strip-components, symlink and hardlink inside"
else
	t_fail "good archive (rc $rc)"; echo "$out" | tail -5 | sed 's/^/    /'
fi
ls -d "$X/dests/"*armpy-tmp* >/dev/null 2>&1 && t_fail "temp dir left behind" || t_pass "no temp dir left after extraction"

attack() { # KIND DESCRIPTION [ARG]
	local kind=$1 desc=$2 arg=${3:-} before after
	python3 "$TOP/tests/exec/mktar.py" "$kind" "$W/$kind.tar" $arg
	extract_plan "$kind" "$W/$kind.tar"
	before=$(snapshot)
	out=$("$ARMPY" run "$W/ex-$kind.yaml" --yes 2>&1); rc=$?
	after=$(snapshot)
	if [ "$rc" -eq 1 ] && [ "$before" = "$after" ] && [ ! -e "$X/dests/$kind" ] &&
		! ls -d "$X/dests/$kind".armpy-* >/dev/null 2>&1 && echo "$out" | grep -q refused; then
		t_pass "$desc: refused, nothing written outside"
	else
		t_fail "$desc (rc $rc)"
		echo "$out" | grep -i "fail\|refused" | head -3 | sed 's/^/    /'
		diff <(echo "$before") <(echo "$after") | head -5 | sed 's/^/    /'
	fi
}
attack dotdot "entry with ../"
attack absolute "absolute path entry" "$X/outside/escaped-absolute"
attack symlink "symlink pointing outside, then a file through it" "$X/outside"
attack symlink-rel "relative symlink climbing out, then a file through it"
attack chain "symlink through an earlier symlink (x -> ., y -> x/x/../..)"
attack chain-write "a file through a chain of symlinks"
attack chain-late "symlink made before the link that sends it out (y, then x -> .)"
attack chain-hardlink "hard link through a chain of symlinks to a file outside"
attack chain-moved "hard link to an inside symlink from another directory (a/b/l -> ../.., l2 = l)"
attack hardlink "hardlink to an absolute file outside" "$X/victim"
attack hardlink-rel "hardlink climbing out"
attack device "character device node"
attack fifo "fifo"
attack bomb "bomb over the size cap (64 MiB in, 16 MiB cap)"
attack many "bomb over the entry cap (300 entries, cap 200)"
# the same absolute-path attack built by bsdtar -P
if command -v bsdtar >/dev/null; then
	echo data >"$W/abs-src"
	(cd / && bsdtar -P -cf "$W/bsd.tar" "$W/abs-src")
	extract_plan bsd "$W/bsd.tar"
	out=$("$ARMPY" run "$W/ex-bsd.yaml" --yes 2>&1); rc=$?
	[ "$rc" -eq 1 ] && echo "$out" | grep -q refused && t_pass "bsdtar -P absolute archive refused" || t_fail "bsdtar -P archive (rc $rc)"
else
	t_skip "bsdtar missing"
fi
[ "$(cat "$X/victim")" = victim ] && t_pass "victim file untouched" || t_fail "victim changed"
unset ARMPY_EXTRACT_MAX_BYTES ARMPY_EXTRACT_MAX_ENTRIES

# ---------------------------------------------------------------- write, checks
header "$W/wr.yaml"
cat >>"$W/wr.yaml" <<EOF
- id: write-env
  title: Write env
  why: test
  privileged: false
  skippable: false
  est_seconds: 1
  write:
    path: $W/wr/sub/env.sh
    mode: "0640"
    content: |
      export A=1
- id: dpkg-present
  title: Coreutils present
  why: test
  privileged: false
  skippable: false
  est_seconds: 1
  run:
    argv: [sh, -c, "echo ran >> $W/wr/dpkg-ran"]
  check:
    kind: dpkg
    packages: [coreutils]
- id: dpkg-absent
  title: Not installed
  why: test
  privileged: false
  skippable: false
  est_seconds: 1
  run:
    argv: [sh, -c, "echo ran >> $W/wr/absent-ran"]
  check:
    kind: dpkg
    packages: [coreutils, armpy-no-such-package]
- id: cmd-check
  title: Command check
  why: test
  privileged: false
  skippable: false
  est_seconds: 1
  run:
    argv: [sh, -c, "echo ran >> $W/wr/cmd-ran"]
  check:
    kind: command
    argv: ["true"]
EOF
out=$("$ARMPY" run "$W/wr.yaml" --yes 2>&1); rc=$?
if [ "$rc" -eq 0 ] && [ "$(cat "$W/wr/sub/env.sh")" = "export A=1" ] && [ "$(stat -c %a "$W/wr/sub/env.sh")" = 640 ]; then
	t_pass "write step: content and mode"
else
	t_fail "write step (rc $rc)"; echo "$out" | tail -5 | sed 's/^/    /'
fi
ls "$W/wr/sub" | grep -qv '^env.sh$' && t_fail "write left a temp file" || t_pass "write step left no temp file"
[ ! -e "$W/wr/dpkg-ran" ] && echo "$out" | grep -q "Coreutils present: already satisfied" && t_pass "dpkg check: installed package -> already satisfied" || t_fail "dpkg check satisfied"
[ -e "$W/wr/absent-ran" ] && t_pass "dpkg check: missing package -> step runs" || t_fail "dpkg check missing"
[ ! -e "$W/wr/cmd-ran" ] && t_pass "command check -> already satisfied" || t_fail "command check"

# a run step's env: ~/ is expanded at the start of the value and of each ':'-separated part
# (the pip plan's PKG_CONFIG_PATH=~/.cache/armpy/pkgconfig:...), nowhere else
header "$W/env.yaml"
cat >>"$W/env.yaml" <<EOF
- id: env-tilde
  title: Env tilde
  why: test
  privileged: false
  skippable: false
  est_seconds: 1
  run:
    argv: [sh, -c, 'printf %s "\$X" > $W/wr/env-x']
    env:
    - X=~/a:~/b:/c:x~/d:~
EOF
HOME=$W/h "$ARMPY" run "$W/env.yaml" --yes >/dev/null 2>&1
if [ "$(cat "$W/wr/env-x" 2>/dev/null)" = "$W/h/a:$W/h/b:/c:x~/d:$W/h" ]; then
	t_pass "run step env: ~/ expanded in each part of a ':' list"
else
	t_fail "run step env: got '$(cat "$W/wr/env-x" 2>/dev/null)'"
fi

# ---------------------------------------------------------------- alternative
if command -v update-alternatives >/dev/null && [ "$(id -u)" -eq 0 ]; then
	mkdir -p "$W/alt"
	printf '#!/bin/sh\necho one\n' >"$W/alt/one"; printf '#!/bin/sh\necho two\n' >"$W/alt/two"
	chmod +x "$W/alt/one" "$W/alt/two"
	update-alternatives --install "$W/alt/link" armpy-test-alt "$W/alt/one" 20 >/dev/null
	update-alternatives --install "$W/alt/link" armpy-test-alt "$W/alt/two" 10 >/dev/null
	header "$W/alt.yaml"
	cat >>"$W/alt.yaml" <<EOF
- id: alt-two
  title: Alternative two
  why: test
  privileged: true
  skippable: false
  est_seconds: 1
  alternative:
    name: armpy-test-alt
    path: $W/alt/two
  check:
    kind: alternative
    name: armpy-test-alt
    path: $W/alt/two
EOF
	out=$("$ARMPY" run "$W/alt.yaml" --yes 2>&1); rc=$?
	j=$(last_journal)
	if [ "$rc" -eq 0 ] && [ "$(readlink /etc/alternatives/armpy-test-alt)" = "$W/alt/two" ] &&
		grep -q "^prev alt-two $W/alt/one #[0-9a-f]\{8\}\$" "$j"; then
		t_pass "alternative set; previous value journaled"
	else
		t_fail "alternative (rc $rc)"; echo "$out" | tail -4 | sed 's/^/    /'; cat "$j" | sed 's/^/    /'
	fi
	out=$("$ARMPY" run "$W/alt.yaml" --yes 2>&1)
	echo "$out" | grep -q "already satisfied" && t_pass "alternative re-run: already satisfied" || t_fail "alternative re-run"
	update-alternatives --remove-all armpy-test-alt >/dev/null 2>&1
else
	t_skip "alternative test needs root and update-alternatives"
fi

# ---------------------------------------------------------------- failure report
header "$W/fail.yaml"
step_run "$W/fail.yaml" ok1 "First" "true"
step_run "$W/fail.yaml" bad "Breaks" 'for i in $(seq 1 25); do echo line-$i; done; exit 7'
out=$("$ARMPY" run "$W/fail.yaml" --yes 2>&1); rc=$?
id=$(basename "$(dirname "$(last_journal)")")
if [ "$rc" -eq 1 ] && echo "$out" | grep -q "exit status: 7" && echo "$out" | grep -q "| line-25" &&
	! echo "$out" | grep -q "| line-5$" && echo "$out" | grep -q "| line-6$" &&
	echo "$out" | grep -q "armpy resume $id" && echo "$out" | grep -q "log: .*/log"; then
	t_pass "failed step: status, last 20 lines, log path, exact resume command, exit 1"
else
	t_fail "failure report (rc $rc)"; echo "$out" | tail -8 | sed 's/^/    /'
fi
"$ARMPY" runs | grep -q "^$id .* failed " && t_pass "armpy runs shows the failed run" || t_fail "runs listing"

# ---------------------------------------------------------------- kill -9 at every step, resume
K=$W/k
kill_plan() {
	header "$W/kill.yaml"
	for i in $(seq 1 10); do
		step_run "$W/kill.yaml" "s$i" "Step $i" "echo $i >> $K/counter; sleep 0.3; touch $K/m$i" "$K/m$i"
	done
}
kill_plan
expected=$(seq 1 10)
mkdir -p "$K"
ARMPY_STATE_DIR=$W/kstate0 "$ARMPY" run "$W/kill.yaml" --yes >/dev/null 2>&1
[ "$(cat "$K/counter")" = "$expected" ] && t_pass "uninterrupted run: 10 steps once each" || t_fail "uninterrupted run"
for k in $(seq 1 10); do
	rm -rf "$K"; mkdir -p "$K"
	export ARMPY_STATE_DIR=$W/kstate$k
	"$ARMPY" run "$W/kill.yaml" --yes >/dev/null 2>&1 &
	apid=$!
	hit=0
	for _ in $(seq 400); do
		j=$(last_journal)
		if [ -n "$j" ] && grep -q "^start s$k " "$j"; then hit=1; break; fi
		sleep 0.01
	done
	kill -9 "$apid" 2>/dev/null; wait "$apid" 2>/dev/null
	out=$("$ARMPY" resume --yes 2>&1); rc=$?
	got=$(cat "$K/counter" 2>/dev/null)
	markers=$(ls "$K" | grep -c '^m')
	if [ "$hit" -eq 1 ] && [ "$rc" -eq 0 ] && [ "$got" = "$expected" ] && [ "$markers" -eq 10 ]; then
		t_pass "kill -9 during step $k, resume: same final state, no step twice"
	else
		t_fail "kill -9 during step $k (hit $hit, rc $rc, markers $markers, counter $(echo $got | tr '\n' ' '))"
		echo "$out" | tail -4 | sed 's/^/    /'
	fi
done
export ARMPY_STATE_DIR=$W/state

# ---------------------------------------------------------------- SIGINT / SIGTERM
sig_test() { # SIGNAL SCRIPT DESCRIPTION
	header "$W/sig.yaml"
	step_run "$W/sig.yaml" quick "Quick" "true"
	step_run "$W/sig.yaml" long "Long" "$2"
	ARMPY_KILL_GRACE_MS=1000 "$ARMPY" run "$W/sig.yaml" --yes >"$W/sig.out" 2>&1 &
	apid=$!
	for _ in $(seq 300); do
		j=$(last_journal); [ -n "$j" ] && grep -q "^child long " "$j" && break; sleep 0.01
	done
	sleep 0.2
	start=$(date +%s%N)
	kill "-$1" "$apid"
	wait "$apid"; rc=$?
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	sleep 0.1
	if [ "$rc" -eq 130 ] && grep -q "^interrupted" "$j" && grep -q "^end long interrupted" "$j" &&
		! pgrep -f "sleep 37.25" >/dev/null && [ "$ms" -lt 6000 ]; then
		t_pass "$3: exit 130 in ${ms} ms, journal interrupted, child group gone"
	else
		t_fail "$3 (rc $rc, ${ms} ms)"; pkill -f "sleep 37.25"
	fi
}
sig_test INT "sleep 37.25 & sleep 37.25; wait" "SIGINT"
sig_test TERM "sleep 37.25" "SIGTERM"
sig_test INT "trap '' TERM; sleep 37.25" "SIGINT with a child ignoring TERM (KILL after grace)"
"$ARMPY" runs | tail -1 | grep -q " interrupted " && t_pass "armpy runs shows interrupted" || t_fail "runs interrupted"

# ---------------------------------------------------------------- SIGHUP: pty closed under setsid
H=$W/h
mkdir -p "$H"
header "$W/hup.yaml"
for i in 1 2 3 4; do
	step_run "$W/hup.yaml" "h$i" "Hup $i" "echo output-$i; sleep 0.4; touch $H/m$i"
done
export ARMPY_STATE_DIR=$W/hstate
python3 "$TOP/tests/exec/hup.py" "$ARMPY" "$W/hup.yaml" "$ARMPY_STATE_DIR" >"$W/hup.out" 2>&1; hrc=$?
if [ "$hrc" -eq 0 ] && [ "$(ls "$H" | wc -l)" -eq 4 ] && "$ARMPY" runs | tail -1 | grep -q " ok "; then
	t_pass "SIGHUP (pty closed mid-run): the run finished; armpy runs says ok"
else
	t_fail "SIGHUP (rc $hrc)"; sed 's/^/    /' "$W/hup.out" | tail -5
fi
export ARMPY_STATE_DIR=$W/state

# ---------------------------------------------------------------- --root: chroot + /proc
if [ "$(id -u)" -eq 0 ]; then
	R=$W/root
	mkdir -p "$R/bin" "$R/tmp" "$R/root"
	cp /bin/dash "$R/bin/sh"
	for lib in $(ldd /bin/dash | grep -o '/[^ ]*'); do mkdir -p "$R$(dirname "$lib")"; cp "$lib" "$R$lib"; done
	header "$W/root.yaml"
	step_run "$W/root.yaml" in-root "In the root" 'echo home=$HOME > /tmp/out; test -r /proc/self/status && echo proc >> /tmp/out; echo x > ~/tilde'
	cat >>"$W/root.yaml" <<EOF
- id: write-root
  title: Write inside
  why: test
  privileged: true
  skippable: false
  est_seconds: 1
  write:
    path: ~/w
    mode: "0644"
    content: |
      w
EOF
	out=$("$ARMPY" run "$W/root.yaml" --root "$R" --yes 2>&1); rc=$?
	if [ "$rc" -eq 0 ] && [ "$(cat "$R/tmp/out")" = "$(printf 'home=/root\nproc')" ] && [ -e "$R/root/tilde" ] &&
		[ -e "$R/root/w" ] && ! mountpoint -q "$R/proc"; then
		t_pass "--root: chroot, /proc mounted for the run and unmounted, ~ is /root inside"
	else
		t_fail "--root (rc $rc)"; echo "$out" | tail -5 | sed 's/^/    /'
	fi
	header "$W/rootfail.yaml"
	step_run "$W/rootfail.yaml" fails "Fails" "exit 4"
	"$ARMPY" run "$W/rootfail.yaml" --root "$R" --yes >/dev/null 2>&1
	! mountpoint -q "$R/proc" && t_pass "--root: /proc unmounted after a failure" || t_fail "/proc left mounted"
	. "$TOP/tests/exec/root-boundary.sh"
	. "$TOP/tests/exec/check.sh"
else
	t_skip "--root tests need root"
fi

t_summary
