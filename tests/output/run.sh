#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/output/run.sh — what armpy shows a person is the truth: output that never reached stdout
# (/dev/full, a full disk) exits 1 and says so; a terminal the wizard cannot use (TERM unset,
# unknown, dumb, stdout not a terminal) exits 2 before curses; a plan whose title or argv hides
# a command behind CR + ESC[2K or a bidi override is shown escaped in the listing, the progress,
# the failure summary, the log and error messages, while the YAML keeps its exact bytes; the
# listing names a check's command and a validate step's env, and a write gets its listed mode.
# Only harmless plans run here (true, printf), as the user, with the state in a temp dir.
set -u
. "$(dirname "$0")/../lib.sh"
cd "$TOP"
HERE=tests/output
OUT=$TOP/tests/out/output
rm -rf "$OUT"
mkdir -p "$OUT/state"
export ARMPY_STATE_DIR=$OUT/state ARMPY_NO_PROBE=1
DETECT="--os-release tests/fixtures/os-release/debian-12 --cpuinfo tests/fixtures/cpuinfo/neoverse-n1-altra --arch aarch64"
PROFILE=profiles/devkit-debian-system-blis.yaml
FACTS=tests/golden/facts/debian-12-aarch64.yaml
clean() { python3 "$HERE/clean.py" "$@"; }

# --- 1. output that did not reach stdout: exit 1 and a message, never 0 --------------------
"$ARMPY" plan --profile "$PROFILE" --facts "$FACTS" >"$OUT/plan.yaml" 2>/dev/null
full() {
	local name=$1 rc; shift
	"$ARMPY" "$@" >/dev/full 2>"$OUT/full.err" </dev/null; rc=$?
	if [ $rc -eq 1 ] && grep -q "cannot write the output" "$OUT/full.err"; then t_pass "$name >/dev/full: exit 1, said so"
	else t_fail "$name >/dev/full: rc=$rc $(head -c 300 "$OUT/full.err")"; fi
	"$ARMPY" "$@" >/dev/null 2>&1 </dev/null; rc=$?
	t_check "$name >/dev/null: exit 0 (the failure above is the output's)" test $rc -eq 0
}
full "--help" --help
full "--version" --version
full "plan --help" plan --help
full "detect" detect $DETECT
full "plan" plan --profile "$PROFILE" --facts "$FACTS"
full "--profile --dry-run" --profile "$PROFILE" --dry-run $DETECT
full "run --dry-run" run --dry-run "$OUT/plan.yaml"
full "runs" runs

# plan -o onto a full disk: a 16 KiB tmpfs, filled first.
TINY=$OUT/tiny
mkdir -p "$TINY"
if [ "$(id -u)" -ne 0 ] || ! mount -t tmpfs -o size=16k armpy-test-tiny "$TINY" 2>/dev/null; then
	t_skip "plan -o on a full disk (needs root and tmpfs)"
else
	dd if=/dev/zero of="$TINY/fill" bs=1k count=64 2>/dev/null
	"$ARMPY" plan --profile "$PROFILE" --facts "$FACTS" -o "$TINY/p.yaml" 2>"$OUT/tiny.err"; rc=$?
	if [ $rc -eq 1 ] && grep -q "No space left on device" "$OUT/tiny.err"; then t_pass "plan -o on a full disk: exit 1, ENOSPC named"
	else t_fail "plan -o on a full disk: rc=$rc $(cat "$OUT/tiny.err")"; fi
	t_check "plan -o on a full disk: no plan and no temp file left" test "$(ls "$TINY")" = fill
	rm -f "$TINY/fill"
	"$ARMPY" plan --profile "$PROFILE" --facts "$FACTS" -o "$TINY/p.yaml" 2>/dev/null
	t_check "plan -o with room: exit 0 and the plan written" test $? -eq 0 -a -s "$TINY/p.yaml"
	umount "$TINY"
fi

