#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
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

# run_bad DIR FILE: runs "armpy --profile FILE --dry-run" in DIR; 0 when it exited 2 with an
# empty stdout (its first stderr line is then in $OUT/NAME.first), else a failure is counted.
run_bad() {
	local dir=$1 file=$2 name rc
	name=${file%.yaml}
	(cd "$dir" && "$ARMPY" --profile "$file" --dry-run >"$OUT/$name.out" 2>"$OUT/$name.stderr")
	rc=$?
	if [ "$rc" -ne 2 ]; then
		t_fail "$name: exit $rc, want 2"
		sed 's/^/    /' "$OUT/$name.stderr" | head -5
		return 1
	fi
	if [ -s "$OUT/$name.out" ]; then
		t_fail "$name: printed on stdout"
		head -5 "$OUT/$name.out" | sed 's/^/    /'
		return 1
	fi
	head -1 "$OUT/$name.stderr" >"$OUT/$name.first"
}

# expect_bad DIR FILE EXPECTED_FIRST_LINE_FILE: exit 2, this exact first line, empty stdout.
expect_bad() {
	run_bad "$1" "$2" || return
	t_diff "${2%.yaml}: exit 2, positioned message, empty stdout" "$3" "$OUT/${2%.yaml}.first"
}

# accepted RC STDERR_FILE FILE [STDOUT_FILE]: the profile passed validation: it planned (0, with
# a plan on stdout), or only the planner refused it ("armpy: FILE: ..."), never a positioned
# profile error.
accepted() {
	local first
	first=$(head -1 "$2")
	[ "$1" -eq 0 ] && grep -q '^steps:' "${4:-/dev/null}" && return 0
	[ "$1" -eq 2 ] && case $first in "armpy: $3: "*) return 0 ;; esac
	return 1
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
[ "$n" -ge 35 ] && t_pass "at least 35 bad fixtures ($n)" || t_fail "only $n bad fixtures"

# Every mapping section of the schema (the dotted keys in docs/profile.md's table) refuses a key
# it does not know, at that key; every list refuses a mapping where an item belongs.
sections=$(sed -n 's/^| `\([a-z_]*\)\.[a-z_]*` |.*/\1/p' "$TOP/docs/profile.md" | sort -u)
set -- $sections
[ $# -ge 4 ] && t_pass "sections from docs/profile.md: $*" || t_fail "only $# sections: $*"
for sec in $sections; do
	printf 'version: 1\n%s:\n  no_such_key: 1\n' "$sec" >"$OUT/unknown-$sec.yaml"
	run_bad "$OUT" "unknown-$sec.yaml" || continue
	case $(cat "$OUT/unknown-$sec.first") in
	"unknown-$sec.yaml:3:3: $sec.no_such_key: unknown key ("*) t_pass "$sec: an unknown key is refused at the key" ;;
	*) t_fail "$sec: unknown key: $(cat "$OUT/unknown-$sec.first")" ;;
	esac
done
for list in extras mirrors; do
	printf 'version: 1\n%s:\n  - {a: 1}\n' "$list" >"$OUT/map-in-$list.yaml"
	echo "map-in-$list.yaml:3:5: $list[0]: expected a string, got a mapping" >"$OUT/map-in-$list.want"
	expect_bad "$OUT" "map-in-$list.yaml" "$OUT/map-in-$list.want"
done

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
	(cd "$OUT" && "$ARMPY" --profile at-limit.yaml --dry-run >at-limit.plan 2>at-limit.stderr)
	rc=$?
	if accepted "$rc" "$OUT/at-limit.stderr" at-limit.yaml "$OUT/at-limit.plan"; then
		t_pass "a profile of exactly 1 MiB is accepted"
	else
		t_fail "a profile of exactly 1 MiB: exit $rc: $(head -1 "$OUT/at-limit.stderr")"
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
if [ "$rc" -eq 2 ] && grep -q '^py310.yaml:2:1: python: Python 3.10 reached end of life on 2026-10-31' "$OUT/py310.err"; then
	t_pass "3.10 refused on 2026-10-31 (ARMPY_TODAY)"
else
	t_fail "3.10 on 2026-10-31: exit $rc: $(head -1 "$OUT/py310.err")"
fi
(cd "$OUT" && ARMPY_TODAY=2026-10-30 "$ARMPY" --profile py310.yaml --dry-run >py310b.plan 2>py310b.err)
rc=$?
if accepted "$rc" "$OUT/py310b.err" py310.yaml "$OUT/py310b.plan"; then
	t_pass "3.10 accepted on 2026-10-30 (ARMPY_TODAY)"
else
	t_fail "3.10 on 2026-10-30: exit $rc: $(head -1 "$OUT/py310b.err")"
fi

# Good fixtures must pass profile validation: exit 0, or a planner refusal about the machine
# ("armpy: FILE: ..."), never a positioned profile error. The machine is a Debian 12 DevKit.
F=$TOP/tests/fixtures
for f in "$FIX"/good-*.yaml; do
	name=$(basename "$f" .yaml)
	"$ARMPY" --profile "$f" --dry-run --os-release "$F/os-release/debian-12" \
		--cpuinfo "$F/cpuinfo/neoverse-n1-altra" --arch aarch64 \
		>"$OUT/$name.plan" 2>"$OUT/$name.stderr"
	rc=$?
	first=$(head -1 "$OUT/$name.stderr")
	if [ "$rc" -eq 0 ] && grep -q '^steps:' "$OUT/$name.plan"; then
		t_pass "$name: loads and plans"
	elif [ "$rc" -ne 0 ] && accepted "$rc" "$OUT/$name.stderr" "$f"; then
		t_pass "$name: loads (the planner refuses: ${first#armpy: $f: })"
	else
		t_fail "$name: exit $rc: $first"
	fi
