#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run-all.sh — runs every suite (unit binaries, then each tests/*/run.sh) and sums the results
# into the final line "N passed, N failed". SUITES="unit golden" restricts which suites run.
# Arguments run one case again: `run-all.sh tui:"bench table"` runs the tui suite with
# CASE="bench table" (tests/lib.sh: only the matching cases and sections); `unit:'test_save*'`
# the unit tests whose names match the glob (CMOCKA_TEST_FILTER); `unit/test-wizard:GLOB` one
# binary's. A bare SUITE runs that suite whole. A unit binary that runs over UNIT_TIMEOUT seconds
# (300) is killed and counted failed: a hang fails, it does not stall CI.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p tests/out
export ARMPY_TODAY=${ARMPY_TODAY:-2026-11-25}

order="unit lint graph golden facts conform profile inputs fuzz output net exec state sudo validate vendor thorough report tui pip e2e undo bundle ssh fleet deb arm64 slow"
want=${SUITES:-$order}
declare -A case_of=()   # suite -> CASE pattern given on the command line
unit_only=              # unit/test-NAME: that binary alone
if [ $# -gt 0 ]; then
	want=
	for a in "$@"; do
		s=${a%%:*}
		case "$s" in unit/*) unit_only=${s#unit/}; s=unit ;; esac
		case " $order " in *" $s "*) ;; *) echo "run-all.sh: no suite '$s' (suites: $order)" >&2; exit 2 ;; esac
		want="$want $s"
		[ "$a" != "${a#*:}" ] && case_of[$s]=${a#*:}
	done
fi
passed=0 failed=0 skipped=0

count_line() { # file -> sets p f s from the last "N passed, N failed" line
	local line
	line=$(grep -a -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$1" | tail -1)
	if [ -z "$line" ]; then return 1; fi
	line=${line#*: }
	p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	s=0
	case "$line" in *skipped*) s=$(echo "$line" | sed -E 's/.* ([0-9]+) skipped.*/\1/') ;; esac
}

run_unit() {
	local ran=0
	for t in tests/unit/test-*; do
		case "$t" in *.c|*.d|*.o) continue ;; esac
		[ -x "$t" ] || continue
		local name log rc
		name=$(basename "$t")
		[ -z "$unit_only" ] || [ "$name" = "$unit_only" ] || continue
		log=tests/out/unit-$name.log
		echo "== unit/$name"
		CMOCKA_TEST_FILTER=${case_of[unit]:-${CMOCKA_TEST_FILTER:-}} CMOCKA_MESSAGE_OUTPUT=stdout \
		    timeout -k 10 "${UNIT_TIMEOUT:-300}" "$t" >"$log" 2>&1; rc=$?
		[ "$rc" -eq 124 ] && echo "unit/$name: timed out after ${UNIT_TIMEOUT:-300}s (a hang)" >>"$log"
		local p f
		p=$(grep -a -E '^\[  PASSED  \] [0-9]+ test' "$log" | tail -1 | sed -E 's/[^0-9]*([0-9]+).*/\1/')
		f=$(grep -a -E '^\[  FAILED  \] [0-9]+ test' "$log" | tail -1 | sed -E 's/[^0-9]*([0-9]+).*/\1/')
		p=${p:-0} f=${f:-0}
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed
		if [ "$f" -ne 0 ]; then sed 's/^/    /' "$log" | grep -vE '^\s*\[ (RUN|      OK) ' | tail -40; fi
		echo "unit/$name: $p passed, $f failed"
		passed=$((passed + p)); failed=$((failed + f)); ran=$((ran + p + f))
	done
	if [ -n "${case_of[unit]:-}$unit_only" ] && [ "$ran" -eq 0 ]; then
		echo "unit: '${unit_only:-test-*}:${case_of[unit]:-*}' names no test"; failed=$((failed + 1))
	fi
}

for suite in $order; do
	case " $want " in *" $suite "*) ;; *) continue ;; esac
	if [ "$suite" = unit ]; then run_unit; continue; fi
	[ -x "tests/$suite/run.sh" ] || continue
	echo "== $suite"
	log=tests/out/$suite.log
	start=$(date +%s)
	CASE=${case_of[$suite]:-${CASE:-}} "tests/$suite/run.sh" 2>&1 | tee "$log"
	if count_line "$log"; then
		passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	else
		echo "$suite: no summary line (crashed?)"; failed=$((failed + 1))
	fi
	echo "($suite took $(( $(date +%s) - start ))s)"
done

echo
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