# plan -o onto a device: written to, never replaced (as root, a rename would have put a file
# where /dev/null was); a block device is refused. The nodes are made here (the same devices as
# /dev/null, /dev/full, /dev/loop0), so that a regression replaces only these.
devsave() { # NAME DEVICE WANT_RC
	local type=$(stat -c %F "$2") rc
	"$ARMPY" plan --profile "$PROFILE" --facts "$FACTS" -o "$2" >/dev/null 2>"$OUT/dev.err"; rc=$?
	if [ $rc -eq "$3" ] && [ "$(stat -c %F "$2")" = "$type" ]; then t_pass "plan -o $2: exit $rc, still a $type"
	else t_fail "plan -o $2: rc=$rc, now a $(stat -c %F "$2") $(head -c 200 "$OUT/dev.err")"; fi
}
rm -f "$OUT/dev-null" "$OUT/dev-full" "$OUT/dev-block"
if [ "$(id -u)" -eq 0 ] && mknod -m 666 "$OUT/dev-null" c 1 3 && mknod -m 666 "$OUT/dev-full" c 1 7 &&
	mknod -m 600 "$OUT/dev-block" b 7 0; then
	devsave null "$OUT/dev-null" 0
	devsave full "$OUT/dev-full" 1
	devsave block "$OUT/dev-block" 1
else
	t_skip "plan -o onto a device (needs root and mknod)"
fi
rm -f "$OUT/dev-null" "$OUT/dev-full" "$OUT/dev-block"
mkfifo "$OUT/fifo.out" 2>/dev/null
timeout 10 "$ARMPY" plan --profile "$PROFILE" --facts "$FACTS" -o "$OUT/fifo.out" 2>"$OUT/fifo.err"; rc=$?
if [ $rc -eq 1 ] && [ -p "$OUT/fifo.out" ]; then t_pass "plan -o a FIFO nobody reads: exit 1 at once, still a FIFO"
else t_fail "plan -o a FIFO nobody reads: rc=$rc $(head -c 200 "$OUT/fifo.err")"; fi
rm -f "$OUT/fifo.out"

# --- 2. a terminal the wizard cannot draw on: exit 2 before curses, with the way out -------
term() {
	local name=$1 want=$2 rc; shift 2
	"$HERE/onpty.py" "$@" >"$OUT/term.out" 2>&1; rc=$?
	if [ $rc -eq 2 ] && grep -q -- "$want" "$OUT/term.out" && grep -q -- "--profile FILE" "$OUT/term.out"; then
		t_pass "$name: exit 2, says so and names --profile"
	else t_fail "$name: rc=$rc $(head -c 400 "$OUT/term.out")"; fi
	if LC_ALL=C grep -q $'\e' "$OUT/term.out"; then t_fail "$name: curses drew something"; else t_pass "$name: nothing drawn"; fi
}
term "TERM unset" "TERM is not set" env -u TERM "$ARMPY" $DETECT
term "TERM empty" "TERM is not set" env TERM= "$ARMPY" $DETECT
term "TERM unknown" "TERM=armpy-no-such-terminal: this system has no terminfo entry" env TERM=armpy-no-such-terminal "$ARMPY" $DETECT
term "TERM=dumb" "TERM=dumb cannot move the cursor" env TERM=dumb "$ARMPY" $DETECT
term "stdout not a terminal" "needs a terminal" sh -c "TERM=xterm exec \"\$0\" $DETECT >\"\$1\"/term.stdout" "$ARMPY" "$OUT"
ONPTY_SECS=2 "$HERE/onpty.py" env TERM=vt100 "$ARMPY" $DETECT >"$OUT/vt100.out" 2>&1
if grep -q "Welcome" "$OUT/vt100.out"; then t_pass "TERM=vt100: the wizard starts (the checks above are about TERM)"
else t_fail "TERM=vt100: no wizard"; fi

# --- 3. a plan that hides what runs is shown with the hiding escaped ----------------------
PLAN=$OUT/hidden.yaml
cat >"$PLAN" <<'YAML'
armpy_plan: 1
profile: null
target: "debian-12 aarch64"
warnings: ["look\e[31m red"]
notes: []
steps:
- id: hidden
  title: "true HIDDEN-COMMAND\r\e[2KRefresh the package lists (apt-get update)"
  why: a test
  privileged: false
  skippable: false
  est_seconds: 1
  run:
    argv: [true, "HIDDEN-ARG\r\e[2Kapt-get", "it's\u202etxt.exe"]
- id: noisy
  title: "Print controls, then fail"
  why: a test
  privileged: false
  skippable: false
  est_seconds: 1
  run:
    argv: [sh, -c, "printf 'OUT-HIDDEN\\r\\033[2Kdecoy\\n'; exit 3"]
