#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/state/run.sh — what armpy keeps between runs, for real: nothing runs unconfirmed, resume
# runs only the approved plan, the journal survives tearing (and a lost one stops resume), one
# run at a time, the state dir is the user's, a full state dir is named, a failed run resumed.
set -u
. "$(dirname "$0")/../lib.sh"

W=$(mktemp -d /tmp/armpy-state.XXXXXX)
export ARMPY_STATE_DIR=$W/state
PTY=$TOP/tests/state/onpty.py
cleanup() {
	mountpoint -q "$W/full" 2>/dev/null && umount "$W/full"
	mountpoint -q "$W/emptyroot/proc" 2>/dev/null && umount "$W/emptyroot/proc"
	rm -rf "$W"
}
trap cleanup EXIT

# plan FILE: three steps; each appends its id to $W/count; "b" fails until $W/fixed exists
plan() {
	printf 'armpy_plan: 1\nprofile: state-test\ntarget: test\nwarnings: []\nnotes: []\nsteps:\n' >"$1"
	step "$1" a "echo a >> $W/count"
	step "$1" b "echo b >> $W/count; test -e $W/fixed"
	step "$1" c "echo c >> $W/count"
}
step() { # FILE ID SCRIPT
	printf -- '- id: %s\n  title: Step %s\n  why: test\n  privileged: false\n  skippable: false\n  est_seconds: 1\n  run:\n    argv: [sh, -c, "%s"]\n' \
		"$2" "$2" "$3" >>"$1"
}
counts() { tr '\n' ' ' <"$W/count" 2>/dev/null; }
reset() { rm -rf "$ARMPY_STATE_DIR" "$W/count" "$W/fixed"; }
last_run() { ls -t "$ARMPY_STATE_DIR/runs" | head -1; }
show() { sed 's/^/    | /' "$1" | tail -${2:-8}; }
plan "$W/p.yaml"

# ---------------------------------------------------------------- nothing runs unconfirmed
reset
"$ARMPY" run "$W/p.yaml" </dev/null >"$W/o" 2>&1; rc=$?
if [ "$rc" -eq 2 ] && [ ! -e "$W/count" ] && [ ! -e "$ARMPY_STATE_DIR/runs" ] && grep -q -- "--yes" "$W/o"; then
	t_pass "run without --yes and no terminal: exit 2, names --yes, nothing run"
else
	t_fail "run without --yes, no terminal (rc $rc, ran: $(counts))"; show "$W/o"
fi
"$ARMPY" run "$W/p.yaml" --progress json </dev/null >"$W/o" 2>/dev/null; rc=$?
if [ "$rc" -eq 2 ] && tail -1 "$W/o" | grep -q '"event":"run_end","result":"not_started","exit":2'; then
	t_pass "no terminal, JSON: run_end not_started, exit 2"
else
	t_fail "no terminal, JSON (rc $rc)"; show "$W/o"
fi
# --profile: an empty root makes a run that got past the question fail with 1
mkdir -p "$W/emptyroot"
"$ARMPY" --profile "$TOP/tests/golden/profiles/system-blis.yaml" --root "$W/emptyroot" \
	--os-release "$TOP/tests/fixtures/os-release/debian-12" </dev/null >"$W/o" 2>&1; rc=$?
[ "$rc" -eq 2 ] && grep -q -- "--yes" "$W/o" && t_pass "--profile without --yes and no terminal: exit 2, names --yes" ||
	{ t_fail "--profile without --yes (rc $rc)"; show "$W/o"; }
python3 "$PTY" n "$W/o" "$ARMPY" run "$W/p.yaml"; rc=$?
[ "$rc" -eq 2 ] && [ ! -e "$W/count" ] && t_pass "terminal, answered n: exit 2, nothing run" ||
	{ t_fail "terminal n (rc $rc, ran: $(counts))"; show "$W/o"; }
touch "$W/fixed"
python3 "$PTY" y "$W/o" "$ARMPY" run "$W/p.yaml"; rc=$?
[ "$rc" -eq 0 ] && [ "$(counts)" = "a b c " ] && t_pass "terminal, answered y: the run runs" ||
	{ t_fail "terminal y (rc $rc, ran: $(counts))"; show "$W/o"; }
