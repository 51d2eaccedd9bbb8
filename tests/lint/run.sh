#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# lint/run.sh — what the tree itself must say: no workshop words in anything a user reads, every
# ARMPY_* variable the code reads in armpy(1)'s ENVIRONMENT section (and no other), an SPDX line
# in every C, shell and Python file of ours. Needs the built ./armpy (for --help); under a second.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Words only this project's authors know never reach a user: every golden plan and refusal,
# --help of every command, the man page, README, docs/, profiles/ and the wizard snapshots.
words='\b(seed|devkit notes|planner|route)\b'
helps=$out/help.txt
: >"$helps"
for c in "" detect plan run resume runs validate gflops; do
	"$ARMPY" $c --help >>"$helps" 2>&1
done
for f in "$helps" "$TOP"/tests/golden/expected/* "$TOP"/docs/* "$TOP"/README.md \
    "$TOP"/profiles/* "$TOP"/tests/tui/snapshots/*; do
	if grep -qiwE "$words" "$f"; then
		t_fail "user-visible words: $(basename "$f") says: $(grep -iwE -m1 "$words" "$f" | cut -c1-160)"
		bad=1
	fi
done
t_check "no 'seed', 'devkit notes', 'planner' or 'route' in plans, refusals, --help, man page, docs, profiles, screens" \
	test -z "${bad:-}"

# Every ARMPY_* variable the code reads is in the man page's ENVIRONMENT section, and the section
# names no variable the code does not read.
code_vars=$(grep -ohE '"ARMPY_[A-Z_]+"' "$TOP"/src/*.c "$TOP"/screens/*.c |
	grep -oE 'ARMPY_[A-Z_]+' | sort -u)
man_vars=$(sed -n '/^\.SH ENVIRONMENT/,/^\.SH /p' "$TOP/docs/armpy.1" | grep -E '^\.BR? ' |
	grep -oE 'ARMPY_[A-Z_]+' | sort -u)
if [ -n "$code_vars" ] && [ "$code_vars" = "$man_vars" ]; then
	t_pass "armpy(1) ENVIRONMENT lists every ARMPY_* variable ($(echo $code_vars | wc -w))"
else
	t_fail "armpy(1) ENVIRONMENT vs the code: $(diff <(echo "$code_vars") <(echo "$man_vars") | grep '^[<>]' | tr '\n' ' ')"
fi
# Every source file of ours says its licence (LICENSE, MIT) in an SPDX line near its top.
nospdx=$(cd "$TOP" && git ls-files 2>/dev/null | grep -E '\.(c|h|sh|py|bash)$|^Makefile$' |
	grep -vE '^tests/(fixtures|golden/expected|fuzz/(regress|pending))/' |
	while IFS= read -r f; do head -n 6 "$f" | grep -q 'SPDX-License-Identifier: MIT' || echo "$f"; done)
if [ -n "$(cd "$TOP" && git ls-files 2>/dev/null | head -1)" ]; then
	t_check "every C, shell and Python file has an SPDX line (MIT)${nospdx:+; missing: $(echo $nospdx | cut -c1-200)}" \
		test -z "$nospdx"
fi

# One case at a time (tests/lib.sh, run-all.sh SUITE:PATTERN): the graph suite (a second, no
# side effects) by a case's name, and by a pattern that names none, which must fail.
if [ -x "$TOP/tests/unit/test-wizard" ] && [ -f "$TOP/src/plan.o" ]; then
	(cd "$TOP" && CASE= SUITES= tests/run-all.sh graph:'exec\.c registry' 'unit/test-wizard:test_save*') \
	    >"$out/one.txt" 2>&1; rc=$?
	if [ "$rc" -eq 0 ] && [ "$(grep -c '^ok   ' "$out/one.txt")" -eq 1 ] &&
	    grep -q '^ok   the src/exec.c registry' "$out/one.txt" && grep -q '^2 passed, 0 failed$' "$out/one.txt" &&
	    grep -q '^unit/test-wizard: 1 passed, 0 failed$' "$out/one.txt"; then
		t_pass "run-all.sh SUITE:PATTERN: one graph case and one unit test run, and only they"
	else
		t_fail "run-all.sh SUITE:PATTERN (exit $rc)"; sed 's/^/    /' "$out/one.txt" | tail -12
	fi
	(cd "$TOP" && CASE= SUITES= tests/run-all.sh graph:'no such case' unit:'no_such_test') \
	    >"$out/none.txt" 2>&1; rc=$?
	if [ "$rc" -ne 0 ] && grep -q "matches no case of tests/graph/run.sh" "$out/none.txt" &&
	    grep -q "names no test" "$out/none.txt"; then
		t_pass "run-all.sh SUITE:PATTERN that names no case fails, saying so"
	else
		t_fail "run-all.sh SUITE:PATTERN naming nothing (exit $rc)"; sed 's/^/    /' "$out/none.txt" | tail -8
	fi
else
	t_skip "run-all.sh SUITE:PATTERN: build first (make all unit)"
fi
t_summary