YAML
"$ARMPY" run "$PLAN" --yes >"$OUT/run.out" 2>"$OUT/run.err" </dev/null; rc=$?
t_check "hostile plan: runs (true, then a failing printf): exit 1" test $rc -eq 1
t_check "listing, progress and summary: no raw control, bidi or bad UTF-8" clean "$OUT/run.out" "$OUT/run.err"
all() { cat "$OUT/run.out" "$OUT/run.err"; }
if all | grep -qF '   1. true HIDDEN-COMMAND\r\x1b[2KRefresh the package lists (apt-get update)'; then
	t_pass "listing: the title's CR and ESC[2K shown as \\r\\x1b[2K, the hidden text visible"
else t_fail "listing: title"; all | sed 's/^/    | /'; fi
if all | grep -qF "      true \$'HIDDEN-ARG\\r\\x1b[2Kapt-get' \$'it\\'s\\u202etxt.exe'"; then
	t_pass "listing: argv words with controls or bidi in bash's \$'...' form"
else t_fail "listing: argv"; all | sed 's/^/    | /'; fi
t_check "listing: the warning's ESC escaped" grep -qF 'warning: look\x1b[31m red' "$OUT/run.out"
t_check "progress: the title escaped" grep -qF '[1/2] true HIDDEN-COMMAND\r\x1b[2KRefresh' "$OUT/run.out"
t_check "failure summary: the command's output escaped" grep -qF '| OUT-HIDDEN' "$OUT/run.err"
t_check "failure summary: ... and its ESC[2K" grep -qF '| \x1b[2Kdecoy' "$OUT/run.err"
LOG=$(ls -d "$OUT"/state/runs/*/ | head -1)log
t_check "log: no raw control, bidi or bad UTF-8" clean "$LOG"
t_check "log: the step line shows the hidden title" grep -qF 'step hidden (1/2): true HIDDEN-COMMAND\r\x1b[2KRefresh' "$LOG"
t_check "log: the command line shows the hidden argument" grep -qF 'HIDDEN-ARG\r\x1b[2Kapt-get' "$LOG"
t_check "log: the output shows the ESC" grep -qF '\x1b[2Kdecoy' "$LOG"

# The YAML is the machine-readable form: exact bytes when redirected, escaped on a terminal.
"$ARMPY" run --dry-run "$PLAN" >"$OUT/dry.yaml" 2>/dev/null
"$ARMPY" run --dry-run "$OUT/dry.yaml" >"$OUT/dry2.yaml" 2>/dev/null
t_check "--dry-run >file: the plan's bytes as they are (U+202E raw)" grep -qF $'it\'s\u202etxt' "$OUT/dry.yaml"
t_check "--dry-run >file: loads back to the same plan" cmp -s "$OUT/dry.yaml" "$OUT/dry2.yaml"
"$HERE/onpty.py" "$ARMPY" run --dry-run "$PLAN" >"$OUT/dry.tty" 2>&1
t_check "--dry-run on a terminal: nothing raw" clean "$OUT/dry.tty"
t_check "--dry-run on a terminal: U+202E shown as \\u202e" grep -qF "it's\\u202etxt" "$OUT/dry.tty"

# Any command's output read on a terminal: facts from a hostile os-release.
printf 'PRETTY_NAME="Debian \xe2\x80\xae12"\nID=debian\nVERSION_ID="12 HIDDEN\r\033[2KDECOY"\n' >"$OUT/os-release"
"$HERE/onpty.py" "$ARMPY" detect --os-release "$OUT/os-release" --cpuinfo tests/fixtures/cpuinfo/neoverse-n1-altra --arch aarch64 >"$OUT/detect.tty" 2>&1
t_check "detect on a terminal: nothing raw" clean "$OUT/detect.tty"
t_check "detect on a terminal: U+202E shown as \\u202e" grep -qF 'Debian \u202e12' "$OUT/detect.tty"
"$ARMPY" detect --os-release "$OUT/os-release" --cpuinfo tests/fixtures/cpuinfo/neoverse-n1-altra --arch aarch64 >"$OUT/detect.yaml" 2>/dev/null
t_check "detect >file: the bytes as they are" grep -qF $'Debian \u202e12' "$OUT/detect.yaml"

# --- 4. error messages that quote input never echo its bytes raw ---------------------------
"$ARMPY" run $'/nonexistent/x\r\e[2K\xff\xe2\x80\xae' >/dev/null 2>"$OUT/err1"
t_check "error quoting a file name: nothing raw" clean "$OUT/err1"
t_check "error quoting a file name: escaped" grep -qF 'x\r\x1b[2K\xff\u202e' "$OUT/err1"
printf 'version: 1\npython: system\nsource: system\nblas:\n  library: "open\\e[2Kblas\\u202e"\n' >"$OUT/bad.yaml"
"$ARMPY" --profile "$OUT/bad.yaml" --dry-run $DETECT >/dev/null 2>"$OUT/err2"; rc=$?
t_check "profile value with ESC and U+202E: exit 2" test $rc -eq 2
t_check "profile value with ESC and U+202E: the message shows nothing raw" clean "$OUT/err2"
t_check "profile value with ESC and U+202E: ... and names the key" grep -q "blas.library" "$OUT/err2"
printf 'version: 1\npython: system\nsource: system\nblas:\n  library: op\xffen\n' >"$OUT/bad2.yaml"
"$ARMPY" --profile "$OUT/bad2.yaml" --dry-run $DETECT >/dev/null 2>"$OUT/err3"; rc=$?
t_check "profile with a byte that is not UTF-8: exit 2" test $rc -eq 2
t_check "profile with a byte that is not UTF-8: the message shows nothing raw" clean "$OUT/err3"
# --- 5. the listing is the whole contract: a check's command, a probe's env, a write's mode --
cat >"$OUT/listed.yaml" <<YAML
armpy_plan: 1
profile: null
target: t
steps:
- id: rpm-checked
  title: checked by rpm
  why: a test
  privileged: false
  skippable: false
  est_seconds: 1
  run: {argv: ["true"]}
  check: {kind: rpm, packages: [openblas, python3-numpy]}
- id: cmd-checked
  title: checked by a command
  why: a test
  privileged: false
  skippable: false
  est_seconds: 1
  run: {argv: ["true"]}
  check: {kind: command, argv: [/usr/bin/test, -e, /CHECK-ARGV-SHOWN]}
- id: probe
  title: validate
  why: a test
  privileged: false
  skippable: false
  est_seconds: 1
  validate: {expect: blis, python: /usr/bin/python3, openblas_min: null, numpy_min: null,
    scipy_min: null, env: [LD_PRELOAD=/elsewhere.so]}
YAML
"$ARMPY" run "$OUT/listed.yaml" >"$OUT/listed.out" 2>"$OUT/listed.err" </dev/null; rc=$?
t_check "listing without --yes: exit 2, nothing run" test $rc -eq 2
t_check "listing: an rpm check's command, the names after --" grep -qF '      check: rpm -q -- openblas python3-numpy' "$OUT/listed.out"
t_check "listing: a command check's argv" grep -qF '      check: /usr/bin/test -e /CHECK-ARGV-SHOWN' "$OUT/listed.out"
t_check "listing: a validate step's env" grep -qF 'validate /usr/bin/python3 (expect blis) with LD_PRELOAD=/elsewhere.so' "$OUT/listed.out"
sed 's/LD_PRELOAD=\/elsewhere.so/LD_PRELOAD/' "$OUT/listed.yaml" >"$OUT/noeq.yaml"
"$ARMPY" run "$OUT/noeq.yaml" >/dev/null 2>"$OUT/noeq.err" </dev/null; rc=$?
t_check "a validate env entry without '=': exit 2" test $rc -eq 2
t_check "... naming it" grep -qF "steps[2].validate.env[0]: must be NAME=VALUE" "$OUT/noeq.err"

# A write listed as mode 0000 is written 0000, one listed 0600 written 0600.
mkdir -p "$OUT/w"
cat >"$OUT/modes.yaml" <<YAML
armpy_plan: 1
profile: null
target: t
steps:
- id: w0
  title: mode 0000
  why: a test
  privileged: false
  skippable: false
  est_seconds: 1
  write: {path: $OUT/w/zero, mode: "0000", content: "x\n"}
- id: w600
  title: mode 0600
  why: a test
  privileged: false
  skippable: false
  est_seconds: 1
  write: {path: $OUT/w/six, mode: "0600", content: "y\n"}
YAML
"$ARMPY" run "$OUT/modes.yaml" --yes >"$OUT/modes.out" 2>&1 </dev/null; rc=$?
t_check "writes: exit 0" test $rc -eq 0
t_check "writes: listed as mode 0000" grep -qF "write $OUT/w/zero (mode 0000, 2 bytes)" "$OUT/modes.out"
t_check "writes: mode 0000 on disk" test "$(stat -c %a "$OUT/w/zero")" = 0
t_check "writes: mode 0600 on disk" test "$(stat -c %a "$OUT/w/six")" = 600
t_summary
