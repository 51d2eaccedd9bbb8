#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/ssh/run.sh — SSH drops, for real: armpy on a Debian host reached through Debian's sshd
# (tests/lib-sshd.sh), its session cut in the middle of the apt install step. The run must
# finish on the host when the ssh client dies, and `armpy resume` over a new connection must
# finish it after a kill -9 of the session.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
T_OUT=$TOP/tests/out/ssh
T_TIMEOUT=900
mkdir -p "$T_OUT"
rm -f "$T_OUT"/*.out "$T_OUT"/*.err
. "$TOP/tests/lib-sshd.sh"
HERE=$TOP/tests/ssh
PROFILES=$TOP/tests/e2e/profiles
case $SSHD_ARCH in arm64) TRIPLET=aarch64-linux-gnu ;; *) TRIPLET=x86_64-linux-gnu ;; esac
HOST_DIRS=()
PORT0=$(( 22300 + $$ % 500 * 3 ))
t0=$(date +%s)

if ! why_not=$(chroot_can_run "$SSHD_ARCH"); then
	t_skip "ssh (sshd hosts): $why_not"; t_summary; exit
fi
for tool in ssh ssh-keygen setsid; do
	command -v "$tool" >/dev/null || { t_skip "ssh: $tool is not installed"; t_summary; exit; }
done
if [ ! -x "$ARMPY" ]; then
	t_fail "ssh: no armpy binary at $ARMPY (run make)"; t_summary; exit
fi

# host_up NAME PORT: a host with armpy installed and the test profiles in /root/.
host_up() {
	local s
	s=$(date +%s)
	sshd_host_up "$1" "$2"; local rc=$?
	[ -n "$(sshd_root "$1")" ] && HOST_DIRS+=("$(dirname "$(sshd_root "$1")")")
	if [ $rc -eq 0 ] && sshd_install_armpy "$1" &&
	    tar -C "$PROFILES" -cf - . | ssh_to "$1" tar -C /root -xf -; then
		t_pass "host $1: sshd on 127.0.0.1:$2, armpy installed ($(( $(date +%s) - s ))s)"
		return 0
	fi
	t_fail "host $1 could not be set up"; return 1
}

# start_run NAME PROFILE LOG: `ssh -tt NAME armpy --profile PROFILE --yes` in the background
# (CLIENT is its pid); returns once dpkg unpacks a package on the host (the apt install step
# is in its middle), with the host's processes at that moment in $T_OUT/LOG-procs.out.
start_run() {
	local name=$1 profile=$2 log=$3 root
	root=$(sshd_root "$name")
	SSH_TO_OPTS=-tt ssh_to "$name" armpy --profile "/root/$profile" --yes \
		</dev/null >"$T_OUT/$log.out" 2>"$T_OUT/$log.err" &
	CLIENT=$!
	if ! python3 "$HERE/procs.py" wait "$root" 600 dpkg --unpack >/dev/null; then
		t_fail "$name: dpkg never unpacked a package (the apt install step did not start)"
		why "$log"; kill -9 "$CLIENT" 2>/dev/null; return 1
	fi
	python3 "$HERE/procs.py" list "$root" >"$T_OUT/$log-procs.out"
}

# In a procs.py list: the armpy process, and the sshd session (serving a user, not the listener).
armpy_pid() { awk '$4 == "armpy" { print $1; exit }' "$1"; }
session_pid() { awk '$4 == "sshd" && $6 ~ /@/ { print $1; exit }' "$1"; }

# run_state NAME PROFILE-NAME: the state `armpy runs` (over a new connection) gives the one run
# of that profile on the host; empty when there is not exactly one.
run_state() {
	logged "runs-$1" ssh_to "$1" armpy runs || return 0
	awk -v p="$2" 'NR > 1 && index($0, " " p " ") { n++; s = $(NF - 1) }
		END { if (n == 1) print s }' "$T_OUT/runs-$1.out"
}

# expect_run NAME PROFILE-NAME STATE MESSAGE
expect_run() {
	local st
	st=$(run_state "$1" "$2")
	if [ "$st" = "$3" ]; then t_pass "$4: armpy runs (new connection) shows the run $st"
	else t_fail "$4: armpy runs shows '${st:-no single run}', want $3"; why "runs-$1" 5; fi
}

# expect_valid NAME LIB: the host's libblas.so.3 is LIB's and armpy validate --expect LIB passes.
expect_valid() {
	local t
	t=$(ssh_to "$1" readlink -f "/usr/lib/$TRIPLET/libblas.so.3")
	if [[ "$t" == /usr/lib/$TRIPLET/$2-*/libblas.so.3 ]]; then
		t_pass "$1: libblas.so.3 is $2's ($t)"
	else
		t_fail "$1: libblas.so.3 resolves to '${t:-nothing}', not $2's"
	fi
	t_logged "$1: armpy validate --expect $2 --quick over ssh passes" "val-$1" \
		ssh_to "$1" armpy validate --expect "$2" --quick
}

