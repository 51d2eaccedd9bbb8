# SPDX-License-Identifier: MIT
# tests/exec/root-boundary.sh — sourced by tests/exec/run.sh (as root): --root is a boundary.
# A root full of hostile symlinks (absolute, relative climbing with "..", a symlinked parent,
# a symlink as the last component, one swapped in by an earlier step of the same run), one
# plan with every action kind that touches paths, run once with openat2 and once with the
# fallback walk (ARMPY_RESOLVE=walk): nothing outside the root is created, changed or read as
# the root's, and what the symlinks mean inside the root is what happens. A plan path with
# ".." is refused before anything runs. Files armpy finds in place: a download's .part that is
# a hard link or a symlink to a file outside is not resumed; a tree with a bind mount below it
# is not replaced; archives whose links lead out through links the archive made are refused.

RB=$W/rb
mkdir -p "$RB/srv"
head -c 100000 /dev/urandom >"$RB/srv/blob.bin"
RB_SHA=$(sha256sum "$RB/srv/blob.bin" | cut -d' ' -f1)
python3 "$TOP/tests/exec/mktar.py" good "$RB/srv/good.tar.gz"
RB_TSHA=$(sha256sum "$RB/srv/good.tar.gz" | cut -d' ' -f1)
python3 "$TOP/tests/net/server.py" "$RB/srv" "$RB/ports" "$RB/reqs" &
RB_SRV=$!
for _ in $(seq 100); do [ -s "$RB/ports" ] && break; sleep 0.05; done
read -r RB_PORT _ <"$RB/ports"
RB_URL=http://127.0.0.1:$RB_PORT/files
RB_ALT=$(find /etc/alternatives -maxdepth 1 -type l 2>/dev/null | head -1)
RB_ALT_TO=${RB_ALT:+$(readlink "$RB_ALT")}

rb_step() { # FILE ID KIND: the common head of a step
	printf -- '- id: %s\n  title: %s\n  why: test\n  privileged: true\n  skippable: false\n  est_seconds: 1\n' \
		"$2" "$2" >>"$1"
}
rb_write() { rb_step "$1" "$2"; printf '  write:\n    path: %s\n    mode: "0644"\n    content: |\n      %s\n' "$3" "$4" >>"$1"; }
rb_download() { rb_step "$1" "$2"; printf '  download:\n    url: "%s"\n    sha256: %s\n    dest: %s\n' "$3" "$4" "$5" >>"$1"; }
rb_extract() { rb_step "$1" "$2"; printf '  extract:\n    archive: %s\n    dest: %s\n    strip: 1\n' "$3" "$4" >>"$1"; }

rb_root() { # builds the hostile root R with the outside O next to it
	rm -rf "$RB/h"
	R=$RB/h/root O=$RB/h/outside
	mkdir -p "$R/bin" "$R/etc" "$R/opt" "$R/root" "$R/tmp" "$R/outside/dl" \
		"$O/profile" "$O/dl" "$O/ex" "$O/exdest" "$O/markers" "$O/swap"
	cp /bin/dash "$R/bin/sh"
	cp "$(command -v ln)" "$R/bin/ln"
	for lib in $(ldd /bin/dash "$(command -v ln)" | grep -o '/[^ ]* (0x' | cut -d' ' -f1 | sort -u); do
		mkdir -p "$R$(dirname "$lib")"; cp "$lib" "$R$lib"
	done
	echo victim >"$O/exdest/victim"
	echo marker >"$O/markers/m"
	cp "$RB/srv/blob.bin" "$O/planted"
	ln -s "$O/profile" "$R/etc/profile.d"          # absolute, to outside
	mkdir -p "$R$O/profile" "$R$O/ex" "$R$O/swap"   # what those names mean inside the root
	ln -s "$O/final" "$R/etc/final.conf"           # the last component, absolute
	ln -s ../../outside/dl "$R/opt/dl"              # relative, climbing out with ".."
	ln -s ../../outside/planted "$R/opt/blob"       # a download's DEST, to a right file outside
	ln -s "$O/ex" "$R/opt/ex"                      # a symlinked parent of an extract dest
	ln -s "$O/exdest" "$R/opt/pkg"                 # an extract dest that is a symlink out
	ln -s "$O/markers" "$R/opt/markers"            # a check path through a symlink
	ln -s /etc/alternatives "$R/etc/alternatives"  # the host's alternatives
}