r=$ARMPY_STATE_DIR/runs/$(last_run)
[ "$(stat -c '%a %u' "$r")" = "700 $(id -u)" ] && [ "$(stat -c '%a' "$ARMPY_STATE_DIR/runs")" = 700 ] &&
	t_pass "run dir and runs dir are 0700, the user's" || t_fail "run dir mode: $(stat -c '%a %u' "$r")"

# ---------------------------------------------------------------- a plan for another machine never runs here
# --os-release/--arch without --root describe another machine: --dry-run shows its plan, but a
# run (even with --yes) and --check are refused with 2 before anything runs or is recorded.
reset
OTHER="--os-release $TOP/tests/fixtures/os-release/rhel-8 --arch aarch64"
# shellcheck disable=SC2086
"$ARMPY" --profile "$TOP/profiles/devkit-debian-system-blis.yaml" $OTHER --yes </dev/null >"$W/o" 2>"$W/e"; rc=$?
if [ "$rc" -eq 2 ] && [ ! -s "$W/o" ] && [ ! -e "$ARMPY_STATE_DIR/runs" ] && grep -q "another machine" "$W/e"; then
	t_pass "--profile --os-release --arch --yes without --root: exit 2, nothing run or recorded"
else
	t_fail "a run for another machine (rc $rc)"; show "$W/e"; show "$W/o"
fi
# shellcheck disable=SC2086
"$ARMPY" --profile "$TOP/profiles/devkit-debian-system-blis.yaml" --arch aarch64 --check --format yaml </dev/null >"$W/o" 2>"$W/e"; rc=$?
[ "$rc" -eq 2 ] && [ ! -s "$W/o" ] && grep -q "another machine" "$W/e" &&
	t_pass "--check --arch without --root: exit 2" || { t_fail "--check for another machine (rc $rc)"; show "$W/e"; }
# shellcheck disable=SC2086
"$ARMPY" --profile "$TOP/profiles/devkit-debian-system-blis.yaml" $OTHER --dry-run </dev/null >"$W/o" 2>"$W/e"; rc=$?
[ "$rc" -eq 0 ] && grep -q "^armpy_plan: 1" "$W/o" &&
	t_pass "--dry-run for another machine still shows its plan" || { t_fail "--dry-run for another machine (rc $rc)"; show "$W/e"; }

# ---------------------------------------------------------------- a bad plan runs nothing
# armpy run with a bad plan: one line on stderr, FILE:LINE:COL: key: message (as a bad profile),
# exit 2, nothing on stdout, no step run (the first, good step would touch $W/ran), no run dir.
reset
bad_plan() { # NAME EXPECTED-FIRST-LINE (after the file name) SECOND-STEP-YAML
	local f=$W/$1.yaml rc
	printf 'armpy_plan: 1\nprofile: p\ntarget: t\nsteps:\n' >"$f"
	step "$f" a "touch $W/ran"
	printf '%b' "$3" >>"$f"
	"$ARMPY" run "$f" --yes >"$W/o" 2>"$W/e"; rc=$?
	if [ "$rc" -eq 2 ] && [ ! -s "$W/o" ] && [ ! -e "$W/ran" ] && [ ! -e "$ARMPY_STATE_DIR/runs" ] &&
		[ "$(wc -l <"$W/e")" -eq 1 ] && [ "$(cat "$W/e")" = "$f$2" ]; then
		t_pass "run, $1: exit 2, '${f##*/}$2', nothing run"
	else
		t_fail "run, $1 (rc $rc)"; show "$W/e" 3; show "$W/o" 3
	fi
}
S='- id: b\n  title: b\n  why: w\n  privileged: false\n  skippable: false\n  est_seconds: 1\n'
bad_plan relative-path ":20:5: steps[1].write.path: must be an absolute path (start with / or ~/)" \
	"$S  write:\n    path: etc/x\n    mode: \"0644\"\n    content: x\n"
bad_plan relative-cwd ":21:5: steps[1].run.cwd: must be an absolute path (start with / or ~/)" \
	"$S  run:\n    argv: [\"true\"]\n    cwd: tmp\n"
