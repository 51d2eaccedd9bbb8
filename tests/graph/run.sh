#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# graph/run.sh — the file graph (which .c file calls into which, from nm of the objects) has
# no cycle but its registries': a hub with a table of its parts, the parts calling the hub's
# helpers and the registry's shared files. Any other cycle, a part calling another part, or an
# internal header included outside its registry (or two in one file) fails (graph.py).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1

# "HUB HEADER : PART-GLOB... : SHARED-GLOB...": a cycle is allowed when all its files are the
# hub, its parts or its shared files; a part calls only the hub and the shared files; only
# these include HEADER.
registries=(
	# plan_make's route table; the helpers several routes share
	"src/plan.c src/plan-int.h : src/plan-*.c : src/plan-distro.c src/plan-venv.c \
		src/plan-extras.c src/plan-pins.c src/plan-toolchain.c src/plan-yaml.c"
	# the executor and the kinds (act-*.c, check.c), which never call the kinds' table
	# (action.c); the step spawn, apt's output, sha256, the field readers; plan-yaml.c and
	# sudo.c read the table, exec.c saves plans and asks sudo; undo.c records and reverses
	# for the kinds (their undo hooks)
	"src/exec.c src/exec-int.h : src/act-*.c src/check.c : src/action.c src/act-fields.c \
		src/spawn.c src/apt.c src/sha256.c src/plan-yaml.c src/sudo.c src/undo.c"
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

# One spawn: a child process starts in two places only, util.c (proc_start/proc_call: fork, and
# the child set-up and exec both front doors share) and spawn.c (a step's clone). Any other
# object calling fork, clone, an exec, system, popen or posix_spawn is a third way to start one.
spawners=$(for o in "${objs[@]}"; do
	nm -u "$o" 2>/dev/null | awk -v o="$o" '$2 ~ /^(fork|vfork|clone|clone3|execve|execv|execvp|execvpe|execl|execlp|fexecve|system|popen|posix_spawn|posix_spawnp)$/ { print o ": " $2 }'
done)
others=$(grep -vE '^src/(util|spawn)\.o: ' <<<"$spawners" | grep -v '^$')
if [ -n "$spawners" ] && [ -z "$others" ]; then
	t_pass "one spawn: only util.c and spawn.c start processes ($(tr '\n' ' ' <<<"$spawners"))"
else
	t_fail "one spawn: processes are started outside util.c and spawn.c: ${others:-none found at all}"
fi
t_summary
