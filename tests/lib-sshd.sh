# SPDX-License-Identifier: MIT
# tests/lib-sshd.sh — real SSH hosts for the ssh/fleet suites: each a fresh Debian bookworm root
# from the suite's cached chroots, running Debian's own sshd on 127.0.0.1 with its own port, all in
# the machine's network namespace. Source it after tests/lib.sh (it sources tests/lib-chroot.sh
# when that is not loaded yet). Needs root, like the chroots.
#
#   sshd_key                         the client key pair, generated once per test run (ssh-keygen,
#                                    ed25519) under $T_OUT/ssh/ (tests/out/ssh/ without T_OUT);
#                                    sets SSHD_KEY (the private key's path)
#   sshd_host_up NAME PORT [PKG...]  a fresh root from the cached tarball of
#                                    "openssh-server python3 <armpy's runtime libraries> PKG...",
#                                    root's authorized_keys = the key, fresh host keys, /proc and a
#                                    private /dev/pts mounted, its own apt archive (an overlay on
#                                    the shared cache: hosts run apt at once without waiting for
#                                    each other's lock; what they download is added to the cache
#                                    when they go down), `sshd -D -p PORT` started (pidfile
#                                    /run/sshd.pid in the root); returns when `ssh_to NAME true`
#                                    works. NAME is [A-Za-z0-9_]+. Prints nothing on stdout; sets
#                                    SSHD_ROOT_<NAME> (the root's path) and SSHD_PORT_<NAME>.
#                                    Not in $(...): the root must be registered in this shell.
#   sshd_host_down NAME              kills every process whose root is that host's (sshd, its
#                                    sessions, what they started), then chroot_destroy
#   sshd_root NAME / sshd_port NAME  print SSHD_ROOT_<NAME> / SSHD_PORT_<NAME>
#   ssh_to NAME CMD...               runs CMD there as root (key, port, no host key checks, batch
#                                    mode); extra ssh options in SSH_TO_OPTS, split on blanks
#                                    (SSH_TO_OPTS=-tt ssh_to NAME CMD... for a terminal)
#   sshd_inventory FILE NAME...      an Ansible INI inventory of those hosts (group [armpy])
#   sshd_install_armpy NAME          copies the built $ARMPY and scripts/armpy-probe.py where
#                                    `make install` puts them (/usr/local/bin/armpy,
#                                    /usr/local/share/armpy/armpy-probe.py)
#   sshd_host_pids NAME              the pids of every process running inside that host's root
# The EXIT/INT/TERM/HUP traps stop every host's processes, then destroy every chroot. A caller
# that sets its own EXIT trap must call sshd_down_all (then chroot_destroy_all) in it.

declare -F chroot_new >/dev/null || . "$(dirname "${BASH_SOURCE[0]}")/lib-chroot.sh"

SSHD_ARCH=${SSHD_ARCH:-$(dpkg --print-architecture)}
# What a host has besides minbase: sshd, python3 (Ansible's modules and armpy's probe run on
# it), and the shared libraries a built armpy links (ncurses/tinfo are in minbase).
SSHD_PKGS=(openssh-server python3 libyaml-0-2 libjansson4)
SSHD_NAMES=()
SSHD_KEY=
SSH_TO_OPTS=

sshd_dir() { echo "${T_OUT:-$TOP/tests/out}/ssh"; }

sshd_key() {
	local dir
	[ -n "$SSHD_KEY" ] && [ -f "$SSHD_KEY" ] && return 0
	dir=$(sshd_dir)
	mkdir -p "$dir" && chmod 0700 "$dir" || return 1
	rm -f "$dir/id_ed25519" "$dir/id_ed25519.pub"
	ssh-keygen -q -t ed25519 -N '' -C armpy-test -f "$dir/id_ed25519" </dev/null >&2 || return 1
	SSHD_KEY=$dir/id_ed25519
}

sshd_name_ok() { # NAME
	[[ "$1" =~ ^[A-Za-z0-9_]+$ ]] || { chroot_log "sshd: bad host name '$1'"; return 1; }
}

