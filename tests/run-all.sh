#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run-all.sh — runs every suite (unit binaries, then each tests/*/run.sh) and sums the results
# into the final line "N passed, N failed". SUITES="unit golden" restricts which suites run.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p tests/out
export ARMPY_TODAY=${ARMPY_TODAY:-2026-11-25}

order="unit graph golden facts conform profile inputs fuzz output net exec state sudo validate tui pip e2e ssh fleet deb arm64 slow"
want=${SUITES:-$order}
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
	for t in tests/unit/test-*; do
		case "$t" in *.c|*.d|*.o) continue ;; esac
		[ -x "$t" ] || continue
		local name log rc
		name=$(basename "$t")
		log=tests/out/unit-$name.log
		echo "== unit/$name"
		CMOCKA_MESSAGE_OUTPUT=stdout "$t" >"$log" 2>&1; rc=$?
		local p f
		p=$(grep -a -E '^\[  PASSED  \] [0-9]+ test' "$log" | tail -1 | sed -E 's/[^0-9]*([0-9]+).*/\1/')
		f=$(grep -a -E '^\[  FAILED  \] [0-9]+ test' "$log" | tail -1 | sed -E 's/[^0-9]*([0-9]+).*/\1/')
		p=${p:-0} f=${f:-0}
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed
		if [ "$f" -ne 0 ]; then sed 's/^/    /' "$log" | grep -vE '^\s*\[ (RUN|      OK) ' | tail -40; fi
		echo "unit/$name: $p passed, $f failed"
		passed=$((passed + p)); failed=$((failed + f))
	done
}

for suite in $order; do
	case " $want " in *" $suite "*) ;; *) continue ;; esac
	if [ "$suite" = unit ]; then run_unit; continue; fi
	[ -x "tests/$suite/run.sh" ] || continue
	echo "== $suite"
	log=tests/out/$suite.log
	start=$(date +%s)
	"tests/$suite/run.sh" 2>&1 | tee "$log"
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
