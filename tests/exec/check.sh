# SPDX-License-Identifier: MIT
# tests/exec/check.sh — sourced by exec/run.sh (as root): `armpy --profile P --check` for real.
# A profile planned inside a --root temp dir: its write step would run before a run and is
# satisfied after one; --check itself changes nothing in the root and writes no run directory.
C=$W/check
mkdir -p "$C/root/etc" "$C/root/var/lib/dpkg"
cp "$TOP/tests/fixtures/os-release/debian-12" "$C/root/etc/os-release"
: >"$C/root/var/lib/dpkg/status"
ck_args=(--profile "$TOP/tests/golden/profiles/system-openblas.yaml" --root "$C/root"
    --cpuinfo "$TOP/tests/fixtures/cpuinfo/neoverse-n1-altra" --arch aarch64)
ck_tree() { # the root and the state dir as they are: paths, modes, sizes, times, contents
	(cd "$C/root" && find . -printf '%p %m %s %T@\n' | sort && find . -type f -exec sha256sum {} + | sort)
	find "$ARMPY_STATE_DIR" -printf '%p %T@\n' 2>/dev/null | sort
}
ck_steps() { # YAML of --check -> "ID WOULD_RUN" lines
	awk '/^  - id: / { id = $3 } /^    would_run: / { print id, $2 }' "$1"
}
ck_keys() { # YAML of --check -> its keys, by level: "check", "profile root ...", "id title ..."
	awk -F: '/^[a-z_]+:/ { k0[$1] } /^  [a-z_]+:/ { sub(/^ +/, "", $1); k1[$1] }
		/^  - [a-z_]+:/ { sub(/^ +- /, "", $1); k2[$1] } /^    [a-z_]+:/ { sub(/^ +/, "", $1); k2[$1] }
		END { for (k in k0) a = a " " k; for (k in k1) b = b " " k; for (k in k2) c = c " " k
		      print a; print b; print c }' "$1" | while read -r l; do echo $l | tr ' ' '\n' | sort | tr '\n' ' '; echo; done
}

ck_tree >"$C/before"
"$ARMPY" "${ck_args[@]}" --check --format yaml >"$C/c1.yaml" 2>"$C/c1.err"; rc=$?
ck_tree >"$C/after"
t_check "--check: exit 0" test "$rc" -eq 0
t_check "--check: nothing on stderr but plan warnings" \
	test -z "$(grep -v '^armpy: warning: ' "$C/c1.err")"
if cmp -s "$C/before" "$C/after"; then t_pass "--check: the root and the state dir are unchanged (no run dir, no journal)"
else t_fail "--check changed something"; diff "$C/before" "$C/after" | head -5 | sed 's/^/    /'; fi
t_check "--check yaml: the keys check / profile root would_change steps / id title would_run reason" \
	test "$(ck_keys "$C/c1.yaml")" = "$(printf 'check \nprofile root steps would_change \nid reason title would_run \n')"
t_check "--check yaml: root is the --root given" grep -qxF "  root: $C/root" "$C/c1.yaml"
t_check "--check yaml: would_change: true" grep -qx '  would_change: true' "$C/c1.yaml"
t_check "--check before a run: blas-env (a write) would run" grep -qx 'blas-env true' <(ck_steps "$C/c1.yaml")
t_check "--check: every step of the plan is listed" \
	test "$(ck_steps "$C/c1.yaml" | awk '{ print $1 }')" = \
	"$("$ARMPY" plan "${ck_args[@]}" 2>/dev/null | awk '/^- id: / { print $3 }')"

# Run the write step for real (the same plan, only that step), then check again.
"$ARMPY" plan "${ck_args[@]}" -o "$C/plan.yaml" 2>/dev/null
python3 "$TOP/tests/slow/subplan.py" "$C/plan.yaml" blas-env "$C/sub.yaml" >/dev/null &&
	"$ARMPY" run --root "$C/root" --yes "$C/sub.yaml" >"$C/run.out" 2>&1
t_check "the write step ran for real" test -s "$C/root/etc/profile.d/armpy-blas.sh"
"$ARMPY" "${ck_args[@]}" --check --format=yaml >"$C/c2.yaml" 2>/dev/null; rc=$?
t_check "--check after the run: exit 0" test "$rc" -eq 0
t_check "--check after the run: blas-env is already satisfied" \
	grep -qx 'blas-env false' <(ck_steps "$C/c2.yaml")
t_check "--check after the run: the others still would run" \
	test "$(ck_steps "$C/c2.yaml" | grep -c ' true$')" -eq "$(( $(ck_steps "$C/c2.yaml" | wc -l) - 1 ))"
"$ARMPY" "${ck_args[@]}" --check >"$C/c2.txt" 2>/dev/null; rc=$?
t_check "--check text: exit 0, blas-env listed as satisfied" \
	grep -qE '^ +[0-9]+\. satisfied .*\[blas-env\]: already satisfied$' "$C/c2.txt"
t_check "--check text: the count of steps that would run" \
	grep -qE "^Check of .* on $C/root: $(grep -c ' true$' <(ck_steps "$C/c2.yaml")) of [0-9]+ steps would run$" "$C/c2.txt"

# Bad input is still exit 2, with nothing on stdout.
for bad in "--check --dry-run" "--format yaml" "--check --format json"; do
	"$ARMPY" "${ck_args[@]}" $bad >"$C/bad.out" 2>/dev/null; rc=$?
	t_check "--check: '$bad' is bad usage (exit 2, no output)" test "$rc" -eq 2 -a ! -s "$C/bad.out"
done
"$ARMPY" --profile "$C/none.yaml" --check >"$C/bad.out" 2>/dev/null; rc=$?
t_check "--check: a missing profile is exit 2" test "$rc" -eq 2 -a ! -s "$C/bad.out"
