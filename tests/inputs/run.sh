#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/inputs/run.sh — every file armpy reads as input is a regular file: a FIFO, a directory or a
# device is refused at once with exit 2 and nothing printed on stdout, never a hang. Bytes that
# are not UTF-8 never crash or hang anything: the machine's files are sanitised (and what detect
# writes plans), profiles and plans are refused at the bad byte. Every loader handles inputs up
# to its cap quickly; saved plans load back and keep the umask.
set -u
. "$(dirname "$0")/../lib.sh"
cd "$TOP"
OUT=$TOP/tests/out/inputs
rm -rf "$OUT"
mkdir -p "$OUT"
FIFO=$OUT/fifo
mkfifo "$FIFO"
mkdir -p "$OUT/dir"
PROFILE=profiles/devkit-debian-system-blis.yaml
FACTS=$OUT/facts.yaml
ARMPY_NO_PROBE=1 "$ARMPY" detect >"$FACTS" 2>/dev/null

# refused NAME ARGS...: exit 2 within 10 s, a reason naming the kind of file, empty stdout.
refused() {
	local name=$1 rc; shift
	timeout 10 "$ARMPY" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" </dev/null; rc=$?
	t_check "$name: exit 2 (not a hang: $rc)" test "$rc" -eq 2
	t_check "$name: says it is not a regular file" grep -q "not a regular file" "$OUT/$name.err"
	t_check "$name: nothing on stdout" test ! -s "$OUT/$name.out"
}

for kind in fifo dir dev; do
	case $kind in fifo) F=$FIFO ;; dir) F=$OUT/dir ;; dev) F=/dev/zero ;; esac
	refused "profile-$kind" --profile "$F" --dry-run
	refused "load-$kind" --load "$F"
	refused "os-release-$kind" detect --os-release "$F"
	refused "cpuinfo-$kind" detect --cpuinfo "$F"
	refused "plan-facts-$kind" plan --profile "$PROFILE" --facts "$F"
	refused "plan-profile-$kind" plan --profile "$F" --facts "$FACTS"
	refused "run-plan-$kind" run "$F" --yes   # --yes: the file kind, not the missing confirmation, must refuse
	refused "dry-run-cpuinfo-$kind" --profile "$PROFILE" --cpuinfo "$F" --dry-run
done
# a regular file still works, so the refusals above are about the kind of file
timeout 10 "$ARMPY" plan --profile "$PROFILE" --facts "$FACTS" >"$OUT/ok.out" 2>"$OUT/ok.err"
t_check "a regular facts file still plans (exit 0)" test $? -eq 0

HOSTILE=tests/fixtures/hostile
DEB=tests/fixtures/os-release/debian-12
N1=tests/fixtures/cpuinfo/neoverse-n1-altra

# timed NAME SECONDS ARGS...: runs armpy with a time bound; sets $rc (124: the bound was hit).
timed() {
	local name=$1 secs=$2; shift 2
	timeout "$secs" "$ARMPY" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" </dev/null; rc=$?
}

# Machine facts that are not UTF-8: detect exits 0, notes what it replaced, and what it wrote
# plans (the facts always load back).
for c in "latin1:$HOSTILE/cpuinfo-latin1:x86_64:$DEB" "armbad:$HOSTILE/cpuinfo-arm-bad:aarch64:$DEB" \
    "osr:$N1:aarch64:$HOSTILE/os-release-bad-utf8" "osrid:$N1:aarch64:$HOSTILE/os-release-bad-id"; do
	IFS=: read -r name cpu arch osr <<<"$c"
	ARMPY_NO_PROBE=1 timed "detect-$name" 10 detect --cpuinfo "$cpu" --arch "$arch" --os-release "$osr"
	t_check "detect-$name: exit 0 (not a crash or a hang: $rc)" test "$rc" -eq 0
	t_check "detect-$name: says what it changed (notes:)" grep -q '^notes:' "$OUT/detect-$name.out"
	t_check "detect-$name: writes UTF-8 only" iconv -f UTF-8 -t UTF-8 "$OUT/detect-$name.out" -o /dev/null
	timed "plan-$name" 10 plan --profile "$PROFILE" --facts "$OUT/detect-$name.out"
	t_check "detect-$name: its facts load back (not a FILE:LINE:COL refusal)" \
	    bash -c "! grep -q 'detect-$name.out:[0-9]*:[0-9]*:' '$OUT/plan-$name.err' && test $rc -le 2"