rb_plan() {
	header "$RB/plan.yaml"
	local p=$RB/plan.yaml
	rb_write "$p" w-profile /etc/profile.d/armpy-blas.sh "OPENBLAS_NUM_THREADS=1"
	rb_write "$p" w-final /etc/final.conf "final"
	rb_download "$p" d-climb "$RB_URL/blob.bin" "$RB_SHA" /opt/dl/blob.bin
	rb_download "$p" d-link "$RB_URL/blob.bin" "$RB_SHA" /opt/blob
	rb_download "$p" d-tar "$RB_URL/good.tar.gz" "$RB_TSHA" /opt/dl/good.tar.gz
	rb_extract "$p" x-dest /opt/dl/good.tar.gz /opt/pkg
	rb_extract "$p" x-parent /opt/dl/good.tar.gz /opt/ex/pkg
	step_run "$p" swap "Swap in a symlink" "ln -s $O/swap /etc/later"
	rb_write "$p" w-swapped /etc/later/f "swapped"
	step_run "$p" r-check "Runs because its check is outside" "echo ran > /tmp/ran" /opt/markers/m
	# the alternative: the host's current value, which the root does not have
	header "$RB/alt.yaml"
	rb_step "$RB/alt.yaml" alt
	printf '  alternative:\n    name: %s\n    path: %s\n  check:\n    kind: alternative\n    name: %s\n    path: %s\n' \
		"${RB_ALT##*/}" "$RB_ALT_TO" "${RB_ALT##*/}" "$RB_ALT_TO" >>"$RB/alt.yaml"
}

rb_outside() { find "$RB/h/outside" -printf '%p %y %s %T@ %l\n' | sort; readlink "${RB_ALT:-/nonexistent}"; }

for RB_MODE in openat2 walk; do
	rb_root
	rb_plan
	before=$(rb_outside)
	if [ "$RB_MODE" = walk ]; then export ARMPY_RESOLVE=walk; else unset ARMPY_RESOLVE; fi
	out=$("$ARMPY" run "$RB/plan.yaml" --root "$R" --yes 2>&1); rc=$?
	[ -n "$RB_ALT" ] && aout=$("$ARMPY" run "$RB/alt.yaml" --root "$R" --yes 2>&1)
	unset ARMPY_RESOLVE
	after=$(rb_outside)
	if [ "$before" = "$after" ]; then
		t_pass "--root ($RB_MODE): nothing outside the root created or changed by any step"
	else
		t_fail "--root ($RB_MODE): outside changed"; diff <(echo "$before") <(echo "$after") | sed 's/^/    /'
	fi
	if [ "$rc" -eq 0 ] && [ "$(cat "$R$O/profile/armpy-blas.sh")" = OPENBLAS_NUM_THREADS=1 ] &&
		[ -f "$R/etc/final.conf" ] && [ ! -L "$R/etc/final.conf" ] &&
		cmp -s "$RB/srv/blob.bin" "$R/outside/dl/blob.bin" &&
		[ -f "$R/opt/blob" ] && [ ! -L "$R/opt/blob" ] &&
		[ "$(cat "$R/opt/pkg/dir/a.txt")" = alpha ] && [ ! -L "$R/opt/pkg" ] &&
		[ "$(cat "$R$O/ex/pkg/dir/a.txt")" = alpha ] &&
		[ "$(cat "$R$O/swap/f")" = swapped ] && [ "$(cat "$R/tmp/ran")" = ran ]; then
		t_pass "--root ($RB_MODE): symlinks resolved inside the root: write, download, extract, check"
	else
		t_fail "--root ($RB_MODE): results inside the root (rc $rc)"; echo "$out" | tail -6 | sed 's/^/    /'
	fi
	if [ -n "$RB_ALT" ]; then
		# not satisfied, so update-alternatives is run in the chroot, which has none
		if ! echo "$aout" | grep -q "already satisfied" && echo "$aout" | grep -q "update-alternatives"; then
			t_pass "--root ($RB_MODE): the alternative's check never reads the host's /etc/alternatives"
		else
			t_fail "--root ($RB_MODE): alternative check"; echo "$aout" | tail -4 | sed 's/^/    /'
		fi
	fi
done

# A plan path with ".." is refused before anything runs, with or without --root.
rb_root
header "$RB/dotdot.yaml"
step_run "$RB/dotdot.yaml" first "Would run first" "echo ran > /tmp/dotdot-ran"
rb_write "$RB/dotdot.yaml" w-dotdot "/etc/../../outside/escaped" "x"
before=$(rb_outside)
out=$("$ARMPY" run "$RB/dotdot.yaml" --root "$R" --yes 2>&1); rc=$?
if [ "$rc" -eq 2 ] && echo "$out" | grep -q "dotdot.yaml:[0-9]*:[0-9]*: steps\[[0-9]*\]\.write\.path: has a '\.\.' component" && [ "$before" = "$(rb_outside)" ] &&
	[ ! -e "$R/tmp/dotdot-ran" ] && [ ! -e "$R/outside/escaped" ]; then
	t_pass "--root: a plan path with '..' is refused at its position (exit 2) before any step runs"
else
	t_fail "--root: '..' in a plan path (rc $rc)"; echo "$out" | tail -3 | sed 's/^/    /'
fi