bad_plan env-name ":22:7: steps[1].run.env[0]: must be NAME=VALUE (NAME: letters, digits and _, not starting with a digit)" \
	"$S  run:\n    argv: [\"true\"]\n    env:\n    - A B=1\n"
bad_plan bad-type ":18:3: steps[1].est_seconds: must be an integer" \
	"- id: b\n  title: b\n  why: w\n  privileged: false\n  skippable: false\n  est_seconds: soon\n  run:\n    argv: [\"true\"]\n"
bad_plan unknown-key ":19:3: steps[1].runn: unknown key" "$S  runn:\n    argv: [\"true\"]\n"
bad_plan malformed ":21:1: malformed YAML: did not find expected node content while parsing a flow node" \
	"$S  run:\n    argv: [\n"
printf 'armpy_plan: 7\nsteps: []\n' >"$W/schema.yaml"
"$ARMPY" run "$W/schema.yaml" --yes >"$W/o" 2>"$W/e"; rc=$?
[ "$rc" -eq 2 ] && [ "$(cat "$W/e")" = "$W/schema.yaml:1:1: armpy_plan: schema 7 is not supported (this armpy reads 1)" ] &&
	t_pass "run, schema 7: exit 2, positioned at armpy_plan" || { t_fail "run, schema 7 (rc $rc)"; show "$W/e" 3; }
"$ARMPY" run "$W/missing.yaml" --yes >"$W/o" 2>"$W/e"; rc=$?
[ "$rc" -eq 2 ] && [ "$(cat "$W/e")" = "$W/missing.yaml: No such file or directory" ] && [ ! -e "$ARMPY_STATE_DIR/runs" ] &&
	t_pass "run, a missing plan: exit 2, 'FILE: No such file or directory'" || { t_fail "run, missing plan (rc $rc)"; show "$W/e" 3; }

# ---------------------------------------------------------------- JSON progress keeps its keys
# A step named apt-get reports on apt's status fd; bytes that are not UTF-8 there (a package's
# description in Latin-1) still give a "detail" string (U+FFFD for them), never a lost key.
reset
mkdir -p "$W/bin"
printf '#!/bin/sh\nprintf "pmstatus:pkg:50:caf\\351 \\377\\n" >&3\nprintf "out \\377\\n"\n' >"$W/bin/apt-get"
chmod +x "$W/bin/apt-get"
printf 'armpy_plan: 1\nprofile: p\ntarget: t\nsteps:\n' >"$W/apt.yaml"
printf -- '- id: apt\n  title: "Caf\\xe9 \\e[2K"\n  why: w\n  privileged: false\n  skippable: false\n  est_seconds: 1\n  run:\n    argv: [%s]\n' "$W/bin/apt-get" >>"$W/apt.yaml"
"$ARMPY" run "$W/apt.yaml" --yes --progress json >"$W/o" 2>"$W/e"; rc=$?
if [ "$rc" -eq 0 ] && python3 - "$W/o" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1], encoding="ascii")]
prog = [e for e in ev if e["event"] == "progress"]
assert prog and all("detail" in e for e in prog), ev
assert any(e["detail"] == "caf\ufffd \ufffd" for e in prog), prog
assert [e["title"] for e in ev if e["event"] == "step_start"] == ["Caf\u00e9 \x1b[2K"], ev
PY
then
	t_pass "JSON progress: a detail that is not UTF-8 is a string (U+FFFD), the title exact"
else
	t_fail "JSON progress with bad bytes (rc $rc)"; show "$W/o"; show "$W/e" 3
fi

# ---------------------------------------------------------------- a failed run, resumed
reset
"$ARMPY" run "$W/p.yaml" --yes >"$W/o" 2>&1; rc=$?
id=$(last_run)
[ "$rc" -eq 1 ] && [ "$(counts)" = "a b " ] && t_pass "step b fails: exit 1, c not run" ||
	{ t_fail "failing run (rc $rc, ran: $(counts))"; show "$W/o"; }
"$ARMPY" resume --yes >"$W/o" 2>&1; rc=$?
[ "$rc" -eq 1 ] && [ "$(counts)" = "a b b " ] && t_pass "resume before the fix: b fails again, a not re-run" ||
	{ t_fail "resume before the fix (rc $rc, ran: $(counts))"; show "$W/o"; }
