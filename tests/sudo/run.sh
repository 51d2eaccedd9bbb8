#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/sudo/run.sh — a real sudo that asks for a password: a test user with a 6-second sudo
# timestamp drives headless runs and the wizard (its password dialog) in tmux (asked once, kept
# alive at a third of sudo's own timeout, revoked and resumed; timestamp_timeout=0 asked before
# each privileged step), no terminal (exit 2), the dry-run's sudoers rule used for real, the
# password nowhere on disk; armpy undo of the user's run (asked once, through sudo, exactly the
# commands its --dry-run lists).
set -u
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	t_skip "the sudo suite creates a user and a sudoers rule: run it as root"
	t_summary
	exit
fi
for tool in sudo visudo tmux chpasswd useradd runuser setsid; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		t_skip "sudo suite: $tool is missing (scripts/install-deps.sh test installs it)"
		t_summary
		exit
	fi
done

U=armpy-sudo-t
RULE=/etc/sudoers.d/armpy-sudo-test
SOCK=armpy-sudo-test.$$.0        # one tmux server (socket) per terminal: see tm_start
SOCKS=()
W=$(mktemp -d /tmp/armpy-sudo.XXXXXX)
chmod 755 "$W"
PW=Pw-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
BAD=Wrong-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
MARK=/root/armpy-sudo-test

