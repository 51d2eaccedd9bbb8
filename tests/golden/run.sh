#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# golden/run.sh — `armpy plan --profile P --facts F` for every facts × profile pair, diffed against
# expected/<facts>--<profile>.yaml (a plan) or .err (a refusal). UPDATE=1 regenerates the files.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
G=$TOP/tests/golden
# the Debian mirror detection reads (for plans made with --os-release): a fixture's, not this
# machine's, so that the expected plans name no real mirror
export ARMPY_APT_DIR=$TOP/tests/fixtures/apt/oneline
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for facts in "$G"/facts/*.yaml; do
	fb=$(basename "$facts" .yaml)
	for prof in "$G"/profiles/*.yaml; do
		pb=$(basename "$prof" .yaml)
		name=$fb--$pb
		(cd "$TOP" && "$ARMPY" plan --profile "tests/golden/profiles/$pb.yaml" \
		    --facts "tests/golden/facts/$fb.yaml") >"$out/$name.yaml" 2>"$out/$name.stderr"
		rc=$?
		if [ "$rc" -eq 0 ]; then
			kind=yaml
			# warnings go to stderr and are in the plan too; nothing else may be there
			if grep -v '^armpy: warning: ' "$out/$name.stderr" | grep -q .; then
				t_fail "$name: unexpected stderr"; sed 's/^/    /' "$out/$name.stderr"
			fi
		elif [ "$rc" -eq 2 ]; then
			kind=err
			mv "$out/$name.stderr" "$out/$name.err"
		else
			t_fail "$name: exit $rc"; continue
		fi
		if [ "${UPDATE:-0}" = 1 ]; then
			rm -f "$G/expected/$name.yaml" "$G/expected/$name.err"
			cp "$out/$name.$kind" "$G/expected/$name.$kind"
		fi
		if [ ! -e "$G/expected/$name.$kind" ]; then
			other=yaml; [ "$kind" = yaml ] && other=err
			if [ -e "$G/expected/$name.$other" ]; then
				t_fail "$name: expected .$other, got .$kind (exit $rc)"
				sed 's/^/    /' "$out/$name.$kind" | head -5
			else
				t_fail "$name: no expected file (run UPDATE=1 $0)"
			fi
			continue
		fi
		t_diff "$name" "$G/expected/$name.$kind" "$out/$name.$kind"
		# a plan file must load back (armpy plan -o writes the same bytes)
		if [ "$kind" = yaml ]; then
			(cd "$TOP" && "$ARMPY" plan --profile "tests/golden/profiles/$pb.yaml" \
			    --facts "tests/golden/facts/$fb.yaml" -o "$out/$name.o.yaml") 2>/dev/null
			if cmp -s "$out/$name.yaml" "$out/$name.o.yaml"; then
				t_pass "$name: -o writes the same plan"
			else
				t_fail "$name: -o differs from stdout"
			fi
		fi
	done
done

# One planner for every command: `armpy plan` and `armpy --profile --dry-run` with the same
# overrides print the same plan, and nothing of this machine (its Python) is in it.
for osr in rhel-8 debian-12 ubuntu-22.04 alpine-3.18; do
	for pb in system-openblas pip-openblas; do
		args=(--profile "tests/golden/profiles/$pb.yaml" --os-release "tests/fixtures/os-release/$osr"
		    --cpuinfo tests/fixtures/cpuinfo/neoverse-n1-altra --arch aarch64)
		(cd "$TOP" && "$ARMPY" plan "${args[@]}") >"$out/p.yaml" 2>"$out/p.err"; rc1=$?
		(cd "$TOP" && "$ARMPY" --dry-run "${args[@]}") >"$out/d.yaml" 2>"$out/d.err"; rc2=$?
		grep -v '^#' "$out/d.yaml" >"$out/d2.yaml"
		if [ "$rc1" = "$rc2" ] && cmp -s "$out/p.yaml" "$out/d2.yaml" &&
		    cmp -s "$out/p.err" "$out/d.err"; then
			t_pass "$osr $pb: plan and --dry-run agree (exit $rc1)"
		else
			t_fail "$osr $pb: plan (exit $rc1) and --dry-run (exit $rc2) differ"
			diff "$out/p.yaml" "$out/d2.yaml" | head -5 | sed 's/^/    /'
			diff "$out/p.err" "$out/d.err" | head -5 | sed 's/^/    /'
		fi
	done
done
(cd "$TOP" && "$ARMPY" plan --profile tests/golden/profiles/system-openblas.yaml \
    --os-release tests/fixtures/os-release/rhel-8 --arch aarch64) >"$out/r.yaml" 2>/dev/null
tr -s '\n ' ' ' <"$out/r.yaml" >"$out/r.txt"
t_check "rhel-8 from here: the distro's python3 3.6, not this machine's" \
	grep -q "for the distro''s python3 3.6)" "$out/r.txt"

# bad input: exit 2 with a position
printf 'distro: {id: debian, version: "12", family: debian}\narch: [x]\n' >"$out/bad-facts.yaml"
(cd "$TOP" && "$ARMPY" plan --profile tests/golden/profiles/system-blis.yaml \
    --facts "$out/bad-facts.yaml") >/dev/null 2>"$out/bad.err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "bad-facts.yaml:2:" "$out/bad.err"; then
	t_pass "bad facts: exit 2 with a position"
else
	t_fail "bad facts: exit $rc: $(cat "$out/bad.err")"
fi
(cd "$TOP" && "$ARMPY" plan --facts tests/golden/facts/debian-12-aarch64.yaml) >/dev/null 2>&1
t_check "plan without --profile: exit 2" test $? -eq 2

. "$G/options.sh"
t_summary