touch "$W/fixed"
# a run id is one name as armpy makes them: "", ., .., paths (even to this very run) and other
# names are refused with exit 2 and the reason, and nothing runs
for bad in "" . .. "../runs" "$ARMPY_STATE_DIR/runs/$id" "./$id" "$id/" "$id-x" "x$id"; do
	"$ARMPY" resume "$bad" --yes >"$W/o" 2>&1; rc=$?
	if [ "$rc" -eq 2 ] && [ "$(counts)" = "a b b " ] && grep -q "^armpy resume: '.*' is not a run id: " "$W/o"; then
		t_pass "resume '$bad': exit 2, 'is not a run id', nothing run"
	else
		t_fail "resume '$bad' (rc $rc, ran: $(counts))"; show "$W/o"
	fi
done
"$ARMPY" resume "$(python3 -c 'print("9" * 100000)')" --yes >"$W/o" 2>&1; rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -c <"$W/o")" -lt 1024 ] && t_pass "a 100 KB run id: exit 2, a message under 1 KB" ||
	{ t_fail "100 KB run id (rc $rc, $(wc -c <"$W/o") bytes)"; show "$W/o" 2; }
"$ARMPY" resume "$id" --yes >"$W/o" 2>&1; rc=$?
if [ "$rc" -eq 0 ] && [ "$(counts)" = "a b b b c " ] && "$ARMPY" runs | grep -q "^$id .* ok "; then
	t_pass "fixed, resumed: b and c run, a (done) not re-run; armpy runs says ok"
else
	t_fail "resume of a failed run (rc $rc, ran: $(counts))"; show "$W/o"
fi

# ---------------------------------------------------------------- the journal survives tearing
reset
"$ARMPY" run "$W/p.yaml" --yes >/dev/null 2>&1
id=$(last_run)
printf 'end b o' >>"$ARMPY_STATE_DIR/runs/$id/journal"      # a torn record, no newline
"$ARMPY" runs >"$W/o" 2>&1
grep -q "^$id .* failed " "$W/o" && t_pass "a torn last record is dropped: the run still reads failed" ||
	{ t_fail "torn tail changed the state"; show "$W/o"; }
touch "$W/fixed"
"$ARMPY" resume --yes >"$W/o" 2>&1; rc=$?
"$ARMPY" runs >"$W/runs" 2>&1
if [ "$rc" -eq 0 ] && [ "$(counts)" = "a b b c " ] && grep -q "^$id .* ok " "$W/runs" &&
	grep -q '^end b o$' "$ARMPY_STATE_DIR/runs/$id/journal"; then
	t_pass "resume after a torn record: it starts on a fresh line; the run finishes and reads ok"
else
	t_fail "resume after a torn record (rc $rc, ran: $(counts))"; show "$W/o"; show "$W/runs" 3
fi
"$ARMPY" resume "$id" --yes >"$W/o" 2>&1; rc=$?
[ "$rc" -eq 0 ] && [ "$(counts)" = "a b b c " ] && t_pass "resuming the finished run again runs nothing" ||
	{ t_fail "second resume after tearing (rc $rc, ran: $(counts))"; show "$W/o"; }

# a journal damaged in the middle, deleted, or emptied: exit 2, nothing repeated
journal_case() { # NAME DESCRIPTION ACTION (on $J)
	reset
	"$ARMPY" run "$W/p.yaml" --yes >/dev/null 2>&1
	J=$ARMPY_STATE_DIR/runs/$(last_run)/journal
	eval "$3"
	touch "$W/fixed"
	"$ARMPY" resume "$(last_run)" --yes >"$W/o" 2>&1; rc=$?
	if [ "$rc" -eq 2 ] && [ "$(counts)" = "a b " ] && grep -q "journal" "$W/o"; then
		t_pass "$2: resume refuses (exit 2), repeats nothing"
	else
		t_fail "$2 (rc $rc, ran: $(counts))"; show "$W/o"
	fi
}
journal_case flip "a byte flipped in the middle of the journal" 'sed -i "2s/start a/start A/" "$J"'
journal_case gone "a deleted journal" 'rm -f "$J"'
journal_case empty "an emptied journal" ': >"$J"'
journal_case old "a journal without frames (hand-written)" 'sed -i "s/ #[0-9a-f]*$//" "$J"'