done
t_check "detect-latin1: a Debian machine with a bad CPU name still plans (exit 0)" \
    grep -q '^steps:' "$OUT/plan-latin1.out"
t_check "detect-osr: the replaced bytes are U+FFFD, the escape is gone" \
    bash -c "grep -q \$'pretty_name: .*Debian \\xef\\xbf\\xbd' '$OUT/detect-osr.out' && ! grep -q \$'\\x1b' '$OUT/detect-osr.out'"

# Profiles and plans that are not UTF-8 (or hold control characters): exit 2 at the bad byte.
bad_input() {
	local name=$1 want=$2; shift 2
	timed "$name" 10 "$@"
	t_check "$name: exit 2 ($rc)" test "$rc" -eq 2
	t_check "$name: names $want" grep -q "$want" "$OUT/$name.err"
	t_check "$name: nothing on stdout" test ! -s "$OUT/$name.out"
}
bad_input profile-latin1 "profile-latin1.yaml:3:10: not valid UTF-8" \
    plan --profile "$HOSTILE/profile-latin1.yaml" --facts "$FACTS"
bad_input profile-control "profile-control.yaml:3:12: malformed YAML: control characters" \
    plan --profile "$HOSTILE/profile-control.yaml" --facts "$FACTS"
"$ARMPY" plan --profile "$PROFILE" --facts "$FACTS" >"$OUT/good-plan.yaml" 2>/dev/null
sed '0,/^  title: .*/s//  title: caf\xe9/' "$OUT/good-plan.yaml" >"$OUT/plan-latin1.yaml"
line=$(grep -an $'caf\xe9' "$OUT/plan-latin1.yaml" | cut -d: -f1)
bad_input plan-latin1 "plan-latin1.yaml:$line:13: not valid UTF-8" run "$OUT/plan-latin1.yaml" --dry-run

# Every loader near its cap: exit 0 or 2 within a generous bound (well under a second on an
# idle machine; the quadratic duplicate-key check took minutes), never a hang or a crash.
python3 - "$OUT" <<'PY'
import sys
out, M = sys.argv[1], 1024 * 1024
def w(name, text):
    open(f"{out}/{name}", "wb").write(text.encode() if isinstance(text, str) else text)