sshd_root() { local v="SSHD_ROOT_$1"; echo "${!v:-}"; }
sshd_port() { local v="SSHD_PORT_$1"; echo "${!v:-}"; }

# sshd_host_pids NAME: every process whose root directory is the host's root.
sshd_host_pids() {
	local root p r
	root=$(sshd_root "$1")
	[ -n "$root" ] || return 0
	root=$(realpath "$root" 2>/dev/null) || return 0
	for p in /proc/[0-9]*; do
		r=$(readlink "$p/root" 2>/dev/null) || continue
		[ "$r" = "$root" ] || [ "$r" = "$root (deleted)" ] && echo "${p#/proc/}"
	done
}

# The root's sshd setup: host keys of its own, root's key, privilege separation directory.
sshd_prepare() { # ROOT
	local root=$1
	rm -f "$root"/etc/ssh/ssh_host_*
	ssh-keygen -q -t ed25519 -N '' -C "$(basename "$(dirname "$root")")" \
		-f "$root/etc/ssh/ssh_host_ed25519_key" </dev/null >&2 || return 1
	install -d -m 0700 "$root/root/.ssh" &&
		install -m 0600 "$SSHD_KEY.pub" "$root/root/.ssh/authorized_keys" &&
		install -d -m 0755 "$root/run/sshd" || return 1
	# The hosts are loopback test machines: no DNS lookups of the client.
	printf 'UseDNS no\nPrintMotd no\n' >"$root/etc/ssh/sshd_config.d/armpy-test.conf"
}

# The host's apt archive: an overlay on the shared cache, so hosts running apt at the same time
# do not fight over its lock (apt does not wait for it), and the .debs it downloads are its own
# until sshd_host_down gives them to the shared cache.
sshd_apt_overlay() { # ROOT
	local root=$1 work cache=$CHROOT_CACHE/apt-$SSHD_ARCH
	work=$(dirname "$root")
	mkdir -p "$work/apt-upper" "$work/apt-work" || return 1
	if mountpoint -q "$root/var/cache/apt/archives"; then
		umount "$root/var/cache/apt/archives" || return 1
	fi
	mount -t overlay overlay \
		-o "lowerdir=$cache,upperdir=$work/apt-upper,workdir=$work/apt-work" \
		"$root/var/cache/apt/archives"
}

# The .debs a host downloaded go to the shared cache (each by rename: no torn file there).
sshd_apt_harvest() { # ROOT
	local up deb cache=$CHROOT_CACHE/apt-$SSHD_ARCH
	up=$(dirname "$1")/apt-upper
	for deb in "$up"/*.deb; do
		[ -f "$deb" ] && [ ! -e "$cache/${deb##*/}" ] || continue
		cp "$deb" "$cache/.${deb##*/}.part" && mv "$cache/.${deb##*/}.part" "$cache/${deb##*/}"
	done
}

sshd_mount() { # ROOT: /proc for the host's lifetime, and a private devpts for ssh -tt
	chroot_mount_proc "$1" || return 1
	mountpoint -q "$1/dev/pts" ||
		mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts "$1/dev/pts" || return 1
	# /dev/ptmx is the character device (5,2): it opens the devpts mounted beside it.
}

# The cached tarball; a cold build retried twice: another suite's chroot apt may hold the
# shared archive cache's lock for a while (apt does not wait for it). CHROOT_DIRS is emptied
# for chroot_tarball: its subshell's EXIT trap would destroy the hosts already up.
sshd_tarball() { # PKG...
	local i
	for i in 1 2 3; do
		(CHROOT_DIRS=(); chroot_tarball "$SSHD_ARCH" bookworm "${SSHD_PKGS[@]}" "$@") && return 0
		[ $i -lt 3 ] && { chroot_log "sshd: preparing the host tarball failed; retrying in 30s"; sleep 30; }
	done
	return 1
}

