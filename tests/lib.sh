# SPDX-License-Identifier: MIT
# tests/lib.sh — helpers for shell test suites: pass/fail/skip counters and the summary line.
# Source it, call t_pass/t_fail/t_skip per case, and end with t_summary (exit status = failures).
# CASE=pattern (an extended regex, without case) runs one case again: only the cases whose name,
# or whose section's title (t_section), matches are shown and counted, and sections whose title
# does not match are not run at all. `tests/run-all.sh SUITE:PATTERN` sets it for one suite.
T_PASSED=0
T_FAILED=0
T_SKIPPED=0
T_SECTION=        # the title of the section being run, "" outside one
T_SECTION_ON=0    # its title matches CASE
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ARMPY=${ARMPY:-$TOP/armpy}
export ARMPY_TODAY=${ARMPY_TODAY:-2026-11-25}

# t_match TEXT: TEXT matches CASE (always, without CASE).
t_match() { [ -z "${CASE:-}" ] || grep -qiE -- "$CASE" <<<"$1"; }

# t_wanted NAME: this case is shown and counted.
t_wanted() { [ "$T_SECTION_ON" = 1 ] || t_match "$1"; }

# t_section TITLE: starts a group of cases that share their set-up (a session, a fixture) and
# returns 1 when CASE leaves it out: `if t_section "5a. bench"; then ... fi`. A failing case in
# it says how to run the section alone.
t_section() {
	T_SECTION=$1
	T_SECTION_ON=0
	[ -n "${CASE:-}" ] && t_match "$1" && T_SECTION_ON=1
	[ -z "${CASE:-}" ] || [ "$T_SECTION_ON" = 1 ]
}

t_pass() { t_wanted "$*" || return 0; T_PASSED=$((T_PASSED + 1)); printf 'ok   %s\n' "$*"; }
t_skip() { t_wanted "$*" || return 0; T_SKIPPED=$((T_SKIPPED + 1)); printf 'skip %s\n' "$*"; }
t_fail() {
	t_wanted "$*" || return 0
	T_FAILED=$((T_FAILED + 1))
	printf 'FAIL %s\n' "$*"
	if [ -n "$T_SECTION" ]; then
		printf '     again alone: CASE=%q %s\n' "$T_SECTION" "${0#"$TOP"/}"
	fi
}

# t_alt_save NAME...: records each Debian alternative as it is (update-alternatives --query:
# auto, or the manual choice), for t_alt_restore to put back exactly. A suite that sets an
# alternative saves it first and calls t_alt_restore from its EXIT trap. The alternatives are
# the machine's: the first call waits (up to 30 minutes) for a lock that any other suite moving
# them holds until it exits, so that two checkouts' suites do not switch them under each other.
T_ALTS=()
t_alt_save() {
	local n q mode
	if [ -z "${T_ALT_LOCK:-}" ]; then
		exec {T_ALT_LOCK}>>/run/lock/armpy-test-alternatives || return 1
		flock -w 1800 "$T_ALT_LOCK" || { echo "lib.sh: alternatives lock: timed out" >&2; return 1; }
	fi
	for n in "$@"; do
		q=$(update-alternatives --query "$n" 2>/dev/null) || continue   # none: nothing to restore
		mode=$(sed -n 's/^Status: //p' <<<"$q")
		T_ALTS+=("$n" "$mode" "$(sed -n 's/^Value: //p' <<<"$q")")
	done
}
t_alt_restore() {
	local i
	for ((i = 0; i < ${#T_ALTS[@]}; i += 3)); do
		if [ "${T_ALTS[i + 1]}" = auto ]; then
			update-alternatives --auto "${T_ALTS[i]}" >/dev/null 2>&1
		else
			update-alternatives --set "${T_ALTS[i]}" "${T_ALTS[i + 2]}" >/dev/null 2>&1
		fi
	done
}

# t_check NAME COMMAND...: passes when the command exits 0.
t_check() {
	local name=$1; shift
	if "$@"; then t_pass "$name"; else t_fail "$name"; fi
}

# t_diff NAME EXPECTED_FILE ACTUAL_FILE: passes when equal, else shows a unified diff.
t_diff() {
	local d
	# a scratch file under tests/out, or $TMPDIR when the tree is read-only; never a fixed name
	d=$(mkdir -p "$TOP/tests/out" 2>/dev/null && mktemp "$TOP/tests/out/t-diff.XXXXXX" \
	    2>/dev/null || mktemp) || { t_fail "$1 (no temporary file)"; return; }
	if diff -u "$2" "$3" >"$d" 2>&1; then
		t_pass "$1"
	else
		t_fail "$1"
		t_wanted "$1" && head -60 "$d" | sed 's/^/    /'
	fi
	rm -f "$d"
}

t_summary() {
	if [ -n "${CASE:-}" ] && [ $((T_PASSED + T_FAILED + T_SKIPPED)) -eq 0 ]; then
		T_SECTION_ON=1
		t_fail "CASE='$CASE' matches no case of ${0#"$TOP"/}"
	fi
	if [ "$T_SKIPPED" -gt 0 ]; then
		echo "$T_PASSED passed, $T_FAILED failed, $T_SKIPPED skipped"
	else
		echo "$T_PASSED passed, $T_FAILED failed"
	fi
	[ "$T_FAILED" -eq 0 ]
}

# apt_mirror ARCHIVE: the URI of this machine's apt source for ARCHIVE ("debian" or
# "debian-security": a URI whose path ends in /ARCHIVE) of type deb, from
# $APT_SOURCES_DIR/sources.list and sources.list.d/*.list (one-line format) and
# sources.list.d/*.sources (deb822; "Enabled: no" stanzas skipped). APT_SOURCES_DIR defaults to
# /etc/apt. Prints nothing and says why on stderr (return 1) when there is none: the suites
# never guess a mirror's host.
apt_mirror() {
	local want=$1 dir=${APT_SOURCES_DIR:-/etc/apt} f uri=
	for f in "$dir"/sources.list "$dir"/sources.list.d/*.list "$dir"/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		case "$f" in
		*.sources) uri=$(awk -v want="$want" '
			function flush() {
				if (deb && on && !done)
					for (i = 1; i <= nu; i++)
						if (u[i] ~ "/" want "/?$") { print u[i]; done = 1; exit }
				deb = 0; on = 1; nu = 0
			}
			BEGIN { on = 1 }
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
			tolower($1) == "enabled:" { on = (tolower($2) != "no") }
			tolower($1) == "uris:" { for (i = 2; i <= NF; i++) u[++nu] = $i }
			END { flush() }' "$f") ;;
		*) uri=$(sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" | awk -v want="$want" \
			'$1 == "deb" && $2 ~ "/" want "/?$" { print $2; exit }') ;;
		esac
		if [ -n "$uri" ]; then echo "${uri%/}"; return 0; fi
	done
	echo "no '$want' archive among the deb sources in $dir/sources.list{,.d/*.list,.d/*.sources};" \
		"set ARMPY_TEST_MIRROR (and ARMPY_TEST_SECURITY) to a Debian mirror" >&2
	return 1
}