done
[ -s "$OUT/good-minimal.plan" ] && t_pass "good-minimal (the defaults) plans on debian-12" ||
	t_fail "good-minimal (the defaults) does not plan on debian-12"

# Every example in profiles/ plans, on the machine its header names, with a YAML plan on stdout
# that carries the profile's name. (Unit test test-profile also loads and round-trips them.)
machine_for() {
	case $1 in
	devkit-debian-system-openblas) echo "debian-12 neoverse-n1-altra" ;;
	devkit-debian-system-blis) echo "debian-12 neoverse-n1-altra" ;;
	devkit-ubuntu-system-blis) echo "ubuntu-24.04 neoverse-n1-altra" ;;
	rhel8-source-blis) echo "almalinux-8 neoverse-n1-altra" ;;
	conda-miniforge-openblas) echo "ubuntu-22.04 neoverse-v1-graviton3" ;;
	conda-grace-nvpl) echo "ubuntu-24.04 neoverse-v2-grace" ;;
	pip-venv-openblas) echo "debian-12 neoverse-n1-graviton2" ;;
	esac
}
for f in "$TOP"/profiles/*.yaml; do
	name=$(basename "$f" .yaml)
	m=$(machine_for "$name")
	if [ -z "$m" ]; then
		t_fail "$name: no test machine listed in tests/profile/run.sh"
		continue
	fi
	set -- $m
	"$ARMPY" --profile "$f" --dry-run --os-release "$F/os-release/$1" --cpuinfo "$F/cpuinfo/$2" \
		--arch aarch64 >"$OUT/$name.plan" 2>"$OUT/$name.stderr"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		t_fail "$name on $1/$2: exit $rc: $(head -1 "$OUT/$name.stderr")"
	elif ! grep -qx "profile: $name" "$OUT/$name.plan" || ! grep -q '^steps:' "$OUT/$name.plan"; then
		t_fail "$name on $1/$2: stdout is not a plan for this profile"
	elif grep -v '^armpy: warning: ' "$OUT/$name.stderr" | grep -q .; then
		t_fail "$name on $1/$2: unexpected stderr: $(grep -v '^armpy: warning: ' "$OUT/$name.stderr" | head -1)"
	else
		t_pass "$name: plans on $1 aarch64 ($2)"
	fi
done

# The caps docs/profile.md states, at the cap (the profile plans) and one over (exit 2 at the key,
# naming the cap): mirrors (64), a path (4095), a URL (2048), a host name (253), threads (4096).
python3 - "$OUT" <<'PY'
import sys
out = sys.argv[1]
def w(name, text):
    open(f"{out}/{name}.yaml", "w").write("version: 1\n" + text)
for k in (64, 65):
    w(f"cap-mirrors-{k}", "mirrors:\n" + "".join(f"- m{i}.lan\n" for i in range(k)))
for k in (4095, 4096):
    w(f"cap-path-{k}", "source: pip\npip:\n  venv: /opt/" + "v" * (k - 5) + "\n")
for k in (2048, 2049):
    w(f"cap-url-{k}", "source: pip\npip:\n  index_url: https://h.example/" + "u" * (k - 18) + "\n")
for k in (253, 254):
    host = ".".join(["a" * 63] * 3)
    w(f"cap-host-{k}", "mirrors:\n- " + host + "." + "b" * (k - len(host) - 1) + "\n")
for k in (4096, 4097):
    w(f"cap-threads-{k}", "blas:\n  threads: %d\n" % k)
PY
cap_case() { # NAME CAP OVER-FIRST-LINE-PREFIX OVER-MESSAGE-PART
	local rc
	(cd "$OUT" && "$ARMPY" plan --profile "cap-$1-$2.yaml" --os-release "$F/os-release/debian-12" \
		--cpuinfo "$F/cpuinfo/neoverse-n1-altra" --arch aarch64 >"cap-$1.out" 2>"cap-$1.err"); rc=$?
	accepted "$rc" "$OUT/cap-$1.err" "cap-$1-$2.yaml" "$OUT/cap-$1.out" &&
		t_pass "$1: $2 is taken" || { t_fail "$1: $2 (exit $rc): $(head -1 "$OUT/cap-$1.err")"; }
	run_bad "$OUT" "cap-$1-$(($2 + 1)).yaml" || return
	case $(cat "$OUT/cap-$1-$(($2 + 1)).first") in
	"cap-$1-$(($2 + 1)).yaml:$3"*"$4"*) t_pass "$1: $(($2 + 1)) is refused at the key" ;;
	*) t_fail "$1: $(($2 + 1)): $(cut -c1-200 "$OUT/cap-$1-$(($2 + 1)).first")" ;;
	esac
}
cap_case mirrors 64 "67:3: mirrors: " "at most 64 mirrors"
cap_case path 4095 "4:3: pip.venv: " "longer than 4095 characters"
cap_case url 2048 "4:3: pip.index_url: " "longer than 2048 characters"
cap_case host 253 "3:3: mirrors[0]: " "longer than 253 characters"
cap_case threads 4096 "3:3: blas.threads: " "4097 is out of range (auto, or 1 to 4096)"

t_summary
