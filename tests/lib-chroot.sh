# SPDX-License-Identifier: MIT
# tests/lib-chroot.sh — real Debian chroots for the e2e/arm64/slow suites: cached debootstrap
# tarballs, fresh unpacks under /var/tmp, a persistent apt archive cache, and mounts that are
# always undone (trap). Source it after tests/lib.sh.
#
#   tar=$(chroot_tarball ARCH SUITE PKG...)   build (or reuse) the prepared tarball, print its path
#   chroot_new TARBALL ARCH                   unpack it fresh (root in $CHROOT_ROOT); bind the
#                                             apt archive cache into it (not in $(...): the
#                                             directory must be registered in this shell)
#   in_chroot DIR CMD...                      run CMD inside with /proc mounted (unmounted after)
#   chroot_mounts DIR                         list mount points under DIR (deepest first)
#   chroot_destroy DIR                        unmount everything under DIR, then delete it
# chroot_new registers every directory for chroot_destroy_all, which the EXIT trap runs.

CHROOT_CACHE=${ARMPY_TEST_CACHE:-/var/cache/armpy-test}
# The Debian archive and its security archive: this machine's own apt sources (apt_mirror in
# tests/lib.sh), unless ARMPY_TEST_MIRROR / ARMPY_TEST_SECURITY name them.
CHROOT_MIRROR=${ARMPY_TEST_MIRROR:-$(apt_mirror debian)}
CHROOT_SECURITY=${ARMPY_TEST_SECURITY:-$(apt_mirror debian-security 2>/dev/null)}
CHROOT_TMP=${ARMPY_TEST_TMP:-/var/tmp}
# The archive components a chroot's sources enable (the vendor suite's MKL needs non-free).
CHROOT_COMPONENTS=${CHROOT_COMPONENTS:-main}
# Bump when the preparation recipe below changes, so cached tarballs are rebuilt.
CHROOT_RECIPE=3
CHROOT_DIRS=()
CHROOT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

chroot_log() { printf '     %s\n' "$*" >&2; }

# chroot_can_run ARCH: prints why chroots cannot run here (and returns 1), for a clear skip.
chroot_can_run() {
	local arch=$1
	if [ "$(id -u)" -ne 0 ]; then echo "needs root (debootstrap, chroot, mount)"; return 1; fi
	if [ -z "$CHROOT_MIRROR" ]; then
		echo "no Debian mirror in this machine's apt sources; set ARMPY_TEST_MIRROR"; return 1
	fi
	if ! command -v debootstrap >/dev/null; then echo "debootstrap is not installed"; return 1; fi
	if ! command -v zstd >/dev/null; then echo "zstd is not installed"; return 1; fi
	if [ "$arch" = "$(dpkg --print-architecture)" ]; then return 0; fi
	case "$arch" in arm64) ;; *) echo "no emulation set up for $arch"; return 1 ;; esac
	if ! mountpoint -q /proc/sys/fs/binfmt_misc; then
		mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null ||
		{ echo "cannot mount binfmt_misc"; return 1; }
	fi
	if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] && command -v update-binfmts >/dev/null; then
		update-binfmts --enable qemu-aarch64 >/dev/null 2>&1
	fi
	if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
		echo "qemu-aarch64 binfmt is not registered (install qemu-user-static binfmt-support)"
		return 1
	fi
	if ! grep -q '^flags:.*F' /proc/sys/fs/binfmt_misc/qemu-aarch64; then
		echo "qemu-aarch64 binfmt lacks the F flag (chroots cannot find the interpreter)"
		return 1
	fi
	if ! grep -q '^enabled' /proc/sys/fs/binfmt_misc/qemu-aarch64; then
		echo "qemu-aarch64 binfmt is disabled"; return 1
	fi
}

# chroot_mounts DIR: every mount point at or under DIR, deepest first.
chroot_mounts() {
	local d
	d=$(realpath "$1")
	awk -v d="$d" '{
		p = $5; gsub(/\\040/, " ", p)
		if (p == d || index(p, d "/") == 1) print length(p) " " p
	}' /proc/self/mountinfo | sort -rn | cut -d' ' -f2-
}

chroot_umount_all() {
	local m tries
	for tries in 1 2 3; do
		[ -z "$(chroot_mounts "$1")" ] && return 0
		while IFS= read -r m; do
			[ -n "$m" ] || continue
			umount "$m" 2>/dev/null || { [ "$tries" -eq 3 ] && umount -l "$m" 2>/dev/null; }
		done < <(chroot_mounts "$1")
	done
	[ -z "$(chroot_mounts "$1")" ]
}

