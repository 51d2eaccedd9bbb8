#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# graph/run.sh — the file graph (which .c file calls into which, from nm of the objects) has
# no cycle but its registries': a hub with a table of its parts, the parts calling the hub's
# helpers. Any other cycle, or parts that call each other in a circle, fails (graph.py).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1

# "HUB PART-GLOB...": a cycle is allowed when all its files are the hub or its parts.
registries=(
	"src/plan.c src/plan-*.c"                 # plan_make's route table
	# the executor; the kinds' table (action.c) and its kinds (act-*.c, check.c), which never
	# call the table; plan-yaml.c and sudo.c read the table, exec.c saves plans and asks sudo;
	# undo.c records and reverses for the kinds (their undo hooks)
	"src/exec.c src/act-*.c src/check.c src/action.c src/plan-yaml.c src/sudo.c src/undo.c"
)
# "FROM-GLOB TO-GLOB": edges left out until they are untied. A line that matches no edge fails,
# so each is deleted once its branch is merged.
known=(
)

objs=()
for c in src/*.c screens/*.c; do
	if [ -f "${c%.c}.o" ]; then
		objs+=("${c%.c}.o")
	else
		t_fail "$c: no object (run make all first)"
	fi
done
args=()
for r in "${registries[@]}"; do args+=(--registry "$r"); done
for k in "${known[@]}"; do args+=(--known "$k"); done
out=$(python3 tests/graph/graph.py "${args[@]}" "${objs[@]}" 2>&1); rc=$?
while IFS= read -r line; do
	case "$line" in
	"ok   "*) t_pass "${line#ok   }" ;;
	"FAIL "*) t_fail "${line#FAIL }" ;;
	*) echo "$line" ;;
	esac
done <<<"$out"
# graph.py fails only with a FAIL line; an exit without one is a crash (no nm, no python3)
if [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' <<<"$out"; then t_fail "graph.py exited $rc"; fi
t_summary
