# SPDX-License-Identifier: MIT
# tests/lib.sh — helpers for shell test suites: pass/fail/skip counters and the summary line.
# Source it, call t_pass/t_fail/t_skip per case, and end with t_summary (exit status = failures).
T_PASSED=0
T_FAILED=0
T_SKIPPED=0
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ARMPY=${ARMPY:-$TOP/armpy}
export ARMPY_TODAY=${ARMPY_TODAY:-2026-11-25}

t_pass() { T_PASSED=$((T_PASSED + 1)); printf 'ok   %s\n' "$*"; }
t_fail() { T_FAILED=$((T_FAILED + 1)); printf 'FAIL %s\n' "$*"; }
t_skip() { T_SKIPPED=$((T_SKIPPED + 1)); printf 'skip %s\n' "$*"; }

# t_check NAME COMMAND...: passes when the command exits 0.
t_check() {
	local name=$1; shift
	if "$@"; then t_pass "$name"; else t_fail "$name"; fi
}

# t_diff NAME EXPECTED_FILE ACTUAL_FILE: passes when equal, else shows a unified diff.
t_diff() {
	if diff -u "$2" "$3" >/tmp/armpy-t-diff.$$ 2>&1; then
		t_pass "$1"
	else
		t_fail "$1"
		head -60 /tmp/armpy-t-diff.$$ | sed 's/^/    /'
	fi
	rm -f /tmp/armpy-t-diff.$$
}

t_summary() {
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