w("big-keys.yaml", "version: 1\n" + "".join(f"k{i}: 1\n" for i in range(140000))[:M - 200] + "\n")
w("big-dup.yaml", "version: 1\n" + "".join(f"k{i}: 1\n" for i in range(100000))[:M - 200] + "\nk1: 2\n")
w("big-list.yaml", "version: 1\nextras: [" + "a, " * ((M - 40) // 3) + "a]\n")
w("big-deep.yaml", "[" * (M - 10))
w("big-scalar.yaml", "version: 1\nname: \"" + "x" * (M - 40) + "\"\n")
w("big-longkey.yaml", "x" * (M - 10) + ": 1\n")
w("big-mirrors.yaml", "version: 1\nmirrors:\n" + "".join(f"  - m{i}.l\n" for i in range(90000))[:M - 200].rsplit("\n", 1)[0] + "\n")
head = "armpy_plan: 1\nprofile: p\ntarget: t\n"
step = "{id: s%d, title: t, why: w, privileged: false, skippable: false, est_seconds: 1, run: {argv: [true]}}"
w("big-plan-steps.yaml", head + "steps: [" + ", ".join(step % i for i in range(9000)) + "]\n")
w("big-plan-dupids.yaml", head + "steps: [" + ", ".join(step % (i % 8000) for i in range(9000)) + "]\n")
w("big-plan-argv.yaml", head + "steps: [" + (step % 0).replace("[true]", "[" + "x, " * ((M - 400) // 3) + "x]") + "]\n")
w("big-facts-notes.yaml", "distro: {id: debian, version: \"12\"}\narch: aarch64\nnotes:\n" + "- note\n" * ((M - 200) // 7))
w("big-facts-features.yaml", "distro: {id: debian, version: \"12\"}\narch: aarch64\ncpu:\n  features: [" + ", ".join(f"f{i}" for i in range(120000))[:M - 200].rsplit(",", 1)[0] + "]\n")
w("big-osr", "ID=debian\nPRETTY_NAME=\"" + "\xae" * 0 + "x" * (4 * M - 100) + "\"\n")
w("big-osr-latin1", b"ID=debian\nVERSION_ID=12\nPRETTY_NAME=\"" + b"\xae" * (4 * M - 100) + b"\"\n")
w("big-cpu-features", "processor\t: 0\nCPU implementer\t: 0x41\nCPU part\t: 0xd0c\nFeatures\t: " + " ".join(f"f{i}" for i in range(600000))[:4 * M - 200] + "\n")
w("big-cpu-latin1", b"processor\t: 0\nmodel name\t: " + b"\xae" * (4 * M - 100) + b"\n")
PY
quick() {
	local name=$1; shift
	timed "$name" 5 "$@"
	t_check "$name: exit 0 or 2 within 5 s (got $rc)" test "$rc" -le 2
}
for f in big-keys big-dup big-list big-deep big-scalar big-longkey big-mirrors; do
	quick "$f" plan --profile "$OUT/$f.yaml" --facts "$FACTS"
done
t_check "big-dup: the repeated key is named at its line" grep -q "big-dup.yaml:[0-9]*:1: k1: duplicate key" "$OUT/big-dup.err"
for f in big-plan-steps big-plan-dupids big-plan-argv; do
	quick "$f" run "$OUT/$f.yaml" --dry-run
done
t_check "big-plan-dupids: a repeated step id is named" grep -q "steps\[8000\].id: duplicate id 's0' (also steps\[0\])" "$OUT/big-plan-dupids.err"
for f in big-facts-notes big-facts-features; do
	quick "$f" plan --profile "$PROFILE" --facts "$OUT/$f.yaml"
done
for f in big-osr big-osr-latin1; do
	ARMPY_NO_PROBE=1 quick "$f" detect --os-release "$OUT/$f" --cpuinfo "$N1" --arch aarch64
done
for f in big-cpu-features big-cpu-latin1; do
	ARMPY_NO_PROBE=1 quick "$f" detect --os-release "$DEB" --cpuinfo "$OUT/$f" --arch aarch64
	ARMPY_NO_PROBE=1 quick "$f-x86" detect --os-release "$DEB" --cpuinfo "$OUT/$f" --arch x86_64
done
timed plan-from-big-osr-latin1 10 plan --profile "$PROFILE" --facts "$OUT/big-osr-latin1.out"
t_check "big-osr-latin1: detect's facts load back (exit 0)" test "$rc" -eq 0

# Each cap the docs state, at the cap (taken) and one byte over (refused, naming the cap): 1 MiB
# for profiles, plans and facts, 4 MiB for the machine's files (--os-release, --cpuinfo).
"$ARMPY" plan --profile "$PROFILE" --facts "$FACTS" >"$OUT/cap-plan.yaml" 2>/dev/null
python3 - "$OUT" "$PROFILE" "$FACTS" "$DEB" "$N1" <<'PY'
import sys
out, M = sys.argv[1], 1024 * 1024
def pad(src, name, size):
    t = open(src, "rb").read()
    t = t if t.endswith(b"\n") else t + b"\n"
    open(f"{out}/{name}", "wb").write(t + b"#" + b"x" * (size - len(t) - 2) + b"\n")
for kind, src, cap in (("profile", sys.argv[2], M), ("facts", sys.argv[3], M),
                       ("plan", f"{out}/cap-plan.yaml", M), ("osr", sys.argv[4], 4 * M),
                       ("cpu", sys.argv[5], 4 * M)):
    pad(src, f"cap-{kind}", cap)
    pad(src, f"cap1-{kind}", cap + 1)
PY
at_cap() { # NAME CAP ARGS, the file as @
	local name=$1 cap=$2 f; shift 2
	for f in cap cap1; do
		ARMPY_NO_PROBE=1 timed "$f-$name" 10 "${@/#@/$OUT/$f-$name}"
		if [ $f = cap ]; then
			t_check "$name: exactly $cap bytes is taken (exit $rc)" test "$rc" -eq 0
		else
			t_check "$name: $cap + 1 bytes is refused (exit $rc), naming the cap" \
			    bash -c "test $rc -eq 2 && grep -q 'larger than $cap bytes' '$OUT/$f-$name.err'"
		fi
	done
}
at_cap profile 1048576 plan --profile @ --facts "$FACTS"
at_cap facts 1048576 plan --profile "$PROFILE" --facts @
at_cap plan 1048576 run @ --dry-run
at_cap osr 4194304 detect --os-release @ --cpuinfo "$N1" --arch aarch64
at_cap cpu 4194304 detect --os-release "$DEB" --cpuinfo @ --arch aarch64

# Errors quote at most about 200 bytes of a value.
{ echo "version: 1"; printf 'python: "'; head -c 100000 /dev/zero | tr '\0' 'v'; echo '"'; } >"$OUT/long-value.yaml"
timed long-value 10 plan --profile "$OUT/long-value.yaml" --facts "$FACTS"
t_check "long-value: exit 2 ($rc)" test "$rc" -eq 2
t_check "long-value: the message is short ($(wc -c <"$OUT/long-value.err") bytes)" \
    test "$(wc -c <"$OUT/long-value.err")" -lt 600

# A 100 KB path, name or value in every kind of input: exit 2 (1 for a probe that cannot start or
# a log that cannot be opened), and a message under 1 KB that still says how long it was.
LONG=$(head -c 100000 /dev/zero | tr '\0' 'q')
printf 'version: 1\nname: %s\n' "$LONG" >"$OUT/long-name.yaml"
printf 'version: 1\npip:\n  venv: /opt/%s\n' "$LONG" >"$OUT/long-venv.yaml"
printf 'version: 1\n? %s\n: 1\n' "$LONG" >"$OUT/long-key.yaml"
sed "0,/^  title: .*/s//  title: ok\n  ? $LONG\n  : 1/" "$OUT/good-plan.yaml" >"$OUT/long-plan-key.yaml"
sed "0,/^- id: .*/s//- id: Q$LONG/" "$OUT/good-plan.yaml" >"$OUT/long-plan-id.yaml"
sed "s/^arch: .*/arch: $LONG/" "$FACTS" >"$OUT/long-facts.yaml"
mkdir -p "$OUT/$LONG" 2>/dev/null
short_msg() { # NAME WANT-RC ARGS... (a name ending in -nq: nothing is quoted, only short)
	local name=$1 want=$2 len; shift 2
	ARMPY_STATE_DIR=$OUT/state-long timed "$name" 10 "$@"
	len=$(wc -c <"$OUT/$name.err")
	t_check "$name: exit $want ($rc)" test "$rc" -eq "$want"
	t_check "$name: a message under 1 KB ($len bytes)" test "$len" -gt 0 -a "$len" -lt 1024
	case $name in *-nq) return ;; esac
	t_check "$name: the quotation says how long the value was" grep -q '…\[[0-9]* bytes\]' "$OUT/$name.err"
}
short_msg long-profile-path 2 --profile "/tmp/$LONG.yaml" --dry-run
short_msg long-load-path 2 --load "/tmp/$LONG.yaml"
short_msg long-profile-name 2 plan --profile "$OUT/long-name.yaml" --facts "$FACTS"
short_msg long-profile-venv 2 plan --profile "$OUT/long-venv.yaml" --facts "$FACTS"
short_msg long-profile-key 2 plan --profile "$OUT/long-key.yaml" --facts "$FACTS"
short_msg long-plan-path 2 run "/tmp/$LONG.yaml" --dry-run
short_msg long-plan-key 2 run "$OUT/long-plan-key.yaml" --dry-run
short_msg long-plan-id 2 run "$OUT/long-plan-id.yaml" --dry-run
short_msg long-facts-path 2 plan --profile "$PROFILE" --facts "/tmp/$LONG.yaml"
short_msg long-facts-arch-nq 2 plan --profile "$PROFILE" --facts "$OUT/long-facts.yaml"
short_msg long-os-release 2 detect --os-release "/tmp/$LONG"
short_msg long-cpuinfo 2 detect --cpuinfo "/tmp/$LONG"
short_msg long-arch 2 plan --profile "$PROFILE" --arch "$LONG"
short_msg long-root 2 plan --profile "$PROFILE" --root "/tmp/$LONG"
printf 'armpy_plan: 1\nprofile: p\ntarget: t\nsteps:\n- {id: t, title: t, why: w, privileged: false, skippable: false, est_seconds: 1, run: {argv: ["true"]}}\n' >"$OUT/true-plan.yaml"
short_msg long-log 1 run "$OUT/true-plan.yaml" --yes --log "/tmp/$LONG/log"
short_msg long-resume-id 2 resume "$LONG" --yes
short_msg long-python 1 validate --python "/tmp/$LONG"
short_msg long-python-name 1 validate --python "$LONG"
short_msg long-env 2 validate --env "$LONG"
short_msg long-choice 2 validate --expect "$LONG"
short_msg long-command 2 "$LONG"
short_msg long-option 2 plan "--$LONG"
short_msg long-operand 2 plan --profile "$PROFILE" "$LONG"

# validate --env takes a plan's run.env rule: NAME=VALUE with NAME a portable environment name.
for e in "=1" "NOEQUALS" "1A=2" "A B=1" "A-B=1" "a.b=1"; do
	timed "env-$e" 10 validate --env "$e" --python /nonexistent
	t_check "validate --env '$e': exit 2 ($rc), says what NAME=VALUE takes, probes nothing" \
	    bash -c "test $rc -eq 2 && grep -q \"option '--env' takes NAME=VALUE (NAME: letters, digits and _\" '$OUT/env-$e.err' && ! grep -q probe '$OUT/env-$e.err'"
done
timed env-ok 10 validate --env OMP_NUM_THREADS=2 --env _x= --python /nonexistent
t_check "validate --env OMP_NUM_THREADS=2 --env _x=: taken (the probe is tried: exit $rc)" \
    bash -c "test $rc -eq 1 && ! grep -q 'takes NAME=VALUE' '$OUT/env-ok.err'"

# What armpy saves, it can load: a plan whose saved form would pass the reader's cap is refused
# before any step runs; a saved plan keeps the umask.
STATE=$OUT/state
python3 - "$OUT" <<'PY'
import sys
out, M = sys.argv[1], 1024 * 1024
head = "armpy_plan: 1\nprofile: p\ntarget: t\n"
step = "steps:\n- {id: mark, title: t, why: w, privileged: false, skippable: false, est_seconds: 1, run: {argv: [touch, %s/marker]}}\n" % out
open(f"{out}/flow-1m.yaml", "w").write(head + step + "notes: [" + "n, " * ((M - 600) // 3) + "n]\n")
open(f"{out}/small.yaml", "w").write(head + step.replace("marker", "small-marker"))
PY
rm -f "$OUT/marker"
ARMPY_STATE_DIR=$STATE timed flow-1m 20 run "$OUT/flow-1m.yaml" --yes
t_check "flow-1m: refused, not run (exit $rc)" test "$rc" -ne 0 -a ! -e "$OUT/marker"
t_check "flow-1m: says the saved plan would be too large to load" \
    grep -q "not saved: the plan is [0-9]* bytes as YAML, more than the [0-9]* that armpy reads back" "$OUT/flow-1m.err"
(umask 077; ARMPY_STATE_DIR=$STATE timeout 20 "$ARMPY" run "$OUT/small.yaml" --yes >"$OUT/small.out" 2>&1)
saved=$(ls -t "$STATE"/runs/*/plan.yaml 2>/dev/null | head -1)
t_check "small: ran (the marker exists)" test -e "$OUT/small-marker"
t_check "small: plan.yaml keeps umask 077 (mode $(stat -c %a "$saved" 2>/dev/null))" \
    test "$(stat -c %a "$saved" 2>/dev/null)" = 600
timed small-resaved 10 run "$saved" --dry-run
t_check "small: the saved plan loads back (exit $rc)" test "$rc" -eq 0
t_summary
