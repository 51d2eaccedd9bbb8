# SPDX-License-Identifier: MIT
# tests/fleet/hosts.sh — fleet hosts for tests/fleet and bench/fleet.sh, on tests/lib-sshd.sh.
# Source it after tests/lib.sh (it sources tests/lib-sshd.sh).
#
#   fleet_hosts_up NAME...   each NAME an sshd host (its own free port on 127.0.0.1) with
#                            FLEET_PKGS and an apt archive cache of its own; returns 1 on failure
#   fleet_play NAME INVENTORY ARGS...
#                            ansible-playbook ansible/site.yml from the repository root, as a
#                            user types it (logged as NAME: $T_OUT/NAME.out, .err)
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
