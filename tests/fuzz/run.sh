#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/fuzz/run.sh — the libFuzzer targets, one per loader, under ASan+UBSan: builds them with
# clang, replays every finding kept in regress/<target>/, then fuzzes each target for
# FUZZ_SECONDS (default 30) from a scratch corpus seeded with the fixtures, FUZZ_JOBS targets at
# a time (default: one per core). `make fuzz` runs it with FUZZ_MINUTES per target. Inputs in
# pending/<target>/ are findings not fixed yet: not replayed, moved to regress/ with their fix.
set -u
. "$(dirname "$0")/../lib.sh"
cd "$TOP"
F=tests/fuzz
OUT=$TOP/tests/out/fuzz
TARGETS=${FUZZ_TARGETS:-profile plan facts osrelease cpuinfo journal junit bundle}
SECS=${FUZZ_SECONDS:-30}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
rm -rf "$OUT"
mkdir -p "$OUT"

# libFuzzer comes with clang (Debian: clang and libclang-rt-dev, scripts/deps/test-fuzz.apt.txt).
have_libfuzzer() {
	command -v "${FUZZ_CC:-clang}" >/dev/null || { why="${FUZZ_CC:-clang} is not installed"; return 1; }
	printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' >"$OUT/probe.c"
	"${FUZZ_CC:-clang}" -fsanitize=fuzzer,address,undefined -o "$OUT/probe" "$OUT/probe.c" \
	    >"$OUT/probe.log" 2>&1 || { why="${FUZZ_CC:-clang} cannot link libFuzzer (-fsanitize=fuzzer)"; return 1; }
}

# seeds TARGET: the fixtures that are inputs of that loader.
seeds() {
	case $1 in
	profile) ls profiles/*.yaml tests/fixtures/profiles/*.yaml tests/golden/profiles/*.yaml ;;
	plan) ls tests/golden/expected/*.yaml ;;
	facts) ls tests/golden/facts/*.yaml ;;
	osrelease) ls tests/fixtures/os-release/* ;;
	junit) ls tests/fixtures/junit/* ;;
	bundle) ls tests/fixtures/bundle/* ;;
	cpuinfo) ls tests/fixtures/cpuinfo/* ;;
	journal) ;;
	esac
}

# corpus TARGET: a scratch corpus dir with the seeds and the kept findings; prints its path.
corpus() {
	local dir=$OUT/corpus/$1 f
	mkdir -p "$dir"
	for f in $(seeds "$1") "$F/regress/$1"/*; do
		[ -f "$f" ] && cp "$f" "$dir/$(echo "$f" | tr / _)"
	done
	if [ "$1" = journal ]; then   # no journal fixture: a resumed run that was interrupted
		printf 'begin 1700000000 42 - system-blis\nstart apt-install 1700000001\nchild apt-install 43\nend apt-install ok 1700000002\nstart alt 1700000003\nprev alt /usr/lib/x%%20y\ninterrupted 1700000004\nbegin 1700000005 44 /srv/root -\nend alt satisfied 1700000006\nfinish ok 1700000007\n' >"$dir/resume"
		printf 'begin 1 2 %% -\0start a%%0A 3\nend a torn' >"$dir/torn"
	fi
	echo "$dir"
}

# why_failed LOG: the sanitizer's or the property's verdict and the top frames in armpy's code.
why_failed() {
	grep -m2 -E 'property does not hold|do not load back|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|ALARM|out-of-memory' "$1" | sed 's/^/    /'
	grep -E '^ +#[0-9]+ .* (/[^ ]*/)?(src|tests/fuzz)/[^ ]+:[0-9]+' "$1" | grep -v 'fuzz_fail' | head -3 | sed 's/^/    /'
}

# replay TARGET: every kept finding runs once, clean.
replay() {
	local t=$1 bin=$F/build/fuzz-$1 f log
	for f in "$F/regress/$t"/*; do
		[ -f "$f" ] || continue
		log=$OUT/replay-$t-$(basename "$f").log
		if timeout 60 "$bin" -timeout=10 -rss_limit_mb=2048 "$f" >"$log" 2>&1; then
			t_pass "$t: replay regress/$t/$(basename "$f")"
		else
			t_fail "$t: replay regress/$t/$(basename "$f")"; why_failed "$log"
		fi
	done
}

# fuzz_start TARGET: FUZZ_SECONDS of new inputs, in the background (libFuzzer uses one core); its
# exit status goes to $OUT/fuzz-TARGET.rc when it ends.
fuzz_start() {
	local t=$1 bin=$F/build/fuzz-$1 dir art=$OUT/artifacts/$1/
	dir=$(corpus "$t")
	mkdir -p "$art"
	rm -f "$OUT/fuzz-$t.rc"
	(
		timeout $((SECS + 120)) "$bin" "$dir" -max_total_time="$SECS" -timeout="${FUZZ_TIMEOUT:-10}" \
		    -rss_limit_mb=2048 -max_len=1048576 -artifact_prefix="$art" -print_final_stats=1 \
		    >"$OUT/fuzz-$t.log" 2>&1
		echo $? >"$OUT/fuzz-$t.rc.part" && mv "$OUT/fuzz-$t.rc.part" "$OUT/fuzz-$t.rc"
	) &
}

# fuzz_result TARGET: its verdict once it ended; a crash, leak, UB, timeout or broken property
# fails.
fuzz_result() {
	local t=$1 log=$OUT/fuzz-$1.log art=$OUT/artifacts/$1/
	if [ "$(cat "$OUT/fuzz-$t.rc")" = 0 ]; then
		t_pass "$t: ${SECS}s of fuzzing ($(grep -m1 -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$') inputs)"
	else
		t_fail "$t: fuzzing found $(ls "$art" | tr '\n' ' ')(log: $log)"
		why_failed "$log"
		echo "    keep it: copy the input to tests/fuzz/pending/$t/ (or regress/$t/ with its fix)"
	fi
}

# fuzz_all TARGET...: FUZZ_JOBS targets at a time (default: one per core), each reported as it
# ends, so each gets FUZZ_SECONDS of a core of its own and its lines stay together.
fuzz_all() {
	local jobs=${FUZZ_JOBS:-$(nproc)} running=() left t r
	[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
	for t in "$@" ""; do
		while [ ${#running[@]} -gt 0 ] && { [ -z "$t" ] || [ ${#running[@]} -ge "$jobs" ]; }; do
			# no child left to wait for, yet no status: the job itself was killed
			wait -n; [ $? -ne 127 ] || for r in "${running[@]}"; do
				[ -f "$OUT/fuzz-$r.rc" ] || echo killed >"$OUT/fuzz-$r.rc"; done
			left=()
			for r in "${running[@]}"; do
				if [ -f "$OUT/fuzz-$r.rc" ]; then fuzz_result "$r"; else left+=("$r"); fi
			done
			running=("${left[@]}")
		done
		[ -z "$t" ] || { fuzz_start "$t"; running+=("$t"); }
	done
}

if ! have_libfuzzer; then
	for t in $TARGETS; do t_skip "$t: $why"; done
	t_summary; exit
fi
if ! make -s -j2 fuzz-build >"$OUT/build.log" 2>&1; then
	t_fail "build the fuzz targets (make fuzz-build)"; sed 's/^/    /' "$OUT/build.log" | tail -20
	t_summary; exit
fi
for t in $TARGETS; do replay "$t"; done
if [ "$SECS" -gt 0 ]; then
	fuzz_all $TARGETS
fi
t_summary