# chroot_destroy DIR: never deletes while anything is still mounted below it.
chroot_destroy() {
	local top=$1
	[ -n "$top" ] && [ -d "$top" ] || return 0
	if ! chroot_umount_all "$top"; then
		chroot_log "chroot: mounts remain under $top; not deleting it:"
		chroot_mounts "$top" >&2
		return 1
	fi
	rm -rf --one-file-system "$top"
}

chroot_destroy_all() {
	local d
	for d in "${CHROOT_DIRS[@]}"; do chroot_destroy "$d"; done
	CHROOT_DIRS=()
}

# Leftovers of killed runs: /var/tmp/armpy-chroot.* whose owner process is gone.
chroot_reap_stale() {
	local d pid
	for d in "$CHROOT_TMP"/armpy-chroot.* "$CHROOT_TMP"/armpy-build.*; do
		[ -d "$d" ] || continue
		pid=$(cat "$d/owner" 2>/dev/null || echo)
		if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then continue; fi
		chroot_log "chroot: removing stale $d"
		chroot_destroy "$d"
	done
}

chroot_mount_proc() { # ROOT
	mountpoint -q "$1/proc" || mount -t proc proc "$1/proc"
}

# Binds the persistent apt archive cache of ARCH into ROOT (apt still really installs).
chroot_bind_apt() { # ROOT ARCH
	local cache=$CHROOT_CACHE/apt-$2
	mkdir -p "$cache/partial" "$1/var/cache/apt/archives"
	mountpoint -q "$1/var/cache/apt/archives" ||
		mount --bind "$cache" "$1/var/cache/apt/archives"
}

# The chroot's apt configuration: the suite, -updates and -security (when the machine has a
# security source), no Valid-Until check.
chroot_configure() { # ROOT SUITE
	local root=$1 suite=$2
	cat >"$root/etc/apt/sources.list" <<EOF
deb $CHROOT_MIRROR $suite $CHROOT_COMPONENTS
deb $CHROOT_MIRROR $suite-updates $CHROOT_COMPONENTS
${CHROOT_SECURITY:+deb $CHROOT_SECURITY $suite-security $CHROOT_COMPONENTS}
EOF
	cat >"$root/etc/apt/apt.conf.d/99armpy-test" <<'EOF'
Acquire::Check-Valid-Until "false";
Acquire::Retries "3";
APT::Install-Recommends "false";
APT::Keep-Downloaded-Packages "true";
EOF
	# No daemons start inside a test chroot.
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 0755 "$root/usr/sbin/policy-rc.d"
	chroot_resolv "$root"
}

chroot_resolv() { # ROOT
	rm -f "$1/etc/resolv.conf"
	cp -L /etc/resolv.conf "$1/etc/resolv.conf" 2>/dev/null || true
}

chroot_key() { # ARCH SUITE PKG...
	local arch=$1 suite=$2; shift 2
	{ echo "recipe $CHROOT_RECIPE $arch $suite $CHROOT_MIRROR"
	  [ "$CHROOT_COMPONENTS" = main ] || echo "components $CHROOT_COMPONENTS"
	  printf '%s\n' "$@" | sort -u; } |
		sha256sum | cut -c1-16
}

