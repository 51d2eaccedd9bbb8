# SPDX-License-Identifier: MIT
# tests/fleet/hosts.sh — fleet hosts for tests/fleet and bench/fleet.sh, on tests/lib-sshd.sh.
# Source it after tests/lib.sh (it sources tests/lib-sshd.sh).
#
#   fleet_hosts_up NAME...   each NAME an sshd host (its own free port on 127.0.0.1) with
#                            FLEET_PKGS and an apt archive cache of its own; returns 1 on failure
#   fleet_play NAME INVENTORY ARGS...
#                            ansible-playbook ansible/site.yml from the repository root, as a
#                            user types it (logged as NAME: $T_OUT/NAME.out, .err)
#   fleet_air_up NAME        an sshd host like those, but without network: a network namespace
#                            with only loopback (held by a process inside the root), its sshd
#                            started in it per connection (sshd -i) by the client's ProxyCommand
#                            (FLEET_PROXY_<NAME>, a script beside the ssh key), its TCP sshd
#                            stopped, and an empty apt archive cache of its own
#   air_ssh NAME CMD...      ssh_to for such a host
#   fleet_air_inventory FILE NAME
#                            an Ansible inventory of that host, reached through its ProxyCommand
. "$TOP/tests/lib-sshd.sh"

# Besides lib-sshd's base: python3-apt (Ansible's apt module and its check mode need it) and the
# libraries armpy loads on first use, so site.yml's package task finds everything installed and
# a broken mirror is met by armpy's own apt steps.
FLEET_PKGS=(python3-apt libcurl4 libarchive13 libssl3)

fleet_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Real machines do not share /var/cache/apt/archives: lib-chroot binds one cache into every
# root, and apt-get in two hosts at once then fails on its lock. Each host gets a persistent one.
fleet_own_cache() { # NAME
	local r
	r=$(sshd_root "$1")
	mkdir -p "$CHROOT_CACHE/fleet/apt-$1/partial" || return 1
	umount "$r/var/cache/apt/archives" &&
		mount --bind "$CHROOT_CACHE/fleet/apt-$1" "$r/var/cache/apt/archives"
}

fleet_hosts_up() {
	local h
	for h in "$@"; do
		sshd_host_up "$h" "$(fleet_free_port)" "${FLEET_PKGS[@]}" && fleet_own_cache "$h" || return 1
	done
}

fleet_play() {
	local name=$1 inv=$2; shift 2
	logged "$name" env -u ANSIBLE_COLLECTIONS_PATH -u ANSIBLE_CONFIG ANSIBLE_NOCOLOR=1 \
		ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_FORKS="${FLEET_FORKS:-4}" \
		sh -c 'cd "$1" && shift && exec ansible-playbook "$@"' sh "$TOP" \
		-i "$inv" ansible/site.yml "$@"
}

# The host's TCP sshd (in the machine's namespace) must not be a way in: it is stopped, and the
# host is reached only through sshd -i inside its own namespace, which has no route anywhere.
fleet_air_up() {
	local name=$1 root pid i proxy
	sshd_host_up "$name" "$(fleet_free_port)" "${FLEET_PKGS[@]}" || return 1
	root=$(realpath "$(sshd_root "$name")") || return 1
	kill "$(cat "$root/run/sshd.pid")" || return 1
	umount "$root/var/cache/apt/archives" && mkdir -p "$root/var/cache/apt/archives/partial" &&
		[ -z "$(find "$root/var/cache/apt/archives" -name '*.deb' -print -quit)" ] || return 1
	unshare -n -- /bin/sh -c 'ip link set lo up && exec chroot "$1" /bin/sleep infinity' sh "$root" \
		</dev/null >/dev/null 2>&1 &
	pid=$!
	disown
	for i in $(seq 1 50); do
		[ "$(readlink "/proc/$pid/root")" = "$root" ] && break
		sleep 0.1
	done
	[ "$(readlink "/proc/$pid/root")" = "$root" ] || { chroot_log "fleet: $name's namespace did not start"; return 1; }
	proxy=$(sshd_dir)/$name-proxy.sh
	printf '#!/bin/sh\nexec nsenter --target %s --net chroot %q /usr/bin/env -i PATH=%s LANG=C.UTF-8 /usr/sbin/sshd -i -e 2>>%q\n' \
		"$pid" "$root" "$CHROOT_PATH" "$(sshd_dir)/$name-sshd.log" >"$proxy" && chmod 0755 "$proxy" || return 1
	printf -v "FLEET_PROXY_$name" '%s' "$proxy"
	air_ssh "$name" true </dev/null
}

air_ssh() {
	local v="FLEET_PROXY_$1" name=$1; shift
	ssh -i "$SSHD_KEY" -o ProxyCommand="${!v}" -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR -o ConnectTimeout=10 \
		"root@$name" "$@"
}

fleet_air_inventory() { # FILE NAME
	local v="FLEET_PROXY_$2"
	{
		echo "[armpy]"
		# ansible_port only keeps Ansible's ControlPath (a hash of host, port, user) apart from
		# another run's host of the same name: the ProxyCommand does not use it.
		printf '%s ansible_host=%s ansible_port=%s ansible_user=root ansible_ssh_private_key_file=%s' \
			"$2" "$2" "$(sshd_port "$2")" "$SSHD_KEY"
		printf " ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"
		printf " -o ProxyCommand=%s' ansible_python_interpreter=/usr/bin/python3\n" "${!v}"
	} >"$1"
}