# 1. The ssh client dies in the middle of the apt install step: the run goes on on the host.
if host_up drop "$PORT0"; then
	R=$(sshd_root drop)
	if start_run drop debian-system-openblas-noscipy.yaml drop; then
		# $CLIENT is the subshell running ssh_to: the client itself is its ssh child. Killing
		# only the subshell would leave ssh connected, and nothing would hang up on the host.
		if pkill -9 -P "$CLIENT" -x ssh; then
			t_pass "drop: ssh client killed (kill -9) while dpkg was unpacking on the host"
		else
			t_fail "drop: no ssh client process under $CLIENT to kill"
		fi
		wait "$CLIENT" 2>/dev/null
		# sshd hangs up the terminal once its client is gone: the session process leaves
		spid=$(session_pid "$T_OUT/drop-procs.out")
		for _ in $(seq 600); do [ -n "$spid" ] && [ -d "/proc/$spid" ] || break; sleep 0.1; done
		if [ -n "$spid" ] && [ ! -d "/proc/$spid" ]; then
			t_pass "drop: the host's sshd closed the session (armpy's terminal hung up)"
		else
			t_fail "drop: the sshd session is still there 60s after its client died"
		fi
		if python3 "$HERE/procs.py" gone "$R" "$T_TIMEOUT" armpy; then
			t_pass "drop: armpy ran to its end on the host without its client"
		else
			t_fail "drop: armpy still runs on the host after ${T_TIMEOUT}s"
		fi
		expect_run drop e2e-debian-system-openblas-noscipy ok "drop"
		expect_valid drop openblas
	fi
	sshd_host_down drop
fi

# kill_session NAME PROCS-FILE WHAT: kill -9 the sshd session process and, by WHAT, armpy's
# process group ("pgrp") or every process of armpy's session ("session": apt-get too, so dpkg
# is cut off in the middle of a package).
kill_session() {
	local procs=$2 what=$3 spid apid pids
	spid=$(session_pid "$procs") apid=$(armpy_pid "$procs")
	if [ -z "$spid" ] || [ -z "$apid" ]; then
		t_fail "$1: no sshd session or armpy process on the host"; sed 's/^/    | /' "$procs"
		return 1
	fi
	if [ "$what" = pgrp ]; then pids="-$apid"
	else pids=$(awk -v s="$apid" '$3 == s { print $1 }' "$procs"); fi
	# shellcheck disable=SC2086
	if ! kill -9 -- "$spid" $pids; then
		t_fail "$1: kill -9 $spid $pids"; return 1
	fi
	wait "$CLIENT" 2>/dev/null
	t_pass "$1: kill -9 of the sshd session process and armpy's $what while dpkg was unpacking"
}

# 2./3. kill -9 of the session, then `armpy resume` over a new connection.
resume_case() { # NAME PORT PROFILE-FILE PROFILE-NAME LIB WHAT
	local name=$1 port=$2 file=$3 prof=$4 lib=$5 what=$6 st
	host_up "$name" "$port" || return
	start_run "$name" "$file" "$name" || { sshd_host_down "$name"; return; }
	kill_session "$name" "$T_OUT/$name-procs.out" "$what" || { sshd_host_down "$name"; return; }
	st=$(run_state "$name" "$prof")
	if [ -n "$st" ] && [ "$st" != ok ]; then t_pass "$name: the killed run is not ok ($st)"
	else t_fail "$name: the killed run shows '${st:-no single run}' (want a state other than ok)"; fi
	logged "audit-$name" ssh_to "$name" dpkg --audit
	[ -s "$T_OUT/audit-$name.out" ] && echo "     ($name: dpkg --audit reports damage before the resume)"
	t_logged "$name: armpy resume --yes over a new connection exits 0" "resume-$name" \
		ssh_to "$name" armpy resume --yes
	expect_run "$name" "$prof" ok "$name"
	expect_valid "$name" "$lib"
	sshd_host_down "$name"
}
resume_case kill $((PORT0 + 1)) debian-system-blis-noscipy.yaml e2e-debian-system-blis-noscipy blis pgrp
resume_case killall $((PORT0 + 2)) debian-system-openblas-noscipy.yaml \
	e2e-debian-system-openblas-noscipy openblas session

sshd_down_all; chroot_destroy_all
left=
for d in "${HOST_DIRS[@]}"; do [ -e "$d" ] && left="$left $d"; done
for p in $PORT0 $((PORT0 + 1)) $((PORT0 + 2)); do
	ss -Hltn "sport = :$p" 2>/dev/null | grep -q . && left="$left port:$p"
done
if [ ${#HOST_DIRS[@]} -gt 0 ] && [ -z "$left" ]; then
	t_pass "cleanup: ${#HOST_DIRS[@]} hosts stopped and their roots removed"
else t_fail "cleanup: left behind:${left:- (no host was set up)}"; fi
echo "     (ssh took $(( $(date +%s) - t0 ))s)"
t_summary
