#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/tui/run.sh — drives the real ./armpy wizard in tmux (80x24): snapshots, saved profiles,
# replay equality, back navigation, the one selection model (Space marks, Enter goes on with the
# mark), EOL confirmation, refusals, bench progress and cancel, --load, resize, NO_COLOR, vt100,
# plan text that hides a command (shown escaped), TERM refused, hang-up with a dialog open; Undo
# of a past run from the welcome screen (a conflict refused, an undo run); a bundle opened with
# its answers (--bundle), refused when cut, and written into the root before the run;
# first, that no screen keeps state in a static (statics.py).
# UPDATE_SNAPSHOTS=1 rewrites tests/tui/snapshots/*.txt (review the diff before committing).
set -u
. "$(dirname "$0")/../lib.sh"
cd "$TOP"
HERE=tests/tui
SOCK=armpy-test-$$-0
TMP=$(mktemp -d /tmp/armpy-tui.XXXXXX)
T() { tmux -L "$SOCK" "$@"; }
cleanup() {
	T kill-server 2>/dev/null
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/armpy-test-$$-"*     # the dead servers' sockets
	# Never delete through a mount the executor may have left in a test root.
	if grep -qF "$TMP/" /proc/mounts; then echo "tui: mounts left under $TMP, not removing it" >&2
	else rm -rf "$TMP"; fi
}
# Each session gets its own server: no race with a server that is still shutting down.
trap cleanup EXIT

