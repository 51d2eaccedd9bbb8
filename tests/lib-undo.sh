# SPDX-License-Identifier: MIT
# tests/lib-undo.sh — what armpy undo must put back in a chroot root, as one snapshot the undo
# suites (tests/undo, tests/arm64) compare: dpkg's packages and states, the alternatives, the
# hashes of the files and the symlinks under /etc and /usr/local, the venvs under /root. apt's
# lists and caches and armpy's own state are not in it (they live elsewhere); /etc/ld.so.cache
# is ldconfig's index of the libraries there. Needs lib-chroot.sh (in_chroot), R and T_OUT.

# undo_snapshot NAME: the root R now, into $T_OUT/NAME.snap.
undo_snapshot() {
	{
		in_chroot "$R" dpkg-query -W -f '${Package}:${Architecture} ${db:Status-Status}\n' | sort
		in_chroot "$R" update-alternatives --get-selections
		(cd "$R" && find etc usr/local -xdev -type f ! -path etc/ld.so.cache -print0 | sort -z |
			xargs -0 sha256sum)
		(cd "$R" && find etc usr/local -xdev -type l -printf '%p -> %l\n' | sort)
		(cd "$R" && find root -xdev -path 'root/.venvs*' | sort)
	} >"$T_OUT/$1.snap" 2>&1
}

# undo_same_as NAME TEST: passes TEST when the root matches snapshot NAME again, else shows how
# it differs.
undo_same_as() {
	undo_snapshot now
	if diff -u "$T_OUT/$1.snap" "$T_OUT/now.snap" >"$T_OUT/diff.out"; then t_pass "$2"
	else t_fail "$2"; head -40 "$T_OUT/diff.out" | sed 's/^/    | /'; fi
}
