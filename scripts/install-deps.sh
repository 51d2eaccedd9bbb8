#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# install-deps.sh — installs what armpy needs to build (build) or to test (test) and is missing.
# Package lists live in scripts/deps/<what>.<packager>.txt (one package per line, # comments);
# every test-*.apt.txt file is part of "test".
set -euo pipefail

what=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
case "$what" in
build|test) ;;
*) echo "usage: $0 [build|test]" >&2; exit 2 ;;
esac

if [ -r /etc/os-release ]; then . /etc/os-release; fi
family="${ID:-unknown} ${ID_LIKE:-}"

lists() { # packager
	local p=$1
	cat "$here/deps/build.$p.txt"
	if [ "$what" = test ]; then
		for f in "$here"/deps/test*."$p".txt; do [ -e "$f" ] && cat "$f"; done
	fi
}
pkgs() { lists "$1" | sed 's/#.*//' | tr -s ' \t' '\n' | grep -v '^$' | sort -u; }

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"
	elif command -v sudo >/dev/null; then sudo "$@"
	else echo "install-deps: need root (or sudo) to run: $*" >&2; exit 1
	fi
}

case "$family" in
*debian*|*ubuntu*)
	missing=()
	for p in $(pkgs apt); do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		echo "install-deps: installing (${what}): ${missing[*]}"
		export DEBIAN_FRONTEND=noninteractive
		as_root apt-get update -q
		as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
	fi ;;
*rhel*|*fedora*|*centos*)
	pm=dnf; command -v dnf >/dev/null || pm=yum
	if [ "$what" = test ]; then
		echo "install-deps: the test suite needs Debian or Ubuntu (debootstrap, apt chroots); building only" >&2
	fi
	missing=()
	for p in $(lists dnf | sed 's/#.*//' | tr -s ' \t' '\n' | grep -v '^$' | sort -u); do
		rpm -q "$p" >/dev/null 2>&1 || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		echo "install-deps: installing: ${missing[*]}"
		as_root "$pm" install -y "${missing[@]}"
	fi ;;
*)
	echo "install-deps: don't know how to install packages on '${PRETTY_NAME:-this system}'." >&2
	echo "Install by hand: a C11 compiler, make, pkg-config and the development files of" >&2
	echo "ncursesw, libyaml, libcurl, libarchive, OpenSSL (libcrypto) and jansson." >&2
	exit 1 ;;
esac