# Screens keep their state in the block the main loop gives them, never in a static: the check
# needs no terminal, so it runs first (and where tmux is missing).
if out=$(python3 "$HERE/statics.py" screens/*.c); then
	t_pass "screens/*.c: no mutable static (per-instance screen state only)"
else t_fail "screens/*.c: mutable statics:"; echo "$out" | sed 's/^/    /'; fi

if ! command -v tmux >/dev/null; then
	t_skip "tmux not installed (scripts/deps/test-tui.apt.txt)"
	t_summary
	exit
fi

DETECT="--os-release tests/fixtures/os-release/debian-12 --cpuinfo tests/fixtures/cpuinfo/neoverse-n1-altra --arch aarch64"
N=0

# start [ENV=VAL ...] -- ARGS: a fresh session running armpy; the pane stays after it exits.
start() {
	local envs=() a
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=(-e "$1"); shift; done
	shift
	N=$((N + 1))
	HOMEDIR=$TMP/h$N
	mkdir -p "$HOMEDIR"
	T kill-server 2>/dev/null
	SOCK=armpy-test-$$-$N
	T -f /dev/null new-session -d -x 80 -y 24 \
		-e ARMPY_TODAY=2026-11-25 -e ARMPY_NO_PROBE=1 -e LANG=C.UTF-8 -e LC_ALL= \
		-e TERM=xterm-256color \
		-e XDG_CONFIG_HOME="$HOMEDIR/config" -e XDG_STATE_HOME="$HOMEDIR/state" \
		-e HOME="$HOMEDIR" -e ARMPY_STATE_DIR="$HOMEDIR/state/armpy" "${envs[@]}" \
		"$ARMPY ${DETECT_ARGS-$DETECT} $*; echo \"[exit \$?]\"; sleep 600"
	T set-option -g status off >/dev/null
}

cap() { T capture-pane -p; }

# wait_for TEXT [SECONDS]: polls the pane until TEXT shows (fixed string).
wait_for() {
	local i limit=$(( ${2:-5} * 20 ))
	for ((i = 0; i < limit; i++)); do
		if cap | grep -qF -- "$1"; then return 0; fi
		sleep 0.05
	done
	echo "    timed out waiting for: $1"
	cap | sed 's/^/    | /'
	return 1
}

# wait_gone TEXT: polls until TEXT has left the pane.
wait_gone() {
	local i
	for ((i = 0; i < 100; i++)); do
		if ! cap | grep -qF -- "$1"; then return 0; fi
		sleep 0.05
	done
	return 1
}

keys() { T send-keys "$@"; sleep 0.15; }

# Memory and page size come from the live system, not the fixtures: mask them.
normalize() { sed -E 's/^(  Memory +)[0-9.]+ GiB +page size [0-9]+ KB/\1N GiB    page size N KB/; s/[[:space:]]+$//'; }

# snap NAME: compares the pane with snapshots/NAME.txt.
snap() {
	local want=$HERE/snapshots/$1.txt got=$TMP/$1.txt
	cap | normalize >"$got"
	if [ "${UPDATE_SNAPSHOTS:-0}" = 1 ]; then cp "$got" "$want"; fi
	if [ ! -f "$want" ]; then
		t_fail "snapshot $1 (missing $want; run with UPDATE_SNAPSHOTS=1)"
		return
	fi
	t_diff "snapshot $1" "$want" "$got"
}

step() { wait_for "$1" && return 0; t_fail "reach: $1"; return 1; }

# --- 1. stdin not a terminal: exit 2 with the hint --------------------------------------
if t_section "1. no tty"; then
	out=$("$ARMPY" $DETECT </dev/null 2>&1); rc=$?
	if [ $rc -eq 2 ] && echo "$out" | grep -q -- "--profile"; then t_pass "no tty: exit 2 with --profile hint"
	else t_fail "no tty: rc=$rc out=$out"; fi
fi

# --- 2. full walk Debian + system + BLIS to review; save profile and plan ----------------
if t_section "2. walk, save, back and forward"; then
	start --
	step "Welcome: this machine" && snap welcome-debian12-n1
	keys Enter; step "Planning for: debian 12" && snap distro
	keys Enter; step "Chosen: Python system" && snap python
	keys Enter; step "choose where NumPy and SciPy come from" && snap source
	keys Enter; step "OpenBLAS TARGET=NEOVERSEN1" && snap blas
	keys Down Space; wait_for "(*) BLIS" >/dev/null
	keys Enter; step "Optional packages" && snap extras
	keys Enter; step "Plan for debian-12 aarch64" && snap review-debian-system-blis
	cp "$TMP/review-debian-system-blis.txt" "$TMP/review-first.txt"
	keys s; step "Save the profile"
	keys Enter; step "Profile saved to"
	PROFILE=$HOMEDIR/config/armpy/profiles/armpy.yaml
	if [ -f "$PROFILE" ]; then t_diff "saved profile equals expected" "$HERE/expected/debian-system-blis.yaml" "$PROFILE"
	else t_fail "saved profile missing at $PROFILE"; fi
	keys p; step "Save the plan"
	keys Enter; step "Plan saved to"
	PLAN=$HOMEDIR/config/armpy/plans/armpy.plan.yaml
	ARMPY_NO_PROBE=1 "$ARMPY" --profile "$PROFILE" --dry-run $DETECT >"$TMP/dry.yaml" 2>"$TMP/dry.err"
	if [ -s "$TMP/dry.yaml" ] && [ -f "$PLAN" ]; then t_diff "replayed --dry-run plan equals the plan saved with p" "$PLAN" "$TMP/dry.yaml"
	else t_fail "replay: no plan (saved: $PLAN) $(cat "$TMP/dry.err")"; fi
	keys v; step "Plan (YAML)"
	if cap | grep -qF "$(head -1 "$PLAN")"; then t_pass "v shows the plan YAML"; else t_fail "v pager"; fi
	keys q; step "Plan for debian-12 aarch64"

	# --- 3. back from review to Python and forward again, answers kept -----------------------
	keys Escape; step "Optional packages"
	keys Escape; step "OpenBLAS TARGET="
	if cap | grep -qF "(*) BLIS"; then t_pass "back: BLAS answer kept"; else t_fail "back: BLAS answer lost"; fi
	keys Escape; step "choose where NumPy and SciPy come from"
	keys BSpace; step "Chosen: Python system" && snap python-after-back
	keys Enter Enter Enter Enter; step "Plan for debian-12 aarch64"
	cap | normalize >"$TMP/review-again.txt"
	t_diff "forward again: review unchanged" "$TMP/review-first.txt" "$TMP/review-again.txt"
	keys q; step "[exit 0]" && t_pass "q quits with 0 before anything ran"
	if [ "$(T display -p '#{alternate_on}')" = 0 ]; then t_pass "terminal restored after q"; else t_fail "alternate screen left on"; fi
fi

# --- 4. one selection model: Space marks the line under the cursor, Enter goes on with the mark;
#        an EOL Python: warning, confirmation, and the answers it invalidates -----------------
if t_section "4. selection model and EOL"; then
	start --
	step "Welcome"; keys Enter Enter; step "Chosen: Python system"
	# 3.9 is past EOL on 2026-11-25 (src/pyeol.c) and Debian 12 does not package it: another source
	# is needed. The cursor on it with "system" marked: Enter goes on with system, no EOL dialog.
	# down_to TEXT: Down until TEXT (the cursor line) shows, at most 16 times (the list grows with
	# each new Python release).
	down_to() { local i; for i in $(seq 16); do cap | grep -qF -- "$1" && return 0; keys Down; done; }
	down_to ">( ) 3.9"
	step ">( ) 3.9" && snap python-eol-highlighted
	keys Enter
	if wait_for "Python system; choose where NumPy and SciPy come from" && ! cap | grep -qF "End-of-life"; then
		t_pass "Enter with the cursor on an EOL line goes on with the marked Python, no dialog"
	else t_fail "Enter acted on the line under the cursor"; fi
	keys Escape; step "Chosen: Python system"
	down_to ">( ) 3.9"
	keys Space; step "End-of-life Python" && snap python-eol-confirm
	keys n; step "Kept Python system"
	if cap | grep -qF "(*) system"; then t_pass "EOL dialog No: the old Python stays marked"; else t_fail "EOL dialog No: mark moved"; fi
	keys Enter
	if wait_for "Python system; choose where NumPy and SciPy come from" && ! cap | grep -qF "End-of-life"; then
		t_pass "after No, Enter goes on with the marked Python without reopening the dialog"
	else t_fail "after No, Enter reopened the dialog or did not go on"; fi
	keys Escape; step "Chosen: Python system"
	down_to ">( ) 3.9"
	keys Space; step "End-of-life Python"
	keys y; step "Chosen: Python 3.9, end of life accepted" && snap python-eol-chosen
	if cap | grep -qF "Changed to fit: source system -> source conda"; then t_pass "EOL: invalidated source said so"; else t_fail "EOL: no invalidation notice"; fi
	keys Enter; step "Python 3.9; choose where NumPy and SciPy come from"
	if cap | grep -qF ">(*) conda"; then t_pass "EOL: conda marked on the source screen"; else t_fail "EOL: source screen mark"; fi
	keys Enter Enter Enter; step "Plan for"
	if cap | grep -qF "Python 3.9 (chosen in the profile) is past end of life"; then t_pass "EOL warning on review"; else t_fail "no EOL warning on review"; fi
	keys s; step "Save the profile"; keys Enter; step "Profile saved to"
	P=$HOMEDIR/config/armpy/profiles/armpy.yaml
	if grep -q '^python: "3.9"' "$P" && grep -q '^allow_eol: true' "$P" && grep -q '^source: conda' "$P"; then
		t_pass "EOL profile saved with allow_eol"
	else t_fail "EOL profile: $(grep -E '^(python|allow_eol|source):' "$P" | tr '\n' ' ')"; fi
	# 2.7 is listed but cannot be chosen.
	keys Escape; step "Optional packages"; keys Escape; step "OpenBLAS TARGET="
	keys Escape; step "choose where NumPy"; keys Escape; step "Chosen: Python 3.9"
	keys End Space; step "Python 2.7 cannot be chosen" && t_pass "2.7 refused with reason"
	keys Enter; step "Python 3.9; choose where" && t_pass "Enter after a refused Space goes on with the marked one"
fi

# --- 5. a refused combination shown disabled with the reason ---------------------------------
if t_section "5. refused combination"; then
	start --
	step "Welcome"; keys Enter Enter Enter; step "choose where NumPy"
	keys Down Down Space Enter; step "OpenBLAS TARGET="
	keys Down; step "Refused: BLIS" && snap blas-conda-blis-refused
	keys Space; step "BLIS is refused:"
	if cap | grep -qF "(*) OpenBLAS"; then t_pass "refused BLIS not selected"; else t_fail "refused BLIS got selected"; fi
fi

# --- 5b. NVPL beside OpenBLAS on conda on a Grace, marked as NVIDIA's choice with the reason ---
if t_section "5b. NVPL on a Grace"; then
	DETECT_ARGS="--os-release tests/fixtures/os-release/ubuntu-24.04 --cpuinfo tests/fixtures/cpuinfo/neoverse-v2-grace --arch aarch64" start --
	step "Welcome"; keys Enter Enter Enter; step "choose where NumPy"
	keys Down Down Space Enter; step "OpenBLAS TARGET=NEOVERSEV2"
	if cap | grep -qF "( ) NVPL (NVIDIA, conda on Arm64)  (NVIDIA's choice on Grace)"; then
		t_pass "NVPL listed beside OpenBLAS, marked as NVIDIA's choice"
	else t_fail "NVPL line missing or unmarked"; fi
	keys Down Down; step "NVIDIA's choice on Grace: this CPU has Grace's Neoverse-V2" && snap blas-grace-nvpl
	keys Space; wait_for "(*) NVPL" >/dev/null && t_pass "NVPL selected on conda"
	keys Enter; step "Optional packages"; keys Enter; step "Plan for ubuntu-24.04 aarch64"
	if cap | grep -qE "nvpl"; then t_pass "review names nvpl"; else t_fail "review without nvpl"; fi
fi

# --- 5a. b runs `armpy gflops --progress`: library, threads, N, "n of m" and a bar; Esc kills the
#         whole bench (no process, no zombie, nothing on the terminal); a full run ends in the
#         table with N in the labels, and the BLIS line then says what the bench saw ----------
if t_section "5a. bench: progress, cancel, table labels"; then
	if ! "$ARMPY" gflops --size 16 --threads 1 >/dev/null 2>&1; then
		t_skip "bench progress (armpy gflops finds no BLAS on this machine)"
	else
		start --
		step "Welcome"; keys Enter Enter Enter Enter; step "OpenBLAS TARGET="
		if cap | grep -qF "BLIS build target cortexa57 (expected; \`b\` checks what BLIS really runs)"; then
			t_pass "BLIS line before b: the build target armpy expects, said so"
		else t_fail "BLIS line before b"; cap | sed 's/^/    | /'; fi
		keys b; step "Step 1 of " 30
		sleep 1
		cap >"$TMP/bench-progress.txt"
		if grep -qE "Step [0-9]+ of [0-9]+ " "$TMP/bench-progress.txt" &&
		   grep -qE "/[^ ]*lib[^ ]*\.so" "$TMP/bench-progress.txt" &&
		   grep -qE "[0-9]+ threads?, N=[0-9]+" "$TMP/bench-progress.txt" &&
		   grep -qE "\[[^]]*\] +[0-9]+%" "$TMP/bench-progress.txt"; then
			t_pass "bench progress: n of m, library path, threads and N, a bar"
		else t_fail "bench progress dialog"; sed 's/^/    | /' "$TMP/bench-progress.txt"; fi
		wiz=$(pgrep -P "$(T display -p '#{pane_pid}')" | head -1)
		bench=$(pgrep -P "$wiz" | head -1)
		members() { ps -eo pgid=,stat=,args= | awk -v g="$bench" '$1 == g'; }
		if [ -n "$bench" ] && [ "$(members | wc -l)" -ge 2 ]; then t_pass "bench runs as a process group (pid $bench)"
		else t_fail "bench process group not found"; ps -eo pid,ppid,pgid,stat,args | sed 's/^/    | /'; fi
		keys Escape; step "armpy gflops cancelled"
		if [ -n "$bench" ] && [ -z "$(members)" ] && ! pgrep -f "gflops --format yaml --progress" >/dev/null; then
			t_pass "Esc: no bench process left, no zombie"
		else t_fail "Esc left bench processes"; members | sed 's/^/    | /'; fi
		sleep 1
		snap blas-bench-cancelled
		keys b; step "Step 1 of " 30
		if wait_for "library, kernels, threads, size" 600; then
			cap >"$TMP/bench-table.txt"
			# the rows under the header, to the first blank line or the pager's legend (its
			# last line), which a table longer than the screen (every threading flavour of
			# every BLAS installed) reaches without a blank line
			rows=$(head -n -1 "$TMP/bench-table.txt" | awk 'NR > 3 && /^$/ { exit } NR > 3')
			if [ -n "$rows" ] && ! echo "$rows" | cut -c1-32 | grep -vqE " [0-9]+t N=[0-9]+ *$"; then
				t_pass "bench table: every row's label has threads and N"
			else t_fail "bench table labels"; sed 's/^/    | /' "$TMP/bench-table.txt"; fi
			keys q; step "OpenBLAS TARGET="
			if cap | grep -qE "^ BLIS (runs .* here|build target .*; armpy gflops) "; then
				t_pass "BLIS line after b: what armpy gflops measured"
			else t_fail "BLIS line after b"; cap | sed 's/^/    | /'; fi
		else t_fail "bench: no table"; fi
	fi
fi

# --- 5b. an unsupported distribution is explained, and an override plans for another one ----
if t_section "5b. unsupported distribution"; then
	start -- --os-release tests/fixtures/os-release/freebsd
	step "Welcome"; keys Enter; step "The detected distribution is not supported" && snap distro-freebsd
	keys Enter; step "Chosen: Python system"
	keys Enter; step "cannot be chosen" && t_pass "unsupported distro: Python screen refuses to go on"
	keys Escape; step "Planning for: freebsd"
	keys Down Space Enter; step "Chosen: Python system"
	keys Escape; step "Planning for: debian 12" && t_pass "override to debian 12 planned"
fi

# --- 6. --load prefills every answer ------------------------------------------------------
if t_section "6. --load and resize"; then
	# the review of section 2's walk, or its snapshot when CASE left that section out
	first=$TMP/review-first.txt
	[ -f "$first" ] || first=$HERE/snapshots/review-debian-system-blis.txt
	start -- --load "$TOP/$HERE/expected/debian-system-blis.yaml"
	step "Welcome"; keys Enter Enter Enter Enter; step "OpenBLAS TARGET="
	if cap | grep -qF "(*) BLIS"; then t_pass "--load: BLIS prefilled"; else t_fail "--load: BLIS not prefilled"; fi
	keys Enter Enter; step "Plan for debian-12 aarch64"
	cap | normalize >"$TMP/review-load.txt"
	t_diff "--load: same review as the walk" "$first" "$TMP/review-load.txt"

	# --- 7. resize to 60x20 and back ----------------------------------------------------------
	T resize-window -x 60 -y 20
	step "Terminal too small: need 80×24, have 60×20" && t_pass "too small message"
	T resize-window -x 80 -y 24
	step "Plan for debian-12 aarch64" && t_pass "recovers after enlarging"
	cap | normalize >"$TMP/review-resized.txt"
	t_diff "redrawn review after resize" "$first" "$TMP/review-resized.txt"

	# A profile that does not load: exit 2 before the screen is touched, with the reason.
	start -- --load "$TMP/missing.yaml"
	step "[exit 2]" && if cap | grep -qF "missing.yaml"; then t_pass "--load of a missing file: exit 2 naming it"; else t_fail "--load missing: no file name"; fi
fi

# --- 8. colour only without NO_COLOR --------------------------------------------------------
if t_section "8. colour"; then
	sgr_color() { T capture-pane -p -e | grep -cE $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7]|38;5|48;5)[;m]'; }
	start --
	step "Welcome"
	if [ "$(sgr_color)" -gt 0 ]; then t_pass "colour used on xterm-256color"; else t_fail "no colour on xterm-256color"; fi
	start NO_COLOR=1 --
	step "Welcome"
	if [ "$(sgr_color)" -eq 0 ]; then t_pass "NO_COLOR: no colour"; else t_fail "NO_COLOR: colour escapes present"; fi
	snap welcome-no-color

	start TERM=screen --
	step "Welcome" && cap | normalize >"$TMP/welcome-screen.txt"
	t_diff "TERM=screen: same welcome screen" "$HERE/snapshots/welcome-debian12-n1.txt" "$TMP/welcome-screen.txt"
fi

# --- 9. TERM=vt100 in the C locale: ASCII drawing ------------------------------------------
if t_section "9. vt100 ASCII"; then
	start TERM=vt100 LANG=C LC_ALL=C --
	step "Welcome" && snap welcome-vt100-c
	keys Enter Enter Enter Enter Down Space Enter Enter; step "Plan for" && snap review-vt100-c
	if cap | LC_ALL=C grep -q $'[\x80-\xff]'; then t_fail "vt100/C: non-ASCII drawing"; else t_pass "vt100/C: ASCII only"; fi
	T resize-window -x 60 -y 20
	step "Terminal too small: need 80x24, have 60x20" && t_pass "too small message in ASCII"
	T resize-window -x 80 -y 24
fi

# --- 10. signals restore the terminal -------------------------------------------------------
if t_section "10. signals"; then
	start --
	step "Welcome"
	pid=$(pgrep -P "$(T display -p "#{pane_pid}")" | head -1)
	if [ -n "$pid" ]; then
		kill -TERM "$pid"
		step "[exit 143]" && t_pass "SIGTERM exits"
		if [ "$(T display -p '#{alternate_on}')" = 0 ]; then t_pass "terminal restored after SIGTERM"; else t_fail "SIGTERM left the alternate screen"; fi
	else t_fail "armpy pid not found"; fi
fi

# --- 11. help and quit confirmation ----------------------------------------------------------
if t_section "11. help and quit"; then
	start --
	step "Welcome"; keys '?'; step "Keys on every screen" && t_pass "? opens help"
	keys q; step "Welcome: this machine"
	keys F1; step "Keys on every screen" && t_pass "F1 opens help"
fi

# --- 12. install screen: a run into an empty --root fails; Retry/Abort dialog, log, done ------
# The executor chroots into the root for run steps, so nothing touches this machine.
if t_section "12. install screen"; then
	if [ "$(id -u)" -ne 0 ]; then
		t_skip "install screen (needs root for --root)"
	else
		ROOT=$TMP/root
		mkdir -p "$ROOT"
		start -- --root "$ROOT"
		step "Welcome"; keys Enter Enter Enter Enter Down Space Enter Enter; step "Plan for debian-12"
		keys Enter; step "Run the plan"
		keys y; step "Step failed"
		if cap | grep -qF "cannot be skipped" && cap | grep -qF "<Retry>" && cap | grep -qF "<Abort>" &&
		   ! cap | grep -qF "<Skip>" && cap | grep -qF "Log:" && cap | grep -qF "/state/armpy/r"; then
			t_pass "failure dialog: Retry/Abort, no Skip for an unskippable step, log path"
		else t_fail "failure dialog contents"; cap | sed 's/^/    | /'; fi
		keys r; step "Step failed" && t_pass "Retry runs the step again"
		keys a; step "The run failed. Log:"
		keys q; step "Something has already run" && t_pass "q asks once something ran"
		keys n; step "The run failed. Log:"
		if cap | grep -qE "^ +1 # FAILED +Refresh the package lists"; then t_pass "install: failed step marked"
		else t_fail "install: step states"; cap | sed 's/^/    | /'; fi
		keys Enter; step "Validation"
		keys Enter; step "Replay this setup headless"
		if cap | sed 's/^ *//' | tr '\n' ' ' | grep -qF "armpy --profile $HOMEDIR/config/armpy/profiles/armpy.yaml --yes"; then
			t_pass "done: replay command with the saved profile"
		else t_fail "done: replay command"; cap | sed 's/^/    | /'; fi
		keys h; step "Write the run's report"; keys Enter; step "Report written to"
		page=$(ls "$HOMEDIR"/armpy-report-*.html 2>/dev/null | head -1)
		if [ -n "$page" ] && grep -qF "Refresh the package lists" "$page" && ! grep -qi '<script' "$page"; then
			t_pass "done: h writes the run's HTML page, failed step in it"
		else t_fail "done: h and the run's page"; cap | sed 's/^/    | /'; fi
		keys Escape; step "going back is not possible now" && t_pass "no going back after a run"
		keys Enter; step "[exit 1]" && t_pass "exit 1 after a failed run"
		if grep -qF "$ROOT/" /proc/mounts; then
			t_fail "a mount was left under $ROOT"
			grep -F "$ROOT/" /proc/mounts | awk '{print $2}' | while read -r m; do umount "$m"; done
		else t_pass "no mount left in the root"; fi
	fi
fi

# --- 12a. text from the machine that would hide part of itself: shown whole, nothing raw ------
# PRETTY_NAME is free text shown on the welcome screen. Its CR would send curses back to column 0,
# where the rest of the line overwrote the hidden part. armpy cleans what it reads from the machine
# (controls become U+FFFD, with a note) and the wizard escapes what it draws, so both parts stay
# on the line. (A VERSION_ID like that is not a version at all: detection drops it, and it never
# reaches a plan; tests/inputs checks that.)
if t_section "12a. hidden text"; then
	printf 'PRETTY_NAME="Debian GNU/Linux 12 HIDDEN-touch-PWNED\r\033[2KDECOY \xe2\x80\xae(bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n' >"$TMP/os-release-hidden"
	DETECT_ARGS="--os-release $TMP/os-release-hidden --cpuinfo tests/fixtures/cpuinfo/neoverse-n1-altra --arch aarch64" start --
	step "Welcome"
	if cap | grep -F "HIDDEN-touch-PWNED" | grep -qF "DECOY"; then
		t_pass "welcome: the text before CR + ESC[2K in PRETTY_NAME is visible, with what follows it"
	else t_fail "welcome: the hidden part of PRETTY_NAME is not on the screen"; cap | sed 's/^/    | /'; fi
	if ! cap | grep -qF $'\u202e'; then t_pass "welcome: a bidi override in PRETTY_NAME does not reach the terminal raw"
	else t_fail "welcome: raw U+202E on the screen"; cap | sed 's/^/    | /'; fi
	keys Enter Enter Enter Enter Enter Enter; step "Plan for debian-12"
	keys v; step "Plan (YAML)"
	if ! cap | grep -qF $'\u202e' && ! cap | grep -qF "PWNED"; then t_pass "plan pager: nothing of PRETTY_NAME in the plan, nothing raw"
	else t_fail "plan pager"; cap | sed 's/^/    | /'; fi
	keys q
fi

# --- 12b. a terminal the wizard cannot draw on: a clear refusal, exit 2, nothing drawn ------
if t_section "12b. TERM refused"; then
	ARMPY="env TERM=dumb $ARMPY" start --
	step "[exit 2]" && if cap | grep -qF "TERM=dumb cannot move the cursor"; then t_pass "TERM=dumb: refused with the reason, exit 2"
	else t_fail "TERM=dumb: message"; cap | sed 's/^/    | /'; fi
	ARMPY="env TERM=armpy-no-such-terminal $ARMPY" start --
	step "[exit 2]" && if cap | grep -qF "no terminfo entry"; then t_pass "unknown TERM: refused with the reason, exit 2"
	else t_fail "unknown TERM: message"; cap | sed 's/^/    | /'; fi
fi

# --- 12c. the terminal hangs up while a dialog is open: the wizard ends, without spinning ----
# As the controlling terminal (SIGHUP comes) and as a terminal that just goes away (only EOF
# and EIO); the End-of-life confirmation (choose()), the help pager, and (root) the Step failed
# dialog of a run, while the run ignores SIGHUP.
if t_section "12c. hang-up"; then
	for how in ctty noctty; do
		for dialog in eol help failed; do
			args=$DETECT
			if [ $dialog = failed ]; then
				if [ "$(id -u)" -ne 0 ]; then t_skip "hang-up in the $dialog dialog ($how): needs root for --root"; continue; fi
				mkdir -p "$TMP/hup-root"; args="$DETECT --root $TMP/hup-root"
			fi
			mkdir -p "$TMP/hup-$how-$dialog"
			if out=$(python3 "$HERE/hup.py" "$ARMPY" "$TMP/hup-$how-$dialog" $how $dialog $args 2>&1); then
				t_pass "hang-up in the $dialog dialog ($how): $out"
			else t_fail "hang-up in the $dialog dialog ($how): $out"; fi
		done
	done
fi

# --- 12d. Undo from the welcome screen: past runs listed, a conflict refused, an undo run ------
# A cheap root: two write-only plans rewrite one file in a temp --root (no apt, no chroot
# binary: the reverse of a rewrite is a write). Undo of the earlier is refused naming the later;
# the later is undone through review (d), install and done; then the earlier.
if t_section "12d. undo from the welcome screen"; then
	if [ "$(id -u)" -ne 0 ]; then
		t_skip "undo in the wizard (needs root for --root)"
	else
		UR=$TMP/undo-root
		US=$TMP/undo-state
		mkdir -p "$UR/etc"
		echo before >"$UR/etc/armpy-tui-undo.conf"
		for x in a b; do
			printf 'armpy_plan: 1\nprofile: tui-undo-%s\ntarget: test\nwarnings: []\nnotes: []\nsteps:\n- id: conf\n  title: Write the test configuration\n  why: test\n  privileged: true\n  skippable: false\n  est_seconds: 1\n  write:\n    path: /etc/armpy-tui-undo.conf\n    mode: "0644"\n    content: "%s\\n"\n' "$x" "$x" >"$TMP/undo-$x.yaml"
			ARMPY_STATE_DIR=$US "$ARMPY" run "$TMP/undo-$x.yaml" --root "$UR" --yes >"$TMP/undo-$x.out" 2>&1 ||
				t_fail "headless run $x: $(tail -2 "$TMP/undo-$x.out")"
		done
		RA=$(ls "$US/runs" | sort | head -1); RB=$(ls "$US/runs" | sort | tail -1)
		start ARMPY_STATE_DIR="$US" -- --root "$UR"
		step "Past runs here"
		if cap | grep -qE "^ >$RB .* tui-undo-b +undoable +\[Undo\]" && cap | grep -qE "^  $RA .* tui-undo-a +undoable +\[Undo\]"; then
			t_pass "welcome: past runs of the root, newest first, id, date, profile, Undo beside each"
		else t_fail "welcome: runs list"; cap | sed 's/^/    | /'; fi
		keys Down u; step "Cannot undo run $RA"
		if cap | awk -F'│' 'NF == 3 { print $2 }' | tr -s ' \n' ' ' | grep -qF "by run $RB. Undo run $RB first"; then
			t_pass "undo of the earlier run: a dialog names the later run to undo first"
		else t_fail "conflict dialog"; cap | sed 's/^/    | /'; fi
		keys Enter; wait_gone "Cannot undo run"
		[ "$(cat "$UR/etc/armpy-tui-undo.conf")" = b ] && t_pass "after the conflict nothing ran" ||
			t_fail "the conflict changed the file"
		keys Up u; step "Undo of run $RB"
		if cap | grep -qE "^ > 1 # Put back the file's content"; then t_pass "review: the reverse plan's listing"
		else t_fail "review: reverse plan"; cap | sed 's/^/    | /'; fi
		keys d; step "Step undo-conf"
		cap | grep -qF "write /etc/armpy-tui-undo.conf (mode 0644, 2 bytes)" && t_pass "review: d shows the undo step's write" ||
			{ t_fail "review: d"; cap | sed 's/^/    | /'; }
		keys q; step "Undo of run $RB"
		keys Escape; step "Past runs here" && t_pass "Esc from the undo's review goes back to the welcome screen"
		keys Enter; step "Planning for:" && t_pass "Enter on the welcome screen still starts a new setup"
		keys Escape; step "Past runs here"
		keys u; step "Undo of run $RB"
		keys Enter; step "Undo the run"
		keys y; step "the run is undone. Enter: done."
		keys Enter; step "is undone (by run"
		RU=$(ls "$US/runs" | sort | tail -1)
		if [ "$(cat "$UR/etc/armpy-tui-undo.conf")" = a ] && [ "$(cat "$US/runs/$RB/undone")" = "$RU" ] &&
			[ "$(cat "$US/runs/$RU/undoes")" = "$RB" ] && cap | grep -qF "Done: run $RB is undone (by run $RU)."; then
			t_pass "install and done: the later run undone as a run of its own, marked as armpy undo marks it"
		else t_fail "undo run: file $(cat "$UR/etc/armpy-tui-undo.conf"), marks"; cap | sed 's/^/    | /'; fi
		keys Enter; step "[exit 0]" && t_pass "exit 0 after the undo"
		ARMPY_STATE_DIR=$US "$ARMPY" runs >"$TMP/undo-runs.out" 2>&1
		grep -qE "^$RU +.* ok " "$TMP/undo-runs.out" && t_pass "armpy runs lists the wizard's undo as an ok run" ||
			{ t_fail "armpy runs after the undo"; sed 's/^/    | /' "$TMP/undo-runs.out"; }
		start ARMPY_STATE_DIR="$US" -- --root "$UR"
		step "Past runs here"
		if cap | grep -qE "^ >$RU .* undo of $RB" && cap | grep -qE "^  $RB .* undone by $RU" &&
			cap | grep -qE "^  $RA .* undoable +\[Undo\]"; then
			t_pass "welcome: the undo, the undone run and the one left undoable"
		else t_fail "welcome after an undo"; cap | sed 's/^/    | /'; fi
		keys u; step "cannot be undone: undo of $RB" && t_pass "u on an undo run says why not"
		keys Down Down u; step "Undo of run $RA"
		keys Enter; step "Undo the run"
		keys y; step "the run is undone. Enter: done."
		[ "$(cat "$UR/etc/armpy-tui-undo.conf")" = before ] && t_pass "then the earlier run: the file as before both" ||
			t_fail "undo of the earlier run: $(cat "$UR/etc/armpy-tui-undo.conf")"
		keys Enter Enter; step "[exit 0]"
	fi
fi

# --- 12e. a bundle opened by the wizard (armpy --bundle FILE) ---------------------------------
# A real bundle written by bundle_write for the fixture machine (test-wizard-bundle keeps it):
# its members are the ones the wizard reads (MANIFEST, plan.yaml, profile.yaml, facts.yaml), no
# .deb, and it passes the same verification as any other. Its answers are the wizard's, the
# review shows apt reading the bundle as the headless --dry-run does, other answers are refused,
# and the install screen writes it into the root before the first step.
if t_section "12e. bundle"; then
	B=$TMP/blis.bundle
	if ! ARMPY_TEST_BUNDLE_OUT=$B CMOCKA_TEST_FILTER=test_tui_bundle tests/unit/test-wizard-bundle >"$TMP/mkbundle.out" 2>&1 || [ ! -s "$B" ]; then
		t_fail "bundle: tests/unit/test-wizard-bundle wrote no bundle (make unit)"; sed 's/^/    | /' "$TMP/mkbundle.out"
	else
		zstd -q -dc "$B" | tar -xO profile.yaml >"$TMP/bundle-profile.yaml"
		start -- --bundle "$B"
		step "From the bundle" && if cap | tr '\n' ' ' | tr -s ' ' | grep -qF "answers are set (source system, Python system, BLAS blis/openmp)"; then
			t_pass "bundle: the welcome screen names the bundle and its answers"
		else t_fail "bundle: welcome"; cap | sed 's/^/    | /'; fi
		keys Enter Enter Enter Enter; step "OpenBLAS TARGET="
		if cap | grep -qF "(*) BLIS" && cap | grep -qE "OpenBLAS.*\(refused\)"; then
			t_pass "bundle: BLIS from the bundle, OpenBLAS refused"
		else t_fail "bundle: BLAS screen"; cap | sed 's/^/    | /'; fi
		keys Space; step "not what the bundle holds" && t_pass "bundle: choosing OpenBLAS is refused with the reason"
		keys Enter Enter; step "Plan for debian-12 aarch64"
		if cap | grep -qF "From the bundle: apt reads file:/var/lib/armpy/bundle/apt"; then t_pass "bundle: the review says apt reads the bundle"
		else t_fail "bundle: review"; cap | sed 's/^/    | /'; fi
		keys v; step "Plan (YAML)"
		# the sources list is the first step's content, near the first page's end; its lines are
		# wider than the pager: five lines down, forty columns right
		keys j j j j j l l l l
		step "keyring.gpg] file:/var/lib/armpy/bundle/apt/debian bookworm main" &&
			t_pass "bundle: the plan's sources list is the bundle's (file:/var/lib/armpy/bundle)"
		keys q; step "Plan for debian-12 aarch64"
		keys p; step "Save the plan"
		keys Enter; step "Plan saved to"
		PLAN=$HOMEDIR/config/armpy/plans/bundle-blis.plan.yaml
		ARMPY_NO_PROBE=1 "$ARMPY" --profile "$TMP/bundle-profile.yaml" --bundle "$B" --dry-run $DETECT >"$TMP/bdry.yaml" 2>"$TMP/bdry.err"
		if [ -s "$TMP/bdry.yaml" ] && [ -f "$PLAN" ]; then t_diff "bundle: the wizard's plan equals headless --bundle --dry-run's" "$PLAN" "$TMP/bdry.yaml"
		else t_fail "bundle: no plan (saved: $PLAN) $(cat "$TMP/bdry.err")"; fi

		# refused before curses starts, exit 2, as headless refuses it
		head -c 2000 "$B" >"$TMP/cut.bundle"
		start -- --bundle "$TMP/cut.bundle"
		step "[exit 2]" && if cap | grep -qF "armpy: refused: " && ! cap | grep -qF "Welcome"; then
			t_pass "bundle: a cut bundle is refused before the wizard starts, exit 2"
		else t_fail "bundle: cut bundle"; cap | sed 's/^/    | /'; fi
		start -- --bundle "$B" --load "$TMP/bundle-profile.yaml"
		step "[exit 2]" && t_pass "bundle: --bundle and --load exclude each other"

		if [ "$(id -u)" -ne 0 ]; then
			t_skip "bundle: install screen (needs root for --root)"
		else
			# the run: the bundle lands in the root before the first step (whose apt fails there)
			BR=$TMP/broot; mkdir -p "$BR"
			start -- --root "$BR" --bundle "$B"
			step "From the bundle"; keys Enter Enter Enter Enter Enter Enter; step "Plan for debian-12"
			keys Enter; step "Run the plan"; keys y; step "Step failed"
			if [ -f "$BR/var/lib/armpy/bundle/plan.yaml" ] && grep -qF "file:/var/lib/armpy/bundle/apt" "$BR/var/lib/armpy/bundle-sources.list"; then
				t_pass "bundle: written into the root, then its sources list, before apt"
			else t_fail "bundle: the root after the run: $(find "$BR" | head)"; fi
			keys a; step "The run failed. Log:"; keys q; step "Something has already run"; keys y; step "[exit"
			# the file changed after it was opened: read again before the run, refused then
			BR2=$TMP/broot2; mkdir -p "$BR2"; cp "$B" "$TMP/changing.bundle"
			start -- --root "$BR2" --bundle "$TMP/changing.bundle"
			step "From the bundle"; keys Enter Enter Enter Enter Enter Enter; step "Plan for debian-12"
			truncate -s -1 "$TMP/changing.bundle"
			keys Enter; step "Run the plan"; keys y; step "The run did not start"
			if cap | grep -qF "refused:" && [ ! -e "$BR2/var/lib/armpy/bundle" ]; then
				t_pass "bundle: changed after it was opened, refused before the run, nothing in the root"
			else t_fail "bundle: changed bundle"; cap | sed 's/^/    | /'; fi
		fi
	fi
fi

# --- 13. the real thing: install and validation screens in a Debian chroot ----------------
# The e2e suite's cached bookworm amd64 chroot; the wizard runs on the host with --root and the
# chroot's apt does the work. ARMPY_TUI_E2E=0 skips it.
if t_section "13. chroot install and validation"; then
	. "$TOP/tests/lib-chroot.sh"
	trap 'chroot_destroy_all; cleanup' EXIT
	trap 'chroot_destroy_all; cleanup; exit 130' INT TERM HUP
	if [ "${ARMPY_TUI_E2E:-1}" = 0 ]; then
		t_skip "wizard in a chroot (ARMPY_TUI_E2E=0)"
	elif ! why_not=$(chroot_can_run amd64); then
		t_skip "wizard in a chroot: $why_not"
	elif chroot_setup "bookworm amd64 chroot for the wizard" amd64 python3; then
		R=$CHROOT_ROOT
		DETECT_ARGS="" start -- --root "$R" --load "$TOP/tests/e2e/profiles/debian-system-blis.yaml"
		step "Welcome"; keys Enter Enter Enter Enter; step "OpenBLAS TARGET="
		if cap | grep -qF "(*) BLIS"; then t_pass "chroot: BLIS from the loaded profile"; else t_fail "chroot: BLIS not loaded"; fi
		keys Enter Enter; step "Plan for debian-12 x86_64"
		keys Enter; step "Run the plan"; keys y
		for ((i = 0; i < 1500 * 4; i++)); do
			cap | grep -qE "All steps done|Step failed|The run (failed|could not)" && break
			sleep 0.25
		done
		if cap | grep -qF "All steps done"; then t_pass "chroot: install screen ran every step"
		else t_fail "chroot: install did not finish"; cap | sed 's/^/    | /'; keys a; fi
		keys Enter
		if wait_for "Validation" 5 && wait_for "dgemm GFLOPS" 600; then
			snapfile=$TMP/validate-chroot.txt; cap >"$snapfile"; sed 's/^/    | /' "$snapfile"
			if grep -qE "^ PASS " "$snapfile"; then t_pass "chroot: validation PASS"; else t_fail "chroot: validation verdict"; fi
			if grep -qE "^ BLAS +blis" "$snapfile"; then t_pass "chroot: validation shows BLIS serving NumPy"; else t_fail "chroot: serving BLAS is not BLIS"; fi
			if grep -qE "NumPy 1t N=[0-9]+ .*GFLOPS" "$snapfile"; then t_pass "chroot: GFLOPS bars drawn, labels with threads and N"; else t_fail "chroot: no GFLOPS bars"; fi
		else t_fail "chroot: validation screen"; fi
		keys Enter; step "Replay this setup headless"
		keys Enter; step "[exit 0]" && t_pass "chroot: wizard exits 0 after a good run"
		left=$(chroot_stray_mounts "$R")
		if [ -z "$left" ]; then t_pass "chroot: no mounts left"; else t_fail "chroot: mounts left: $left"; fi
	fi
fi

t_summary
