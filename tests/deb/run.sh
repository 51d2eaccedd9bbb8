#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/deb/run.sh — the Debian package: `make deb` builds armpy_<version>_<arch>.deb (with
# DEB_BUILD_OPTIONS=nocheck: tests/arm64 builds it with its unit tests), lintian has no
# errors and only the warnings tests/deb/lintian-allowed.txt explains, the package holds what it
# must, installs with apt into a fresh Debian bookworm chroot and plans there from its own
# profiles; and the bash completion it ships completes commands, options, values and files.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-chroot.sh"
HERE=$TOP/tests/deb
T_OUT=$TOP/tests/out/deb
T_TIMEOUT=900
mkdir -p "$T_OUT"
rm -f "$T_OUT"/*.out "$T_OUT"/*.err
VERSION=$(cat "$TOP/VERSION")
ARCH=$(dpkg --print-architecture)
DEB=$TOP/dist/armpy_${VERSION}_${ARCH}.deb

for tool in dpkg-buildpackage dh lintian fakeroot; do
	if ! command -v "$tool" >/dev/null; then
		t_skip "deb: $tool is not installed (scripts/deps/test-deb.apt.txt)"; t_summary; exit
	fi
done

# 1. The build.
rm -f "$TOP"/dist/armpy_"${VERSION}"_*
s=$(date +%s)
# nocheck: the unit suite has run the unit tests on this machine already; tests/arm64 runs them in
# its package build (debian/rules' dh_auto_test).
t_logged "make deb builds the package ($ARCH)" build \
	env DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" make -C "$TOP" deb || { t_summary; exit; }
echo "     (make deb took $(( $(date +%s) - s ))s)"
if grep -q '^== unit/' "$T_OUT/build.out"; then
	t_fail "DEB_BUILD_OPTIONS=nocheck: the build ran the unit tests all the same"
else
	t_pass "DEB_BUILD_OPTIONS=nocheck: the build ran no unit test"
fi
if grep -E '(^|[^-])warning:' "$T_OUT/build.out" "$T_OUT/build.err" | grep -v dpkg >/dev/null; then
	t_fail "the package build has compiler warnings"
	grep -hE 'warning:' "$T_OUT/build.out" "$T_OUT/build.err" | head -5 | sed 's/^/    /'
else
	t_pass "the package build has no compiler warnings"
fi
[ -f "$DEB" ] && t_pass "dist/$(basename "$DEB") exists" || { t_fail "no $DEB"; t_summary; exit; }
if [ -z "$(git -C "$TOP" status --porcelain --untracked-files=no -- debian 2>/dev/null)" ] &&
	[ ! -e "$TOP/debian/armpy" ] && [ ! -e "$TOP/debian/.debhelper" ]; then
	t_pass "the build left the checkout's debian/ as it was"
else
	t_fail "the build wrote into the checkout's debian/"
fi

# 2. lintian: no errors; every warning explained.
logged lintian lintian --info --display-info "$TOP/dist/armpy_${VERSION}_${ARCH}.changes"
grep -E '^[EW]: ' "$T_OUT/lintian.out" | sed 's/^/     lintian: /'
if grep -q '^E: ' "$T_OUT/lintian.out"; then
	t_fail "lintian reports errors"
else
	t_pass "lintian: 0 errors"
fi
allowed=$(sed 's/#.*//' "$HERE/lintian-allowed.txt" | awk 'NF { print $1 }')
unexplained=$(grep '^W: ' "$T_OUT/lintian.out" | awk '{ print $3 }' | sort -u |
	grep -vxF "$allowed" || true)
if [ -z "$unexplained" ]; then
	t_pass "lintian: every warning is explained in tests/deb/lintian-allowed.txt"
else
	t_fail "lintian warnings with no reason in tests/deb/lintian-allowed.txt: $unexplained"
fi

# 3. The contents.
dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed 's|^\./|/|' >"$T_OUT/contents.out"
for f in /usr/bin/armpy /usr/share/armpy/armpy-probe.py /usr/share/man/man1/armpy.1.gz \
	/usr/share/bash-completion/completions/armpy /usr/share/doc/armpy/copyright; do
	if grep -qxF "$f" "$T_OUT/contents.out"; then t_pass "the package has $f"
	else t_fail "the package lacks $f"; fi
done
# The binary looks for its probe where the package puts it (ARMPY_DATADIR: built with PREFIX=/usr).
probe=$(dpkg-deb --fsys-tarfile "$DEB" | tar -xOf - ./usr/bin/armpy |
	grep -aoE '/[a-z/]*/armpy/armpy-probe\.py' | sort -u | tr '\n' ' ')
if [ "$probe" = "/usr/share/armpy/armpy-probe.py " ]; then
	t_pass "/usr/bin/armpy looks for its probe in /usr/share/armpy, where the package has it"
else
	t_fail "/usr/bin/armpy looks for its probe in: ${probe:-nowhere}"