chroot_build() { # ARCH SUITE OUT PKG...
	local arch=$1 suite=$2 out=$3; shift 3
	local work root rc=0 t0
	t0=$(date +%s)
	work=$(mktemp -d "$CHROOT_TMP/armpy-build.XXXXXX")
	echo $$ >"$work/owner"
	CHROOT_DIRS+=("$work")
	root=$work/root
	mkdir -p "$CHROOT_CACHE/debootstrap-$arch"
	chroot_log "chroot: debootstrap $suite $arch (cold cache; a few minutes)"
	if ! debootstrap --variant=minbase --arch="$arch" --cache-dir="$CHROOT_CACHE/debootstrap-$arch" \
	    "$suite" "$root" "$CHROOT_MIRROR" >"$work/debootstrap.log" 2>&1; then
		tail -20 "$work/debootstrap.log" | sed 's/^/     | /' >&2
		[ -f "$root/debootstrap/debootstrap.log" ] && tail -20 "$root/debootstrap/debootstrap.log" | sed 's/^/     | /' >&2
		chroot_destroy "$work"; return 1
	fi
	chroot_configure "$root" "$suite"
	chroot_mount_proc "$root" && chroot_bind_apt "$root" "$arch" || rc=1
	if [ $rc -eq 0 ]; then
		chroot_log "chroot: apt-get install ${*:-(nothing)}"
		# The archive cache is shared with other suites' chroots: while one of them holds its
		# lock, wait and try again (up to 10 minutes) rather than fail.
		local try
		for try in $(seq 20); do
			rc=0
			{
				chroot "$root" /usr/bin/env -i PATH=$CHROOT_PATH DEBIAN_FRONTEND=noninteractive \
					apt-get update -q &&
				chroot "$root" /usr/bin/env -i PATH=$CHROOT_PATH DEBIAN_FRONTEND=noninteractive \
					apt-get dist-upgrade -y -q &&
				{ [ $# -eq 0 ] || chroot "$root" /usr/bin/env -i PATH=$CHROOT_PATH \
					DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"; }
			} >"$work/apt.log" 2>&1 || rc=1
			[ $rc -eq 1 ] && grep -q 'Could not get lock /var/cache/apt/archives' "$work/apt.log" ||
				break
			sleep 30
		done
		[ $rc -eq 0 ] || tail -30 "$work/apt.log" | sed 's/^/     | /' >&2
	fi
	chroot_umount_all "$root" || rc=1
	if [ $rc -eq 0 ]; then
		rm -f "$root/etc/resolv.conf"
		tar --zstd --numeric-owner -cpf "$out.part" -C "$root" \
			--exclude=./proc/* --exclude=./sys/* --exclude=./var/cache/apt/archives/* . &&
			mv "$out.part" "$out" || { rc=1; rm -f "$out.part"; }
	fi
	chroot_destroy "$work"
	if [ $rc -eq 0 ]; then
		chroot_log "chroot: prepared $(basename "$out") in $(( $(date +%s) - t0 ))s"
	fi
	return $rc
}

# chroot_tarball ARCH SUITE PKG...: the cached prepared chroot, built once per package list.
chroot_tarball() {
	local arch=$1 suite=$2; shift 2
	local key out
	mkdir -p "$CHROOT_CACHE"
	chroot_reap_stale
	key=$(chroot_key "$arch" "$suite" "$@")
	out=$CHROOT_CACHE/chroot-$arch-$suite-$key.tar.zst
	(
		# Only what this subshell builds: the caller's chroots (sshd hosts up) are not its own.
		CHROOT_DIRS=()
		trap 'chroot_destroy_all' EXIT
		flock 9
		[ -s "$out" ] || chroot_build "$arch" "$suite" "$out" "$@"
	) 9>"$out.lock" || return 1
	touch "$out"
	# Tarballs of package lists nobody used for 30 days (the lists changed) go.
	find "$CHROOT_CACHE" -maxdepth 1 -name 'chroot-*.tar.zst' -mtime +30 -delete 2>/dev/null
	echo "$out"
}

# chroot_new TARBALL ARCH: a fresh unpacked chroot in $CHROOT_ROOT, with the apt cache bound.
chroot_new() {
	local tarball=$1 arch=$2 work
	CHROOT_ROOT=
	work=$(mktemp -d "$CHROOT_TMP/armpy-chroot.XXXXXX") || return 1
	echo $$ >"$work/owner"
	CHROOT_DIRS+=("$work")
	mkdir "$work/root"
	tar --zstd --numeric-owner -xpf "$tarball" -C "$work/root" || return 1
	chroot_resolv "$work/root"
	chroot_bind_apt "$work/root" "$arch" || return 1
	CHROOT_ROOT=$work/root
}

# in_chroot ROOT CMD...: a clean environment, /proc mounted for the command only (unless it
# was mounted before).
in_chroot() {
	local root=$1 had=1 rc; shift
	mountpoint -q "$root/proc" || { had=0; mount -t proc proc "$root/proc" || return 1; }
	timeout --kill-after=30 "${T_TIMEOUT:-1800}" \
		chroot "$root" /usr/bin/env -i PATH=$CHROOT_PATH HOME=/root LANG=C.UTF-8 TERM=dumb "$@"
	rc=$?
	[ $had -eq 1 ] || umount "$root/proc" || umount -l "$root/proc"
	return $rc
}

# The mounts under ROOT other than the apt cache bind: what a command left behind.
chroot_stray_mounts() { # ROOT
	chroot_mounts "$1" | grep -vx "$(realpath "$1")/var/cache/apt/archives"
}

trap 'chroot_destroy_all' EXIT
trap 'chroot_destroy_all; exit 130' INT TERM HUP

# logged NAME CMD...: runs CMD with stdout in $T_OUT/NAME.out and stderr in $T_OUT/NAME.err
# (bounded by $T_TIMEOUT seconds, default 1800); returns its status.
logged() {
	local name=$1; shift
	if declare -F "$1" >/dev/null; then   # a shell function (in_chroot) bounds itself
		"$@" >"$T_OUT/$name.out" 2>"$T_OUT/$name.err"
	else
		timeout --kill-after=30 "${T_TIMEOUT:-1800}" "$@" >"$T_OUT/$name.out" 2>"$T_OUT/$name.err"
	fi
}

# why NAME: the tail of a logged command's output, indented; says so when a placeholder
# answered ("not built yet"), because then the test fails for that reason.
why() {
	local name=$1
	if grep -qs 'not built yet' "$T_OUT/$name.err" "$T_OUT/$name.out"; then
		echo "    (the armpy command is still a placeholder: 'not built yet')"
	fi
	{ tail -n "${2:-15}" "$T_OUT/$name.err"; tail -n "${2:-15}" "$T_OUT/$name.out"; } 2>/dev/null |
		sed 's/^/    | /'
}

# t_logged TESTNAME LOGNAME CMD...: passes when CMD exits 0, else fails with why().
t_logged() {
	local tn=$1 ln=$2 rc=0; shift 2
	logged "$ln" "$@" || rc=$?
	if [ "$rc" -eq 0 ]; then t_pass "$tn"; return 0; fi
	t_fail "$tn (exit $rc)"; why "$ln"; return 1
}

# chroot_setup_arm64_build DESC: the arm64 chroot with what building and unit-testing armpy
# needs (the project's own lists: the cache key follows them), python3, and what `make deb`
# needs; never python3-scipy (pythran, g++, boost: ~600 MB). The arm64 suite builds in it and
# the bundle suite installs into it: one cached tarball, built once under qemu-user.
chroot_setup_arm64_build() {
	local pkgs
	pkgs=$(sed 's/#.*//' "$TOP/scripts/deps/build.apt.txt" "$TOP/scripts/deps/test.apt.txt" |
		tr -s ' \t' '\n' | grep -v '^$' | sort -u)
	# shellcheck disable=SC2086
	chroot_setup "$1" arm64 $pkgs python3 debhelper dpkg-dev fakeroot
}

# chroot_setup DESC ARCH PKG...: the cached tarball (CHROOT_TARBALL) unpacked fresh
# (CHROOT_ROOT), reported as one test case; returns 1 (after t_fail) when that fails.
chroot_setup() {
	local desc=$1 arch=$2 s; shift 2
	s=$(date +%s)
	if ! CHROOT_TARBALL=$(chroot_tarball "$arch" bookworm "$@"); then
		t_fail "$desc could not be prepared"; return 1
	fi
	if ! chroot_new "$CHROOT_TARBALL" "$arch"; then
		t_fail "unpacking $CHROOT_TARBALL"; return 1
	fi
	t_pass "$desc ready ($(( $(date +%s) - s ))s): $CHROOT_ROOT"
}

# expect_blas LIB MESSAGE: /usr/lib/$TRIPLET/libblas.so.3 in $R resolves into LIB's directory.
expect_blas() {
	local t
	t=$(in_chroot "$R" readlink -f "/usr/lib/$TRIPLET/libblas.so.3")
	if [[ "$t" == /usr/lib/$TRIPLET/$1-*/libblas.so.3 ]]; then t_pass "$2: $t"
	else t_fail "$2: libblas.so.3 resolves to '${t:-nothing}', not /usr/lib/$TRIPLET/$1-*/"; fi
}

# blis_says ROOT TRIPLET: what the BLIS behind ROOT's libblas.so.3 says about this CPU, asked
# inside the chroot by tests/e2e/blisarch.py (ctypes), independently of armpy, with the machine's
# BLIS_ARCH_TYPE when it sets one (armpy's probe gets it too). Sets BLIS_WORD (the kernel set it
# selects) and BLIS_KNOWN (the sub-configurations it can name); returns 1 when it cannot tell.
blis_says() {
	local root=$1 triplet=$2 dir out
	BLIS_WORD= BLIS_KNOWN=
	dir=$(dirname "$(in_chroot "$root" readlink -f "/usr/lib/$triplet/libblas.so.3")")
	out=$(in_chroot "$root" env ${BLIS_ARCH_TYPE+"BLIS_ARCH_TYPE=$BLIS_ARCH_TYPE"} \
		python3 - "$dir/libblis.so.4" <"$TOP/tests/e2e/blisarch.py") || return 1
	BLIS_WORD=$(sed -n 1p <<<"$out")
	BLIS_KNOWN=$(sed -n 2p <<<"$out")
	[ -n "$BLIS_WORD" ]
}