# A resumed download appends only to a .part of its own: one that is a hard link to a file
# outside the root (or a symlink to one) is removed and the download starts afresh.
rb_root
head -c 50000 "$RB/srv/blob.bin" >"$O/half"
mkdir -p "$R/opt/part"
ln "$O/half" "$R/opt/part/blob.bin.part"
ln -s "$O/half" "$R/opt/part/sym.bin.part"
header "$RB/part.yaml"
rb_download "$RB/part.yaml" d-hard "$RB_URL/blob.bin" "$RB_SHA" /opt/part/blob.bin
rb_download "$RB/part.yaml" d-sym "$RB_URL/blob.bin" "$RB_SHA" /opt/part/sym.bin
before=$(rb_outside; sha256sum "$O/half")
out=$("$ARMPY" run "$RB/part.yaml" --root "$R" --yes 2>&1); rc=$?
log=$(cat "$(ls -td "$ARMPY_STATE_DIR"/runs/*/ | head -1)log")
if [ "$rc" -eq 0 ] && [ "$before" = "$(rb_outside; sha256sum "$O/half")" ] && [ "$(stat -c %h "$O/half")" -eq 1 ] &&
	cmp -s "$RB/srv/blob.bin" "$R/opt/part/blob.bin" && cmp -s "$RB/srv/blob.bin" "$R/opt/part/sym.bin" &&
	[ "$(echo "$log" | grep -c 'part: not resumed (.*): removed; downloading afresh')" -eq 2 ]; then
	t_pass "--root: a .part that is a hard link or symlink to a file outside is not resumed: removed, downloaded afresh"
else
	t_fail "--root: hostile .part (rc $rc)"; echo "$out" | tail -4 | sed 's/^/    /'; echo "$log" | grep part | sed 's/^/    /'
fi

# Replacing a tree never crosses a mount: an extraction onto a tree with a bind mount below it
# (of the same filesystem: the same st_dev) is refused, naming the mount point, and the host
# files on the mount are all still there.
rb_root
mkdir -p "$O/host/keep" "$R/opt/tree/sub/mnt"
echo host >"$O/host/keep/file"
cp "$RB/srv/good.tar.gz" "$R/opt/good.tar.gz"
header "$RB/mnt.yaml"
rb_extract "$RB/mnt.yaml" x-tree /opt/good.tar.gz /opt/tree
if mount --bind "$O/host" "$R/opt/tree/sub/mnt"; then
	before=$(rb_outside)
	out=$("$ARMPY" run "$RB/mnt.yaml" --root "$R" --yes 2>&1); rc=$?
	after=$(rb_outside)
	# wherever the mount is now (a broken armpy may have moved it with the tree)
	awk -v r="$R/" 'index($2, r) == 1 { print $2 }' /proc/self/mounts | sort -r | while read -r m; do umount -l "$m"; done
	if [ "$rc" -eq 1 ] && echo "$out" | grep -q "refused: $R/opt/tree/sub/mnt is a mount point" &&
		[ "$before" = "$after" ] && [ "$(cat "$O/host/keep/file")" = host ] && [ -d "$R/opt/tree/sub/mnt" ]; then
		t_pass "--root: an extraction onto a tree with a bind mount below is refused, naming it; nothing on it removed"
	else
		t_fail "--root: extraction over a bind mount (rc $rc)"; echo "$out" | tail -3 | sed 's/^/    /'
		diff <(echo "$before") <(echo "$after") | head -5 | sed 's/^/    /'
	fi
	out=$("$ARMPY" run "$RB/mnt.yaml" --root "$R" --yes 2>&1); rc=$?
	[ "$rc" -eq 0 ] && [ "$(cat "$R/opt/tree/dir/a.txt")" = alpha ] && [ ! -e "$R/opt/tree/sub" ] &&
		t_pass "--root: the same extraction with the mount gone replaces the tree" ||
		{ t_fail "--root: extraction after umount (rc $rc)"; echo "$out" | tail -3 | sed 's/^/    /'; }
else
	t_skip "cannot bind mount: extraction over a mount"
fi

# Links decided against what the archive has made: chains of symlinks that read as inside but
# lead out of the destination (and out of the root) through links made earlier or later.
rb_root
for kind in chain chain-late chain-hardlink chain-moved; do
	python3 "$TOP/tests/exec/mktar.py" "$kind" "$R/opt/$kind.tar"
	header "$RB/chain-$kind.yaml"
	rb_extract "$RB/chain-$kind.yaml" "x-$kind" "/opt/$kind.tar" "/opt/$kind"
	before=$(rb_outside)
	out=$("$ARMPY" run "$RB/chain-$kind.yaml" --root "$R" --yes 2>&1); rc=$?
	if [ "$rc" -eq 1 ] && echo "$out" | grep -q "refused: .*link" && [ "$before" = "$(rb_outside)" ] &&
		[ ! -e "$R/opt/$kind" ] && ! ls -d "$R/opt/$kind".armpy-* >/dev/null 2>&1; then
		t_pass "--root: archive $kind (links through links the archive made) refused; nothing put in place"
	else
		t_fail "--root: archive $kind (rc $rc)"; echo "$out" | grep -i "refused\|fail" | head -2 | sed 's/^/    /'
	fi
done
kill "$RB_SRV" 2>/dev/null; wait "$RB_SRV" 2>/dev/null