fi
n=$(grep -c '^/usr/share/armpy/profiles/.*\.yaml$' "$T_OUT/contents.out")
want=$(ls "$TOP"/profiles/*.yaml | wc -l)
[ "$n" -eq "$want" ] && t_pass "the package has all $want example profiles" ||
	t_fail "the package has $n example profiles, the tree $want"
deps=$(dpkg-deb -f "$DEB" Depends)
for d in python3 libcurl4 libarchive13 libssl3 libyaml-0-2 libjansson4; do
	case ", $deps" in *", $d"[\ ,\|]*|*"| $d"[\ ,]*|*", $d") t_pass "Depends names $d (dlopen'd or linked)" ;;
	*) t_fail "Depends lacks $d: $deps" ;; esac
done

# 4. The bash completion, driven as bash-completion drives it.
comp=$T_OUT/completion
rm -rf "$comp"; mkdir -p "$comp/files/sub"
dpkg-deb -x "$DEB" "$comp/root"
: >"$comp/files/a.yaml"; : >"$comp/files/b.yml"; : >"$comp/files/c.txt"
complete_words() { # LINE: prints the candidates for the last word of LINE, sorted, one a line
	bash --norc --noprofile -c '
		shopt -s extglob progcomp
		. "$1"; cd "$2"
		read -ra COMP_WORDS <<<"$3"
		case $3 in *" ") COMP_WORDS+=("") ;; esac
		COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
		COMP_LINE=$3; COMP_POINT=${#3}
		_armpy armpy "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort' _ \
		"$comp/root/usr/share/bash-completion/completions/armpy" "$comp/files" "$1"
}
expect_completion() { # LINE EXPECTED...
	local line=$1 got want; shift
	got=$(complete_words "$line" | tr '\n' ' ' | sed 's/ $//')
	want=$(printf '%s\n' "$@" | sort | tr '\n' ' ' | sed 's/ $//')
	if [ "$got" = "$want" ]; then t_pass "completion of '$line': $got"
	else t_fail "completion of '$line': got '$got', want '$want'"; fi
}
expect_completion "armpy va" validate
expect_completion "armpy r" report resume run runs
expect_completion "armpy validate --expect " armpl blis mkl nvpl openblas reference
expect_completion "armpy validate --format " html text yaml
expect_completion "armpy gflops --format " html text yaml
expect_completion "armpy report --" --gflops --help --html
expect_completion "armpy --progress " json text
expect_completion "armpy --profile " a.yaml b.yml sub/
expect_completion "armpy run " a.yaml b.yml sub/
expect_completion "armpy validate --ex" --expect
# Every option --help names for a command is completed for it, and nothing more.
help_usage() { # CMD: the usage lines of CMD's --help ("": armpy's own), generated from its table
	"$ARMPY" ${1:+"$1"} --help 2>&1 | awk '/^usage:/,/^$/'
}
for cmd in "" detect plan run resume runs validate gflops; do
	help=$(help_usage "$cmd" |
		grep -oE '(^|[ [|])-(-[a-z][a-z-]*|o)' | sed 's/^[ [|]//' | sort -u)
	help=$(printf '%s\n' $help --help | sort -u | tr '\n' ' ' | sed 's/ $//')
	[ -z "$cmd" ] && help=$(printf '%s\n' $help --version | sort -u | tr '\n' ' ' | sed 's/ $//')
	got=$(complete_words "armpy ${cmd:+$cmd }-" | tr '\n' ' ' | sed 's/ $//')
	if [ "$got" = "$help" ]; then t_pass "completion of 'armpy ${cmd:-(headless)} -' matches its --help"
	else t_fail "completion of 'armpy ${cmd:-(headless)} -': '$got', --help names '$help'"; fi
done

# 5. Installed with apt into a fresh Debian bookworm, it plans from its own profiles.
if ! why_not=$(chroot_can_run "$ARCH"); then
	t_skip "install from the .deb (chroot): $why_not"; t_summary; exit
fi
# The e2e suite's base (minbase + python3), so that one cached tarball serves both suites.
chroot_setup "bookworm $ARCH minbase chroot" "$ARCH" python3 || { t_summary; exit; }
R=$CHROOT_ROOT
cp "$DEB" "$R/tmp/"
t_logged "apt-get install ./$(basename "$DEB") in the chroot" install \
	in_chroot "$R" sh -c 'apt-get update -q && apt-get install -y -q /tmp/'"$(basename "$DEB")"
t_logged "armpy --version (installed)" version in_chroot "$R" armpy --version
grep -qF "$VERSION" "$T_OUT/version.out" && t_pass "it says $VERSION" ||
	t_fail "armpy --version does not say $VERSION: $(cat "$T_OUT/version.out")"
for p in devkit-debian-system-blis devkit-debian-system-openblas; do
	t_logged "armpy --profile /usr/share/armpy/profiles/$p.yaml --dry-run (installed)" "dry-$p" \
		in_chroot "$R" armpy --profile "/usr/share/armpy/profiles/$p.yaml" --dry-run
	if python3 -c 'import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); assert d["steps"]' \
		"$T_OUT/dry-$p.out" 2>/dev/null; then t_pass "$p: the dry run prints a plan with steps"
	else t_fail "$p: no plan with steps on stdout"; why "dry-$p"; fi
done
t_logged "man armpy's page is installed where man finds it" man \
	in_chroot "$R" sh -c 'test -s /usr/share/man/man1/armpy.1.gz'
t_summary
