#!/usr/bin/env bash
# tests/profile/run.sh — profile validation through the real binary: every bad profile exits 2
# with its expected "FILE:LINE:COL: key.path: message" first line and an empty stdout.
set -u
. "$(dirname "$0")/../lib.sh"

FIX=$TOP/tests/fixtures/profiles
OUT=$TOP/tests/out/profile
rm -rf "$OUT"
mkdir -p "$OUT"

if [ ! -x "$ARMPY" ]; then
	t_fail "binary $ARMPY is missing (run make)"
	t_summary
	exit 1
fi

# expect_bad DIR FILE EXPECTED_FIRST_LINE_FILE: runs "armpy --profile FILE --dry-run" in DIR.
expect_bad() {
	local dir=$1 file=$2 want=$3 name rc
	name=${file%.yaml}
	(cd "$dir" && "$ARMPY" --profile "$file" --dry-run >"$OUT/$name.out" 2>"$OUT/$name.stderr")
	rc=$?
	if [ "$rc" -ne 2 ]; then
		t_fail "$name: exit $rc, want 2"
		sed 's/^/    /' "$OUT/$name.stderr" | head -5
		return
	fi
	if [ -s "$OUT/$name.out" ]; then
		t_fail "$name: printed on stdout"
		head -5 "$OUT/$name.out" | sed 's/^/    /'
		return
	fi
	head -1 "$OUT/$name.stderr" >"$OUT/$name.first"
	t_diff "$name: exit 2, positioned message, empty stdout" "$want" "$OUT/$name.first"
}

n=0
for f in "$FIX"/bad-*.yaml; do
	base=$(basename "$f")
	if [ ! -f "${f%.yaml}.err" ]; then
		t_fail "${base%.yaml}: no ${base%.yaml}.err next to the fixture"
		continue
	fi
	expect_bad "$FIX" "$base" "${f%.yaml}.err"
	n=$((n + 1))
done
[ "$n" -ge 15 ] && t_pass "at least 15 bad fixtures ($n)" || t_fail "only $n bad fixtures"

# A file over the 1 MiB limit, generated here: refused before it is parsed.
{
	echo "version: 1"
	head -c 1100000 /dev/zero | tr '\0' '#'
	echo
} >"$OUT/bad-too-large.yaml"
echo "bad-too-large.yaml:1:1: profile: the file is larger than 1048576 bytes; a profile is a few lines of YAML" \
	>"$OUT/bad-too-large.want"
expect_bad "$OUT" bad-too-large.yaml "$OUT/bad-too-large.want"

# Exactly at the limit is still read (and then judged on its content).
{
	echo "version: 1"
	head -c $((1048576 - 12)) /dev/zero | tr '\0' '#'
	echo
} >"$OUT/at-limit.yaml"
size=$(stat -c %s "$OUT/at-limit.yaml")
if [ "$size" -eq 1048576 ]; then
	(cd "$OUT" && "$ARMPY" --profile at-limit.yaml --dry-run >/dev/null 2>at-limit.stderr)
	if grep -q 'larger than' "$OUT/at-limit.stderr"; then
		t_fail "a profile of exactly 1 MiB was refused as too large"
	else
		t_pass "a profile of exactly 1 MiB is not refused for its size"
	fi
else
	t_fail "at-limit fixture is $size bytes, not 1048576"
fi

# A missing file is bad input too.
"$ARMPY" --profile "$OUT/does-not-exist.yaml" --dry-run >"$OUT/missing.out" 2>"$OUT/missing.err"
rc=$?
if [ "$rc" -eq 2 ] && [ ! -s "$OUT/missing.out" ] && grep -q 'does-not-exist.yaml' "$OUT/missing.err"; then
	t_pass "missing profile: exit 2, names the file"
else
	t_fail "missing profile: exit $rc"
fi

# The clock decides EOL: 3.10 is fine the day before its end of life, refused on the day.
cat >"$OUT/py310.yaml" <<'YAML'
version: 1
python: "3.10"
YAML
(cd "$OUT" && ARMPY_TODAY=2026-10-31 "$ARMPY" --profile py310.yaml --dry-run >/dev/null 2>py310.err)
rc=$?
if [ "$rc" -eq 2 ] && grep -q '^py310.yaml:2:9: python: Python 3.10 reached end of life on 2026-10-31' "$OUT/py310.err"; then
	t_pass "3.10 refused on 2026-10-31 (ARMPY_TODAY)"
else
	t_fail "3.10 on 2026-10-31: exit $rc: $(head -1 "$OUT/py310.err")"
fi
(cd "$OUT" && ARMPY_TODAY=2026-10-30 "$ARMPY" --profile py310.yaml --dry-run >/dev/null 2>py310b.err)
if grep -q '^py310.yaml:[0-9]*:[0-9]*: ' "$OUT/py310b.err"; then
	t_fail "3.10 on 2026-10-30 was refused as a profile: $(head -1 "$OUT/py310b.err")"
else
	t_pass "3.10 accepted on 2026-10-30 (ARMPY_TODAY)"
fi

# Good profiles (fixtures and every example in profiles/) must pass profile validation: no
# positioned profile error. Once the planner has landed they must also plan (exit 0, YAML).
planner=0
[ -f "$TOP/src/stub-plan.c" ] || planner=1
for f in "$FIX"/good-*.yaml "$TOP"/profiles/*.yaml; do
	name=$(basename "$f" .yaml)
	"$ARMPY" --profile "$f" --dry-run >"$OUT/$name.plan" 2>"$OUT/$name.stderr"
	rc=$?
	if grep -q "^$f:[0-9]*:[0-9]*: " "$OUT/$name.stderr"; then
		t_fail "$name: refused as a profile: $(head -1 "$OUT/$name.stderr")"
	elif [ "$planner" -eq 1 ] && [ "$(dirname "$f")" = "$TOP/profiles" ] && [ "$rc" -ne 0 ]; then
		t_fail "$name: example profile does not plan (exit $rc): $(head -1 "$OUT/$name.stderr")"
	else
		t_pass "$name: loads"
	fi
done

t_summary