cleanup() {
	local s
	for s in "${SOCKS[@]}"; do tmux -L "$s" kill-server >/dev/null 2>&1; done
	for _ in $(seq 50); do pgrep -u "$U" >/dev/null 2>&1 || break; sleep 0.1; done
	rm -f "$RULE" /etc/armpy-sudo-test.conf
	id "$U" >/dev/null 2>&1 && userdel -r -f "$U" >/dev/null 2>&1
	update-alternatives --remove-all armpy-sudo-test >/dev/null 2>&1
	rm -rf "$W" "$MARK".*
	[ -n "${WIZ_ENVF:-}" ] && rm -f "$WIZ_ENVF"
	t_alt_restore
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP                 # so that cleanup runs on a signal too
[ -n "${ARMPY_SUDO_KEEP:-}" ] && trap - EXIT   # debugging: leave everything behind
cleanup 2>/dev/null
mkdir -p "$W" && chmod 755 "$W"

# ------------------------------------------------------------------ the user, its rule, armpy
useradd -m -s /bin/bash "$U" || { t_fail "useradd $U"; t_summary; exit; }
H=$(getent passwd "$U" | cut -d: -f6)
printf '%s:%s\n' "$U" "$PW" | chpasswd
# a password rule, sudo's default policy on a DevKit or Ubuntu, with a 6-second timestamp
password_rule() { # [MINUTES]: the timestamp's life, 0.1 unless given
	printf 'Defaults:%s timestamp_timeout=%s\n%s ALL=(ALL:ALL) ALL\n' "$U" "${1:-0.1}" "$U" >"$W/rule"
	visudo -cf "$W/rule" >/dev/null && install -m 0440 "$W/rule" "$RULE"
}
t_check "the test rule (timestamp_timeout=0.1) passes visudo -cf" password_rule
# armpy and its unit binary where the test user can run them (the tree may be under /root)
install -m 0755 "$ARMPY" "$W/armpy"
install -m 0755 "$TOP/tests/unit/test-exec" "$W/test-exec"
install -m 0644 "$TOP/profiles/devkit-debian-system-blis.yaml" "$W/profile.yaml"
# what the user writes (armpy's output, exit statuses, state directories) goes under $O
O=$W/u
install -d -m 0755 -o "$U" "$O"
update-alternatives --install /usr/local/bin/armpy-sudo-test armpy-sudo-test /bin/false 20 >/dev/null
update-alternatives --install /usr/local/bin/armpy-sudo-test armpy-sudo-test /bin/true 10 >/dev/null

# plan FILE NAP: privileged run, an unprivileged sleep of NAP s, a privileged write, a
# privileged alternative, and a last privileged run
plan() {
	printf 'armpy_plan: 1\nprofile: sudo-test\ntarget: test\nwarnings: []\nnotes: []\nsteps:\n' >"$1"
	step "$1" root-run true 'run: {argv: [sh, -c, "id -u >'$MARK'.a"]}'
	[ "$2" -gt 0 ] && step "$1" nap false "run: {argv: [sleep, \"$2\"]}"
	step "$1" root-write true 'write: {path: '$MARK'.b, mode: "0640", content: "written through sudo\n"}'
	step "$1" root-alt true 'alternative: {name: armpy-sudo-test, path: /bin/true}'
	step "$1" root-last true 'run: {argv: [touch, '$MARK'.c]}'
	chmod 644 "$1"
}
step() { # FILE ID PRIVILEGED ACTION
	printf -- '- id: %s\n  title: %s\n  why: test\n  privileged: %s\n  skippable: false\n  est_seconds: 1\n  %s\n' \
		"$2" "$2" "$3" "$4" >>"$1"
}
plan "$W/nap.yaml" 9
plan "$W/nap12.yaml" 12
plan "$W/quick.yaml" 0
reset_marks() {
	rm -f "$MARK".*
	update-alternatives --set armpy-sudo-test /bin/false >/dev/null
}
# every privileged effect is there, made by root
effects_ok() {
	[ "$(cat "$MARK.a" 2>/dev/null)" = 0 ] && [ "$(stat -c %U "$MARK.a")" = root ] &&
		[ "$(cat "$MARK.b" 2>/dev/null)" = "written through sudo" ] &&
		[ "$(stat -c '%U %a' "$MARK.b")" = "root 640" ] && [ ! -e "$MARK.b.armpy-new" ] &&
		[ "$(readlink /etc/alternatives/armpy-sudo-test)" = /bin/true ] &&
		[ "$(stat -c %U "$MARK.c" 2>/dev/null)" = root ]
}
no_effects() {
	[ ! -e "$MARK.a" ] && [ ! -e "$MARK.b" ] && [ ! -e "$MARK.c" ] &&
		[ "$(readlink /etc/alternatives/armpy-sudo-test)" = /bin/false ]
}

# ------------------------------------------------------------------ the terminal (tmux)
# A login shell of the test user in a pane, as after `ssh -t`; sudo prompts on that terminal.
tm() { tmux -L "$SOCK" "$@"; }
pane() { tm capture-pane -p -J -S -200 -t t; }
tm_start() {
	tm kill-server >/dev/null 2>&1
	SOCK=armpy-sudo-test.$$.${#SOCKS[@]}      # a new server: no race with the old one's exit
	SOCKS+=("$SOCK")
	tm new-session -d -s t -x 200 -y 50 "su - $U"
	for _ in $(seq 50); do pane | grep -q '\$ *$' && return 0; sleep 0.1; done
	return 1
}
# tm_run NAME ENV ARGS: runs armpy in the pane; output in $W/NAME.out, status in $W/NAME.rc
tm_run() {
	rm -f "$O/$1.rc" "$O/$1.out"
	tm send-keys -t t "$2 $W/armpy $3 >$O/$1.out 2>&1; echo \$? >$O/$1.rc" Enter
}
wait_for() { # SECONDS COMMAND...: polls until the command succeeds
	local n=$(($1 * 10)); shift
	for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done
	return 1
}
prompts() { pane | grep -c "password for $U"; }
prompted() { [ "$(prompts)" -ge "$1" ]; }
type_pw() { tm send-keys -t t -l "$1"; tm send-keys -t t Enter; }
done_rc() { [ -s "$O/$1.rc" ]; }
rc_of() { cat "$O/$1.rc" 2>/dev/null; }
show() { echo "    --- $1.out"; sed 's/^/    | /' "$O/$1.out" 2>/dev/null | tail -${2:-12}; echo "    --- pane"; pane | grep -v '^$' | tail -8 | sed 's/^/    | /'; }
# no process's argv or environment holds the password (armpy, its steps, sudo, the keepalive);
# the pattern comes from a file, so that grep's own argv does not hold it
printf '%s\n' "$PW" >"$W/pwpat"
chmod 600 "$W/pwpat"
pw_in_proc() {
	local f
	for f in /proc/[0-9]*/cmdline /proc/[0-9]*/environ; do
		if grep -qaF -f "$W/pwpat" "$f" 2>/dev/null; then echo "    $f"; return 0; fi
	done
	return 1
}

state() { echo "$O/state-$1"; }
extract_rule() { sed -n '/^# --- sudoers ---$/,/^# --- end ---$/p' "$1" | sed '1d;$d;s/^# //'; }
as_user_env() { echo "ARMPY_STATE_DIR=$(state "$1") ARMPY_SUDO_REFRESH=${2-2}"; }   # "": unset

# ------------------------------------------------------------------ no terminal: exit 2
reset_marks
setsid -w runuser -u "$U" -- env -i HOME="$H" PATH=/usr/bin:/bin ARMPY_STATE_DIR="$(state notty)" \
	"$W/armpy" run "$W/quick.yaml" --yes </dev/null >"$W/notty.out" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && no_effects && [ ! -e "$(state notty)/runs" ] &&
	grep -q 'not started' "$W/notty.out" && grep -q 'run armpy as root' "$W/notty.out" &&
	grep -q 'sudo -v' "$W/notty.out" && grep -q 'NOPASSWD' "$W/notty.out" &&
	grep -q -- '--dry-run' "$W/notty.out"; then
	t_pass "no terminal: exit 2, nothing run, no run directory, the three ways named"
else
	t_fail "no terminal (rc $rc)"; sed 's/^/    | /' "$W/notty.out"
fi
setsid -w runuser -u "$U" -- env -i HOME="$H" PATH=/usr/bin:/bin ARMPY_STATE_DIR="$(state notty)" \
	"$W/armpy" run "$W/quick.yaml" --yes --progress json </dev/null >"$W/notty.json" 2>/dev/null
rc=$?
if [ "$rc" -eq 2 ] && tail -1 "$W/notty.json" | grep -q '"event":"run_end","result":"not_started","exit":2'; then
	t_pass "no terminal, JSON: run_end says not_started, never ok or finished"
else
	t_fail "no terminal, JSON (rc $rc)"; sed 's/^/    | /' "$W/notty.json"
fi

# ------------------------------------------------------------------ asked once, kept alive
# Each case gets a new terminal, so sudo's per-terminal timestamp starts empty.
reset_marks
if tm_start; then t_pass "a login shell of $U in tmux"; else t_fail "tmux login shell"; pane; fi
tm_run keep "$(as_user_env keep)" "run $W/nap.yaml --yes"
if wait_for 10 prompted 1; then
	t_pass "sudo asks for the password on the terminal before the first step"
	no_effects && t_pass "nothing ran before the password" || t_fail "a step ran before the password"
	type_pw "$PW"
else
	t_fail "no sudo prompt"; show keep
fi
# while the unprivileged step sleeps (longer than the 6-second timestamp)
if wait_for 10 grep -q '\[2/5\] nap' "$O/keep.out"; then
	sleep 2
	if pw_in_proc; then t_fail "the password is in a process's argv or environment"
	else t_pass "the password is in no process's argv or environment while the run sleeps"; fi
else
	t_fail "the run did not reach its unprivileged step"; show keep
fi
wait_for 40 done_rc keep
if [ "$(rc_of keep)" = 0 ] && effects_ok; then
	t_pass "every privileged step ran as root after a 9 s step (timestamp 6 s, kept alive)"
else
	t_fail "kept-alive run (rc $(rc_of keep))"; show keep 20
fi
[ "$(prompts)" -eq 1 ] && t_pass "the password was asked once" || t_fail "asked $(prompts) times"
grep -q 'once (armpy never sees it' "$O/keep.out" && t_pass "armpy says why sudo asks" ||
	t_fail "no note before the prompt"
if grep -rqF -- "$PW" "$(state keep)" "$H" 2>/dev/null; then
	t_fail "the password is in a file under the state directory or home"
	grep -rlF -- "$PW" "$(state keep)" "$H" | sed 's/^/    /'
else
	t_pass "the password is in no file: run dir, log, journal, home"
fi
grep -q 'sudo -n /usr/bin/env .* install -m 0640 /dev/stdin' "$(state keep)"/runs/*/log &&
	t_pass "the privileged write went through sudo (install from stdin, logged)" ||
	t_fail "the log shows no write through sudo"

# ------------------------------------------------------------------ a wrong password
reset_marks
tm_start
tm_run wrong "$(as_user_env wrong)" "run $W/quick.yaml --yes"
if wait_for 10 prompted 1; then type_pw "$BAD"; fi
if wait_for 15 prompted 2 && pane | grep -q 'Sorry, try again'; then
	t_pass "a wrong password: sudo says so and asks again"
	type_pw "$PW"
else
	t_fail "no second prompt after a wrong password"; show wrong
fi
wait_for 30 done_rc wrong
if [ "$(rc_of wrong)" = 0 ] && effects_ok; then
	t_pass "the right password on the second try runs every step"
else
	t_fail "after the retry (rc $(rc_of wrong))"; show wrong
fi

# three wrong passwords: sudo gives up, the run does not start
reset_marks
tm_start
tm_run wrong3 "$(as_user_env wrong3)" "run $W/quick.yaml --yes"
for n in 1 2 3; do wait_for 15 prompted $n && type_pw "$BAD"; done
wait_for 30 done_rc wrong3
if [ "$(rc_of wrong3)" = 2 ] && no_effects && [ ! -e "$(state wrong3)/runs" ] &&
	grep -q 'not started: sudo did not accept the password' "$O/wrong3.out"; then
	t_pass "three wrong passwords: not started (exit 2), nothing run, said why"
else
	t_fail "three wrong passwords (rc $(rc_of wrong3))"; show wrong3
fi

# ------------------------------------------------------------------ no keepalive: expired
reset_marks
tm_start
tm_run expire "$(as_user_env expire 0)" "run $W/nap.yaml --yes"
wait_for 10 prompted 1 && type_pw "$PW"
wait_for 40 done_rc expire
if [ "$(rc_of expire)" = 1 ] && [ -e "$MARK.a" ] && [ ! -e "$MARK.b" ] &&
	grep -q 'sudo wants the password again' "$O/expire.out" && grep -q 'armpy resume' "$O/expire.out"; then
	t_pass "without the keepalive (ARMPY_SUDO_REFRESH=0) the timestamp expires: the next privileged step stops cleanly"
else
	t_fail "the expiry control (rc $(rc_of expire))"; show expire
fi
tm_run expire-resume "$(as_user_env expire)" "resume --yes"
if wait_for 10 prompted 2; then
	t_pass "armpy resume asks for the password again"
	type_pw "$PW"
else
	t_fail "armpy resume did not ask"; show expire-resume
fi
wait_for 30 done_rc expire-resume
if [ "$(rc_of expire-resume)" = 0 ] && effects_ok; then
	t_pass "the resumed run finishes every privileged step"
else
	t_fail "resume after expiry (rc $(rc_of expire-resume))"; show expire-resume
fi

# ------------------------------------------------------------------ revoked mid-run
reset_marks
tm_start
tm_run revoke "$(as_user_env revoke)" "run $W/nap.yaml --yes"
wait_for 10 prompted 1 && type_pw "$PW"
if wait_for 10 grep -q '\[2/5\] nap' "$O/revoke.out"; then
	sleep 1
	runuser -u "$U" -- sudo -K                   # the user's timestamps are gone
fi
wait_for 40 done_rc revoke
if [ "$(rc_of revoke)" = 1 ] && [ -e "$MARK.a" ] && [ ! -e "$MARK.b" ] &&
	grep -q 'sudo wants the password again' "$O/revoke.out"; then
	t_pass "sudo -K during a step: the next privileged step stops cleanly, nothing of it ran"
else
	t_fail "revoked mid-run (rc $(rc_of revoke))"; show revoke
fi
tm_run revoke-resume "$(as_user_env revoke)" "resume --yes"
wait_for 10 prompted 2 && type_pw "$PW"
wait_for 30 done_rc revoke-resume
if [ "$(rc_of revoke-resume)" = 0 ] && effects_ok && [ "$(prompts)" -eq 2 ]; then
	t_pass "armpy resume asks again and finishes"
else
	t_fail "resume after revoke (rc $(rc_of revoke-resume))"; show revoke-resume
fi
if grep -rqF -- "$PW" "$O"/state-* "$H" 2>/dev/null; then
	t_fail "the password is in a file under a state directory"
else
	t_pass "the password is in no file under any state directory"
fi
tm kill-server >/dev/null 2>&1

# ------------------------------------------------------------------ sudo's own timeout
# No ARMPY_SUDO_REFRESH: armpy reads timestamp_timeout=0.1 (6 s) from `sudo -n -l` and
# refreshes at a third of it, so a 12-second unprivileged step does not outlast it.
reset_marks
tm_start
tm_run policy "$(as_user_env policy "")" "run $W/nap12.yaml --yes"
wait_for 10 prompted 1 && type_pw "$PW"
wait_for 45 done_rc policy
if [ "$(rc_of policy)" = 0 ] && effects_ok && [ "$(prompts)" -eq 1 ]; then
	t_pass "timestamp_timeout=0.1, a 12 s unprivileged step between privileged ones: completes, asked once"
else
	t_fail "sudo's own timeout (rc $(rc_of policy), asked $(prompts) times)"; show policy
fi
grep -q "every 2 s .*(sudo's timestamp_timeout is 0.1 min)" "$(state policy)"/runs/*/log &&
	t_pass "the refresh interval comes from sudo's policy (logged)" ||
	{ t_fail "the log does not give the interval from sudo's policy"; grep 'sudo:' "$(state policy)"/runs/*/log | sed 's/^/    | /'; }

# timestamp_timeout=0: sudo keeps no timestamp, so armpy says so and asks before each of the
# four privileged steps (a wrong password first: refused, asked again)
t_check "the test rule (timestamp_timeout=0) passes visudo -cf" password_rule 0
asks() { pane | grep -c 'runs as root through sudo; password for'; }
asked() { [ "$(asks)" -ge "$1" ]; }
reset_marks
tm_start
tm_run zero "$(as_user_env zero)" "run $W/quick.yaml --yes"
wait_for 10 prompted 1 && type_pw "$PW"
if wait_for 15 asked 1 && grep -q 'keeps no timestamp here' "$O/zero.out" && no_effects; then
	t_pass "timestamp_timeout=0: armpy says sudo asks before each privileged step, then asks before the first"
	type_pw "$BAD"
else
	t_fail "timestamp_timeout=0: no note or no prompt before the first step"; show zero
fi
if wait_for 15 asked 2 && pane | grep -q 'sudo did not accept the password; 2 tries left' && no_effects; then
	t_pass "timestamp_timeout=0: a wrong password is refused before anything of the step runs, asked again"
else
	t_fail "timestamp_timeout=0: no retry after a wrong password"; show zero
fi
type_pw "$PW"
for n in 3 4 5; do wait_for 15 asked $n && type_pw "$PW"; done
wait_for 30 done_rc zero
if [ "$(rc_of zero)" = 0 ] && effects_ok && [ "$(asks)" -eq 5 ]; then
	t_pass "timestamp_timeout=0: asked before each of the 4 privileged steps, every one ran as root"
else
	t_fail "timestamp_timeout=0 (rc $(rc_of zero), asked $(asks) times)"; show zero 20
fi
if grep -rqF -f "$W/pwpat" "$(state zero)" "$H" "$MARK".* 2>/dev/null; then
	t_fail "timestamp_timeout=0: the password is in a file (state directory, home, or a file a step wrote)"
else
	t_pass "timestamp_timeout=0: the password is in no file: run dir, log, journal, home, the files the steps wrote"
fi
# no terminal: refused before the run, the reason and the ways forward
reset_marks
setsid -w runuser -u "$U" -- env -i HOME="$H" PATH=/usr/bin:/bin ARMPY_STATE_DIR="$(state zero-notty)" \
	"$W/armpy" run "$W/quick.yaml" --yes </dev/null >"$W/zero-notty.out" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && no_effects && [ ! -e "$(state zero-notty)/runs" ] &&
	grep -q 'not started' "$W/zero-notty.out" && grep -q 'timestamp_timeout is 0' "$W/zero-notty.out" &&
	grep -q 'NOPASSWD' "$W/zero-notty.out"; then
	t_pass "timestamp_timeout=0 without a terminal: refused up front (exit 2), nothing run, the ways forward"
else
	t_fail "timestamp_timeout=0 without a terminal (rc $rc)"; sed 's/^/    | /' "$W/zero-notty.out"
fi
password_rule
tm kill-server >/dev/null 2>&1

# ------------------------------------------------------------------ the wizard asks
# A real wizard plan on this host, loaded with --load: Debian's NumPy/SciPy on the BLAS that
# libblas.so.3 points at now (OpenBLAS or BLIS, pthreads). The packages are here and the
# alternatives already say so, so those steps are checked and satisfied (this machine's BLAS
# is left alone); the privileged effect is the write of /etc/profile.d/armpy-blas.sh through
# sudo, then validation.
ENVF=/etc/profile.d/armpy-blas.sh
install -D -m 0644 "$TOP/scripts/armpy-probe.py" "$W/scripts/armpy-probe.py"   # validation's probe
alt_now() { update-alternatives --query "$1" 2>/dev/null | sed -n 's/^Value: //p'; }
wiz_profile() {
	local lib
	case "$(alt_now libblas.so.3-x86_64-linux-gnu)" in
	*/openblas-pthread/*) lib=openblas ;;
	*/blis-pthread/*) lib=blis ;;
	*) return 1 ;;
	esac
	sed "s/threading: openmp/threading: pthreads/; s/library: openblas/library: $lib/; s/^name: .*/name: sudo-wizard-test/" \
		"$TOP/profiles/devkit-debian-system-openblas.yaml" >"$W/wiz.yaml"
	chmod 644 "$W/wiz.yaml"
}
# every alternative of the plan already points where the plan wants it
alts_current() {
	local name path
	while read -r name path; do
		[ "$(alt_now "$name")" = "$path" ] || return 1
	done < <(grep -A2 '^  alternative:' "$1" | awk '/name:/ { n = $2 } /path:/ { print n, $2 }')
}
wiz_why_not() {
	[ "$(uname -m)" = x86_64 ] || { echo "not x86_64"; return; }
	grep -q '^VERSION_ID="12"' /etc/os-release && grep -q '^ID=debian' /etc/os-release ||
		{ echo "not Debian 12"; return; }
	wiz_profile || { echo "libblas.so.3 points at neither OpenBLAS nor BLIS pthreads"; return; }
	"$ARMPY" --profile "$W/wiz.yaml" --dry-run >"$W/wiz-plan.yaml" 2>/dev/null ||
		{ echo "the wizard's profile does not plan here"; return; }
	dpkg -s $(sed -n 's/^    packages: \[\(.*\)\]/\1/p' "$W/wiz-plan.yaml" | head -1 | tr -d ,) >/dev/null 2>&1 ||
		{ echo "the plan's packages are not all installed"; return; }
	alts_current "$W/wiz-plan.yaml" ||
		{ echo "the BLAS alternatives are being changed (not changing them)"; return; }
	[ ! -e "$ENVF" ] || echo "$ENVF is already there (not overwriting it)"
}
scr() { tm capture-pane -p -t t; }
on_screen() { scr | grep -qF -- "$1"; }
wiz_keys() { tm send-keys -t t "$@"; sleep 0.2; }
# wiz_start NAME [ARGS]: the wizard as the test user in its login shell; status in $O/NAME.rc
wiz_start() {
	rm -f "$O/$1.rc"
	tm send-keys -t t "$(as_user_env "$1") ARMPY_NO_PROBE=1 $W/armpy --load $W/wiz.yaml ${2:-}; echo \$? >$O/$1.rc" Enter
	wait_for 10 on_screen "Welcome: this machine"
}
# to the review screen, then Enter and y: the password dialog (or the install screen)
wiz_review() {
	for _ in 1 2 3 4 5 6; do wiz_keys Enter; done
	wait_for 10 on_screen "Plan for debian-12 x86_64"
}
wiz_confirm() { wiz_keys Enter; wait_for 5 on_screen "Run the plan" && wiz_keys y; }
wiz_show() { echo "    --- screen"; scr | sed 's/^/    | /'; }
no_runs() { [ -z "$(ls -A "$(state "$1")/runs" 2>/dev/null)" ]; }
envf_ok() {
	[ "$(stat -c '%U %a' "$ENVF" 2>/dev/null)" = "root 644" ] &&
		grep -q '^export OPENBLAS_NUM_THREADS=' "$ENVF" && [ ! -e "$ENVF.armpy-new" ]
}
pw_in_files() { grep -rqF -f "$W/pwpat" "$(state "$1")" "$H" 2>/dev/null; }

# The wizard's plan below is for OpenBLAS with pthreads, every alternative of it satisfied, so
# that this machine's BLAS is left as it is: the suite sets those alternatives itself (under the
# machine-wide alternatives lock, lib.sh) rather than depend on where a user or another suite left
# them, and puts them back as it found them at exit.
ALT_T=x86_64-linux-gnu
if [ "$(uname -m)" = x86_64 ] && [ -e "/usr/lib/$ALT_T/openblas-pthread/libblas.so.3" ] &&
	t_alt_save "libblas.so.3-$ALT_T" "liblapack.so.3-$ALT_T" "libopenblas.so.0-$ALT_T"; then
	for a in libblas.so.3 liblapack.so.3 libopenblas.so.0; do
		[ -e "/usr/lib/$ALT_T/openblas-pthread/$a" ] &&
			update-alternatives --set "$a-$ALT_T" "/usr/lib/$ALT_T/openblas-pthread/$a" >/dev/null 2>&1
	done
fi
if why_not=$(wiz_why_not) && [ -z "$why_not" ]; then
	WIZ_ENVF=$ENVF                               # ours to remove from here on
	tm_start
	if wiz_start wiz && wiz_review && wiz_confirm && wait_for 10 on_screen "Password for sudo"; then
		t_pass "wizard: after the confirmation it asks for the sudo password in a dialog"
		[ ! -e "$ENVF" ] && no_runs wiz && t_pass "wizard: nothing ran before the password" ||
			t_fail "wizard: something ran before the password"
		tm send-keys -t t -l "$BAD"
		if wait_for 3 on_screen "*****" && ! scr | grep -qF -- "$BAD"; then
			t_pass "wizard: the password is masked (stars, never its text)"
		else t_fail "wizard: the password is not masked"; wiz_show; fi
		wiz_keys Enter
		if wait_for 15 on_screen "sudo did not accept the password; 2 tries left" &&
			on_screen "Password for sudo"; then
			t_pass "wizard: a wrong password is reported in the dialog, which asks again"
		else t_fail "wizard: no retry after a wrong password"; wiz_show; fi
		tm send-keys -t t -l "$PW"; wiz_keys Enter
		if wait_for 40 on_screen "All steps done" && on_screen "Finished" && envf_ok; then
			t_pass "wizard: the right password runs the plan; the privileged write is there, by root"
		else t_fail "wizard: the run after the password"; wiz_show; fi
		grep -q "sudo -n /usr/bin/env .* install -m 0644 /dev/stdin $ENVF.armpy-new" \
			"$(state wiz)"/runs/*/log 2>/dev/null &&
			t_pass "wizard: the write went through sudo (logged)" || t_fail "wizard: no write through sudo in the log"
		wiz_keys q; wait_for 5 on_screen "Something has already run" && wiz_keys y
		wait_for 10 done_rc wiz
		[ "$(rc_of wiz)" = 0 ] && t_pass "wizard: exits 0 after the run" || t_fail "wizard: exit $(rc_of wiz)"
		if pw_in_files wiz; then t_fail "wizard: the password is in a file under the state directory or home"
		else t_pass "wizard: the password is in no file: state directory (run, log, journal), home, profiles"; fi
	else
		t_fail "wizard: no password dialog"; wiz_show
	fi
	rm -f "$ENVF"

	# Esc in the dialog: back on the review screen, nothing run; then three wrong passwords
	tm_start
	if wiz_start wiz-esc && wiz_review && wiz_confirm && wait_for 10 on_screen "Password for sudo"; then
		tm send-keys -t t -l "$PW"; wiz_keys Escape
		if wait_for 5 on_screen "Not started, nothing was run: no password was given to sudo" &&
			on_screen "Plan for debian-12 x86_64" && [ ! -e "$ENVF" ] && no_runs wiz-esc; then
			t_pass "wizard: Esc in the password dialog goes back to the review, nothing run"
		else t_fail "wizard: Esc in the password dialog"; wiz_show; fi
		wiz_confirm && wait_for 10 on_screen "Password for sudo"
		for n in 1 2 3; do
			tm send-keys -t t -l "$BAD"; wiz_keys Enter
			[ "$n" -lt 3 ] && wait_for 15 on_screen "$((3 - n)) tr"
		done
		if wait_for 15 on_screen "Not started, nothing was run: sudo did not accept the password (3 tries)" &&
			on_screen "Plan for debian-12 x86_64" && [ ! -e "$ENVF" ] && no_runs wiz-esc; then
			t_pass "wizard: three wrong passwords end on the review, said why, nothing run"
		else t_fail "wizard: three wrong passwords"; wiz_show; fi
		wiz_keys q; wait_for 10 done_rc wiz-esc
		if [ "$(rc_of wiz-esc)" = 0 ]; then t_pass "wizard: q quits at once when nothing ran"
		else t_fail "wizard: q after nothing ran (exit $(rc_of wiz-esc))"; wiz_show; fi
		pw_in_files wiz-esc && t_fail "wizard (Esc): the password is in a file" ||
			t_pass "wizard (Esc): the typed password is in no file"
	else
		t_fail "wizard (Esc): no password dialog"; wiz_show
	fi
	rm -f "$ENVF"
else
	t_skip "wizard run through sudo: $why_not"
fi

# a run that cannot start reads "Not started", steps pending, and why (--root needs root); its
# profile whatever the section above did (it may have been skipped)
[ -s "$W/wiz.yaml" ] || wiz_profile || sed "s/threading: openmp/threading: pthreads/; s/^name: .*/name: sudo-wizard-test/" \
	"$TOP/profiles/devkit-debian-system-openblas.yaml" >"$W/wiz.yaml"
chmod 644 "$W/wiz.yaml"
install -d -m 0755 -o "$U" "$W/noroot"
tm_start
if wiz_start wiz-root "--root $W/noroot --os-release /etc/os-release" && wiz_review && wiz_confirm &&
	wait_for 10 on_screen "Not started: nothing was run"; then
	if on_screen "needs root" && ! on_screen "Finished" && ! on_screen "Password for sudo" &&
		[ "$(scr | grep -cE '^ +[0-9]+ [# ] pending ')" -ge 5 ]; then
		t_pass "wizard: a run that never started reads Not started, says why, steps pending"
	else t_fail "wizard: the not-started install screen"; wiz_show; fi
	wiz_keys Escape
	wait_for 5 on_screen "Plan for debian-12 x86_64" && t_pass "wizard: Esc from a run that never started goes back to the review" ||
		{ t_fail "wizard: no way back after a run that never started"; wiz_show; }
	wiz_keys q; wait_for 10 done_rc wiz-root
else
	t_fail "wizard: --root as a user did not reach a not-started install screen"; wiz_show
fi
tm kill-server >/dev/null 2>&1

# ------------------------------------------------------------------ sudo -S through a pipe
printf '%s\n%s\n' "$PW" "$BAD" >"$W/pw"
chown "$U" "$W/pw"
chmod 600 "$W/pw"
if setsid -w runuser -u "$U" -- env ARMPY_SUDO_TEST_PWFILE="$W/pw" CMOCKA_MESSAGE_OUTPUT=stdout \
	"$W/test-exec" </dev/null >"$W/pipe.out" 2>&1 && grep -q 'PASSED.*1 test' "$W/pipe.out"; then
	t_pass "sudo_validate_password (the wizard's path): wrong refused, right accepted, via a pipe"
else
	t_fail "sudo_validate_password"; sed 's/^/    | /' "$W/pipe.out" | tail -15
fi
rm -f "$W/pw"

# ------------------------------------------------------------------ undo as the user
# The user runs a plan (a privileged write of a file that was absent, a privileged alternative)
# with its password, then `armpy undo --yes`: sudo asks once, the reverse steps go through sudo,
# the records in the user's state dir are read, and the file and the alternative are as before.
# The undo's --dry-run lists exactly the sudo commands the undo then runs.
UNDO_CONF=/etc/armpy-sudo-test.conf
printf 'armpy_plan: 1\nprofile: sudo-undo\ntarget: test\nwarnings: []\nnotes: []\nsteps:\n' >"$W/undo.yaml"
step "$W/undo.yaml" root-write true 'write: {path: '$UNDO_CONF', mode: "0644", content: "written for undo\n"}'
step "$W/undo.yaml" root-alt true 'alternative: {name: armpy-sudo-test, path: /bin/true}'
chmod 644 "$W/undo.yaml"
reset_marks
rm -f "$UNDO_CONF"
tm_start
tm_run undo-plan "$(as_user_env undo)" "run $W/undo.yaml --yes"
wait_for 10 prompted 1 && type_pw "$PW"
wait_for 30 done_rc undo-plan
if [ "$(rc_of undo-plan)" = 0 ] && [ "$(stat -c %U "$UNDO_CONF" 2>/dev/null)" = root ] &&
	[ "$(readlink /etc/alternatives/armpy-sudo-test)" = /bin/true ]; then
	t_pass "undo: the user's run wrote $UNDO_CONF and switched the alternative through sudo"
else
	t_fail "undo: the user's run (rc $(rc_of undo-plan))"; show undo-plan
fi
setsid -w runuser -u "$U" -- env -i HOME="$H" PATH=/usr/bin:/bin ARMPY_STATE_DIR="$(state undo)" \
	"$W/armpy" undo --dry-run </dev/null >"$W/undo-dry.yaml" 2>"$W/undo-dry.err"
rc=$?
listed() { sed -n 's/^#   [A-Za-z0-9._-]*: sudo -n /sudo -n /p' "$W/undo-dry.yaml" | sort -u; }
if [ "$rc" -eq 0 ] && listed | grep -q " update-alternatives --set armpy-sudo-test /bin/false$" &&
	listed | grep -q " rm -f -- $UNDO_CONF$" && [ "$(listed | wc -l)" -eq 2 ]; then
	t_pass "undo --dry-run as the user lists the reverse plan's two sudo commands (rm, update-alternatives)"
else
	t_fail "undo --dry-run sudo listing (rc $rc)"; sed 's/^/    | /' "$W/undo-dry.yaml" "$W/undo-dry.err" | tail -25
fi
extract_rule "$W/undo-dry.yaml" >"$W/undo.rule"
t_check "the undo's sudoers rule passes visudo -cf" visudo -qcf "$W/undo.rule"
tm_start                                     # a new terminal: sudo's timestamp starts empty
tm_run undo "$(as_user_env undo)" "undo --yes"
if wait_for 10 prompted 1; then type_pw "$PW"; else t_fail "undo: sudo did not ask"; show undo; fi
wait_for 30 done_rc undo
if [ "$(rc_of undo)" = 0 ] && [ ! -e "$UNDO_CONF" ] &&
	[ "$(readlink /etc/alternatives/armpy-sudo-test)" = /bin/false ] &&
	[ "$(update-alternatives --query armpy-sudo-test | sed -n 's/^Status: //p')" = manual ]; then
	t_pass "armpy undo --yes as the user: the file removed, the alternative back on /bin/false (manual)"
else
	t_fail "armpy undo as the user (rc $(rc_of undo))"; show undo 20
fi
[ "$(prompts)" -eq 1 ] && t_pass "undo: sudo asked once" || t_fail "undo: asked $(prompts) times"
UR=$(ls "$(state undo)/runs" | sort | tail -1)
UL=$(state undo)/runs/$UR/log
if [ -n "$UR" ] && [ -s "$(state undo)/runs/$UR/undoes" ] &&
	[ -s "$(state undo)/runs/$(cat "$(state undo)/runs/$UR/undoes")/undone" ]; then
	t_pass "undo: a run of its own in the user's state dir, the undone run marked"
else
	t_fail "undo: run marks in $(state undo)"; ls -lR "$(state undo)" | sed 's/^/    | /'
fi
if [ -f "$UL" ] && [ "$(listed | wc -l)" -eq 2 ] && diff <(listed) <(sed -n 's/^\$ sudo -n /sudo -n /p' "$UL" | sort -u) >"$W/undo-cmds.diff"; then
	t_pass "undo: the sudo commands it ran are exactly the ones --dry-run listed"
else
	t_fail "undo: sudo commands run and listed differ"; sed 's/^/    | /' "$W/undo-cmds.diff"
fi
rm -f "$UNDO_CONF"
tm kill-server >/dev/null 2>&1

# ------------------------------------------------------------------ the dry-run's sudoers rule
user_armpy() { # ARGS...: armpy as the test user, no terminal, a fixed environment
	setsid -w runuser -u "$U" -- env -i HOME="$H" PATH=/usr/bin:/bin ARMPY_STATE_DIR="$(state rule)" \
		"$W/armpy" "$@" </dev/null
}
user_armpy --profile "$W/profile.yaml" --dry-run >"$W/dry.yaml" 2>"$W/dry.err"
rc=$?
if [ "$rc" -eq 0 ] && grep -q '^# sudo: armpy is not root here' "$W/dry.yaml" &&
	grep -q '^#   alt-blas: sudo -n /usr/bin/env .* update-alternatives --set libblas.so.3' "$W/dry.yaml" &&
	grep -q '^#   blas-env: sudo -n .* install -m 0644 /dev/stdin /etc/profile.d/armpy-blas.sh.armpy-new' "$W/dry.yaml"; then
	t_pass "--dry-run as a user lists every sudo command, apt, alternatives and the write, as comments"
else
	t_fail "--dry-run sudo listing (rc $rc)"; tail -20 "$W/dry.yaml" | sed 's/^/    | /'; cat "$W/dry.err"
fi
user_armpy run "$W/dry.yaml" --dry-run >"$W/dry2.yaml" 2>&1
t_check "the dry-run with its sudo block is a plan armpy run accepts (same text back)" \
	cmp -s "$W/dry.yaml" "$W/dry2.yaml"
extract_rule "$W/dry.yaml" >"$W/dry.rule"
t_check "its sudoers rule passes visudo -cf" visudo -qcf "$W/dry.rule"

# the rule for the test plan, used for real: NOPASSWD for exactly these, no terminal
reset_marks
user_armpy run "$W/quick.yaml" --dry-run >"$W/quick-dry.yaml" 2>&1
{ printf 'Defaults:%s timestamp_timeout=0.1\n' "$U"; extract_rule "$W/quick-dry.yaml"; } >"$W/rule"
if visudo -cf "$W/rule" >/dev/null && install -m 0440 "$W/rule" "$RULE"; then
	user_armpy run "$W/quick.yaml" --yes >"$W/nopw.out" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && effects_ok; then
		t_pass "with only the dry-run's NOPASSWD rule, a run without a terminal completes"
	else
		t_fail "NOPASSWD rule run (rc $rc)"; tail -15 "$W/nopw.out" | sed 's/^/    | /'
	fi
	# one argument different from the listing: sudo refuses it, so the rule is narrow
	if setsid -w runuser -u "$U" -- sudo -n /usr/bin/env PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME="$H" LANG=C.UTF-8 touch "$MARK.x" </dev/null >/dev/null 2>&1; then
		t_fail "the rule lets another command through"
	else
		t_pass "the rule allows nothing but the listed commands"
	fi
else
	t_fail "the quick plan's sudoers rule does not pass visudo"; cat "$W/rule"
fi
password_rule

t_summary