sshd_host_up() {
	local name=$1 port=$2 tarball root i log; shift 2
	sshd_name_ok "$name" || return 1
	sshd_key || return 1
	tarball=$(sshd_tarball "$@") || return 1
	chroot_new "$tarball" "$SSHD_ARCH" || return 1
	root=$CHROOT_ROOT
	printf -v "SSHD_ROOT_$name" '%s' "$root"
	printf -v "SSHD_PORT_$name" '%s' "$port"
	SSHD_NAMES+=("$name")
	sshd_prepare "$root" && sshd_mount "$root" && sshd_apt_overlay "$root" || return 1
	log=$(sshd_dir)/$name-sshd.log
	# setsid: the sshd is nobody's job here; its sessions are found by their root when it goes.
	setsid chroot "$root" /usr/bin/env -i PATH=$CHROOT_PATH LANG=C.UTF-8 \
		/usr/sbin/sshd -D -e -p "$port" -o ListenAddress=127.0.0.1 -o PidFile=/run/sshd.pid \
		</dev/null >"$log" 2>&1 &
	disown
	for i in $(seq 1 100); do
		if ssh_to "$name" true </dev/null >/dev/null 2>&1; then return 0; fi
		if [ -z "$(sshd_host_pids "$name")" ]; then
			chroot_log "sshd: $name's sshd exited:"; sed 's/^/     | /' "$log" >&2; return 1
		fi
		sleep 0.1
	done
	chroot_log "sshd: $name does not answer on port $port:"; sed 's/^/     | /' "$log" >&2
	return 1
}

# sshd_kill NAME...: SIGKILL to every process inside those hosts' roots until none is left.
sshd_kill() {
	local n pids i
	for i in $(seq 1 20); do
		pids=$(for n in "$@"; do sshd_host_pids "$n"; done)
		[ -n "$pids" ] || return 0
		# shellcheck disable=SC2086
		kill -9 $pids 2>/dev/null
		sleep 0.1
	done
	chroot_log "sshd: processes remain in the roots of $*"
	return 1
}

sshd_host_down() {
	local name=$1 root
	root=$(sshd_root "$name")
	[ -n "$root" ] || return 0
	sshd_kill "$name"
	sshd_apt_harvest "$root"
	chroot_destroy "$(dirname "$root")" || return 1
	printf -v "SSHD_ROOT_$name" '%s' ""
}

# Every host's processes first (no sshd outlives the run by a slow delete), then the roots.
sshd_down_all() {
	local n
	sshd_kill "${SSHD_NAMES[@]}"
	for n in "${SSHD_NAMES[@]}"; do sshd_host_down "$n"; done
	SSHD_NAMES=()
}

# shellcheck disable=SC2086
ssh_to() {
	local name=$1 port; shift
	port=$(sshd_port "$name")
	[ -n "$port" ] && [ -n "$SSHD_KEY" ] || { chroot_log "ssh_to: no host $name"; return 255; }
	ssh -i "$SSHD_KEY" -p "$port" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o BatchMode=yes -o LogLevel=ERROR -o ConnectTimeout=10 $SSH_TO_OPTS \
		root@127.0.0.1 "$@"
}

sshd_inventory() {
	local file=$1 n; shift
	{
		echo "[armpy]"
		for n in "$@"; do
			printf '%s ansible_host=127.0.0.1 ansible_port=%s ansible_user=root' "$n" "$(sshd_port "$n")"
			printf ' ansible_ssh_private_key_file=%s' "$SSHD_KEY"
			printf " ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'"
			printf ' ansible_python_interpreter=/usr/bin/python3\n'
		done
	} >"$file"
}

sshd_install_armpy() {
	local root
	root=$(sshd_root "$1")
	[ -n "$root" ] || { chroot_log "sshd_install_armpy: no host $1"; return 1; }
	install -D -m 0755 "$ARMPY" "$root/usr/local/bin/armpy" &&
		install -D -m 0644 "$TOP/scripts/armpy-probe.py" "$root/usr/local/share/armpy/armpy-probe.py"
}

trap 'sshd_down_all; chroot_destroy_all' EXIT
trap 'sshd_down_all; chroot_destroy_all; exit 130' INT TERM HUP
