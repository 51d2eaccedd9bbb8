# SPDX-License-Identifier: MIT
# tests/lib.sh — helpers for shell test suites: pass/fail/skip counters and the summary line.
# Source it, call t_pass/t_fail/t_skip per case, and end with t_summary (exit status = failures).
T_PASSED=0
T_FAILED=0
T_SKIPPED=0
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ARMPY=${ARMPY:-$TOP/armpy}
export ARMPY_TODAY=${ARMPY_TODAY:-2026-11-25}

t_pass() { T_PASSED=$((T_PASSED + 1)); printf 'ok   %s\n' "$*"; }
t_fail() { T_FAILED=$((T_FAILED + 1)); printf 'FAIL %s\n' "$*"; }
t_skip() { T_SKIPPED=$((T_SKIPPED + 1)); printf 'skip %s\n' "$*"; }

# t_check NAME COMMAND...: passes when the command exits 0.
t_check() {
	local name=$1; shift
	if "$@"; then t_pass "$name"; else t_fail "$name"; fi
}

# t_diff NAME EXPECTED_FILE ACTUAL_FILE: passes when equal, else shows a unified diff.
t_diff() {
	if diff -u "$2" "$3" >/tmp/armpy-t-diff.$$ 2>&1; then
		t_pass "$1"
	else
		t_fail "$1"
		head -60 /tmp/armpy-t-diff.$$ | sed 's/^/    /'
	fi
	rm -f /tmp/armpy-t-diff.$$
}

t_summary() {
	if [ "$T_SKIPPED" -gt 0 ]; then
		echo "$T_PASSED passed, $T_FAILED failed, $T_SKIPPED skipped"
	else
		echo "$T_PASSED passed, $T_FAILED failed"
	fi
	[ "$T_FAILED" -eq 0 ]
}