# ---------------------------------------------------------------- resume runs only what was approved
reset
"$ARMPY" run "$W/p.yaml" --yes >/dev/null 2>&1
id=$(last_run)
P=$ARMPY_STATE_DIR/runs/$id/plan.yaml
sed -i "s|echo c >> $W/count|echo c >> $W/count; touch $W/planted|" "$P"
touch "$W/fixed"
"$ARMPY" resume --yes </dev/null >"$W/o" 2>&1; rc=$?
if [ "$rc" -eq 2 ] && [ ! -e "$W/planted" ] && [ "$(counts)" = "a b " ] && grep -q "changed" "$W/o" &&
	grep -q -- "--yes does not approve" "$W/o" && grep -q -- "--dry-run $P" "$W/o"; then
	t_pass "changed plan.yaml, resume --yes without a terminal: exit 2, says why and how to review"
else
	t_fail "changed plan, --yes (rc $rc, ran: $(counts))"; show "$W/o"
fi
python3 "$PTY" n "$W/o" "$ARMPY" resume --yes; rc=$?
if [ "$rc" -eq 2 ] && [ ! -e "$W/planted" ] && grep -q "touch $W/planted" "$W/o"; then
	t_pass "changed plan on a terminal with --yes: the whole plan is shown and asked; n runs nothing"
else
	t_fail "changed plan on a terminal, n (rc $rc)"; show "$W/o"
fi
python3 "$PTY" y "$W/o" "$ARMPY" resume; rc=$?
[ "$rc" -eq 0 ] && [ -e "$W/planted" ] && [ "$(counts)" = "a b b c " ] &&
	t_pass "changed plan approved on the terminal: it runs (a not re-run)" ||
	{ t_fail "changed plan approved (rc $rc, ran: $(counts))"; show "$W/o"; }

# ---------------------------------------------------------------- the state dir is the user's
reset
mkdir -p "$ARMPY_STATE_DIR"
chmod 0777 "$ARMPY_STATE_DIR"
"$ARMPY" run "$W/p.yaml" --yes >"$W/o" 2>&1; rc=$?
[ "$rc" -ne 0 ] && [ ! -e "$W/count" ] && grep -q "not writable by group or others" "$W/o" &&
	t_pass "a state dir writable by others is refused, nothing run" || { t_fail "state dir 0777 (rc $rc)"; show "$W/o"; }
