#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/facts/run.sh — the suites' Debian mirror comes from the machine's apt sources
# (tests/lib.sh apt_mirror): both formats of sources.list(5), disabled and deb-src entries
# skipped, and a clear failure when there is none; then this machine's own sources.
set -u
. "$(dirname "$0")/../lib.sh"
FIX=$TOP/tests/fixtures/apt

# mirror_is NAME DIR ARCHIVE WANT: apt_mirror ARCHIVE with APT_SOURCES_DIR=DIR prints WANT.
mirror_is() {
	local got
	got=$(APT_SOURCES_DIR=$2 apt_mirror "$3" 2>/dev/null)
	if [ "$got" = "$4" ]; then t_pass "$1"; else t_fail "$1: got '$got', want '$4'"; fi
}

mirror_is "one-line: the deb line with options, not deb-src nor a comment" "$FIX/oneline" \
	debian http://mirror.example.org/debian
mirror_is "one-line: the security archive" "$FIX/oneline" debian-security \
	http://security.example.org/debian-security
mirror_is "deb822: not the disabled stanza nor deb-src, the URI that is Debian's" \
	"$FIX/deb822" debian http://mirror.example.net/debian
mirror_is "deb822: the security archive" "$FIX/deb822" debian-security \
	http://mirror.example.net/debian-security
if out=$(APT_SOURCES_DIR=$FIX/none apt_mirror debian 2>&1); then
	t_fail "no Debian source: apt_mirror succeeded ($out)"
else
	case "$out" in
	*"no 'debian' archive"*ARMPY_TEST_MIRROR*) t_pass "no Debian source: fails, saying how to set one" ;;
	*) t_fail "no Debian source: unclear message: $out" ;;
	esac
fi
if m=$(apt_mirror debian); then
	t_check "this machine: a Debian archive URI ($m)" test -n "$m"
else
	t_skip "this machine has no Debian apt source"
fi
t_summary