chmod 0700 "$ARMPY_STATE_DIR"
if id nobody >/dev/null 2>&1; then
	# a run planted by another user: refused by resume, never executed
	"$ARMPY" run "$W/p.yaml" --yes >/dev/null 2>&1
	id=$(last_run)
	chown -R nobody "$ARMPY_STATE_DIR/runs/$id"
	: >"$W/count"
	"$ARMPY" resume "$id" --yes >"$W/o" 2>&1; rc=$?
	[ "$rc" -eq 2 ] && [ ! -s "$W/count" ] && grep -q "refused" "$W/o" &&
		t_pass "a run dir owned by another user is refused by resume (exit 2)" ||
		{ t_fail "foreign run dir (rc $rc, ran: $(counts))"; show "$W/o"; }
	# HOME unset: the passwd entry's home, never a shared /tmp/.local/state
	home=$(getent passwd nobody | cut -d: -f6)
	chmod 755 "$W"
	(cd / && env -u HOME -u XDG_STATE_HOME -u ARMPY_STATE_DIR setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$ARMPY" runs) >"$W/o" 2>&1; rc=$?
	chmod 700 "$W"
	if [ ! -e /tmp/.local/state/armpy ] && grep -qF "$home" "$W/o"; then
		t_pass "HOME unset: the state goes under the passwd home ($home), not /tmp"
	else
		t_fail "HOME unset (rc $rc)"; show "$W/o"
	fi
else
	t_skip "no user nobody: foreign run dir, HOME unset"
fi

# ---------------------------------------------------------------- one run at a time
reset
printf 'armpy_plan: 1\nprofile: lock-test\ntarget: test\nwarnings: []\nnotes: []\nsteps:\n' >"$W/slow.yaml"
step "$W/slow.yaml" wait "echo w >> $W/count; while [ ! -e $W/go ]; do sleep 0.1; done"
"$ARMPY" run "$W/slow.yaml" --yes >"$W/first" 2>&1 &
first=$!
for _ in $(seq 100); do [ -e "$W/count" ] && break; sleep 0.1; done
id=$(last_run)
timeout 20 "$ARMPY" run "$W/slow.yaml" --yes >"$W/o" 2>&1; rc=$?   # (it waits for go if let run)
if [ "$rc" -ne 0 ] && [ "$(counts)" = "w " ] && grep -q "the target root / is in use by armpy pid $first, run $id" "$W/o"; then
	t_pass "a second run on the same root is refused, naming the holder (pid, run)"
else
	t_fail "second run (rc $rc, ran: $(counts))"; show "$W/o"
fi
timeout 20 "$ARMPY" resume "$id" --yes >"$W/o" 2>&1; rc=$?
[ "$rc" -eq 2 ] && [ "$(counts)" = "w " ] && t_pass "resume of the running run is refused (exit 2)" ||
	{ t_fail "resume while running (rc $rc, ran: $(counts))"; show "$W/o"; }
touch "$W/go"
wait "$first"; rc=$?
[ "$rc" -eq 0 ] && t_pass "the first run finishes" || { t_fail "first run (rc $rc)"; show "$W/first"; }
"$ARMPY" run "$W/slow.yaml" --yes >"$W/o" 2>&1 && t_pass "the lock is gone with its holder" ||
	{ t_fail "run after the holder ended"; show "$W/o"; }

# the root's lock is the root's own, not the state dir's or the user's: a run with another
# ARMPY_STATE_DIR, or another user's run, on the same root is refused while the first runs
rm -f "$W/go" "$W/count"
"$ARMPY" run "$W/slow.yaml" --yes >"$W/first" 2>&1 &
first=$!
for _ in $(seq 100); do [ -e "$W/count" ] && break; sleep 0.1; done
id=$(last_run)
mkdir -m 700 "$W/state2"
ARMPY_STATE_DIR=$W/state2 timeout 20 "$ARMPY" run "$W/slow.yaml" --yes >"$W/o" 2>&1; rc=$?
if [ "$rc" -ne 0 ] && [ "$(counts)" = "w " ] && grep -q "the target root / is in use by armpy pid $first, run $id" "$W/o"; then
	t_pass "a run with another state dir on the same root is refused, naming the holder (pid, run)"
else
	t_fail "second run, another state dir (rc $rc, ran: $(counts))"; show "$W/o"
fi
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	# another user on /: its own state dir, a plan it can read; it must not start either
	mkdir -m 700 "$W/state-nobody"; chown nobody "$W/state-nobody"
	cp "$W/slow.yaml" "$W/slow-nobody.yaml"; chmod 644 "$W/slow-nobody.yaml"; chmod 755 "$W"
	(cd / && ARMPY_STATE_DIR=$W/state-nobody timeout 20 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$ARMPY" run "$W/slow-nobody.yaml" --yes) >"$W/o" 2>&1; rc=$?
	chmod 700 "$W"
	if [ "$rc" -ne 0 ] && [ "$(counts)" = "w " ] && grep -q "the target root / is in use by armpy pid $first" "$W/o"; then
		t_pass "another user's run on the same root (/) is refused, naming the holder's pid"
	else
		t_fail "another user's run on / (rc $rc, ran: $(counts))"; show "$W/o"
	fi
else
	t_skip "not root, or no user nobody: another user's run on /"
fi
touch "$W/go"
wait "$first"

# ---------------------------------------------------------------- --log FILE
# never through a planted symlink, never a FIFO or a device; made 0600; the run directory's own
# log is written too ("also", as --help says)
reset
touch "$W/fixed"
echo kept >"$W/log-target"
ln -sf "$W/log-target" "$W/log-link"
rm -f "$W/log-fifo"; mkfifo "$W/log-fifo"
for bad in "$W/log-link" "$W/log-fifo" /dev/null; do
	timeout 20 "$ARMPY" run "$W/p.yaml" --yes --log "$bad" >"$W/o" 2>&1; rc=$?
	if [ "$rc" -ne 0 ] && [ ! -e "$W/count" ] && grep -q "$bad: refused" "$W/o" && [ "$(cat "$W/log-target")" = kept ]; then
		t_pass "--log $(basename "$bad") ($(stat -c %F "$bad")): refused, nothing run, nothing written through it"
	else
		t_fail "--log $bad (rc $rc, ran: $(counts))"; show "$W/o"
	fi
done
rm -f "$W/new.log"
(umask 022; "$ARMPY" run "$W/p.yaml" --yes --log "$W/new.log" >"$W/o" 2>&1); rc=$?
own=$ARMPY_STATE_DIR/runs/$(last_run)/log
if [ "$rc" -eq 0 ] && [ "$(stat -c %a "$W/new.log")" = 600 ] && grep -q "^armpy: step c: ok" "$W/new.log" &&
	grep -q "^armpy: step c: ok" "$own" && grep -q "log $W/new.log" "$W/o"; then
	t_pass "--log FILE: made 0600, and the run directory's own log is written too"
else
	t_fail "--log FILE (rc $rc, mode $(stat -c %a "$W/new.log" 2>&1))"; show "$W/o"
fi

# ---------------------------------------------------------------- a full state dir is named
reset
mkdir -p "$W/full"
if mount -t tmpfs -o size=64k tmpfs "$W/full" 2>/dev/null; then
	chmod 700 "$W/full"
	printf 'armpy_plan: 1\nprofile: full-test\ntarget: test\nwarnings: []\nnotes: []\nsteps:\n' >"$W/fill.yaml"
	step "$W/fill.yaml" fill "head -c 1000000 /dev/zero > $W/full/filler 2>/dev/null; true"
	for i in $(seq 60); do step "$W/fill.yaml" "after-$i" "echo after-$i >> $W/count"; done
	# the journal's last page fills after some of these: the step that cannot be journaled
	# must not run (a record torn by the full disk, without its ' #crc' frame, does not count), and the failure must name the file and ENOSPC (not "status 127")
	ARMPY_STATE_DIR=$W/full "$ARMPY" run "$W/fill.yaml" --yes >"$W/o" 2>&1; rc=$?
	J=$(ls "$W"/full/runs/*/journal)
	ran=$(wc -l <"$W/count" 2>/dev/null || echo 0)
	if [ "$rc" -eq 1 ] && [ "$ran" -lt 60 ] && [ "$ran" -eq "$(grep -cE '^child after-.* #[0-9a-f]{8}$' "$J")" ] &&
		grep -q "$W/full/runs/.*: No space left on device" "$W/o" && ! grep -q "status 127" "$W/o"; then
		t_pass "ENOSPC in the state dir: exit 1, the file and 'No space left on device'; every step that ran is journaled ($ran of 60)"
	else
		t_fail "ENOSPC (rc $rc, ran $ran)"; show "$W/o"
	fi
	rm -f "$W/full/filler"
	ARMPY_STATE_DIR=$W/full "$ARMPY" resume --yes >"$W/o" 2>&1; rc=$?
	# (a step whose end record did not fit runs again: a step without a check is re-runnable)
	[ "$rc" -eq 0 ] && [ "$(sort -u "$W/count" | wc -l)" -eq 60 ] && [ "$(wc -l <"$W/count")" -le 61 ] &&
		t_pass "space freed: resume finishes the run, journaled steps not repeated" ||
		{ t_fail "resume after ENOSPC (rc $rc)"; show "$W/o"; }
	rm -f "$W/full/filler"
	: >"$W/full/x"
	head -c 1000000 /dev/zero >"$W/full/filler" 2>/dev/null
	ARMPY_STATE_DIR=$W/full "$ARMPY" run "$W/fill.yaml" --yes >"$W/o" 2>&1; rc=$?
	[ "$rc" -eq 1 ] && grep -q "No space left on device" "$W/o" && ! grep -q "status 127" "$W/o" &&
		t_pass "a state dir already full: not started, 'No space left on device'" ||
		{ t_fail "already full (rc $rc)"; show "$W/o"; }
	umount "$W/full"
else
	t_skip "cannot mount a tmpfs (not root?): ENOSPC"
fi

t_summary
