# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# tests/bundle/pip.sh — sourced by tests/bundle/run.sh: the pip route from a bundle. The pip
# suite's local index (tests/pip/lib-index.sh) is served on 127.0.0.1; `armpy bundle` makes a
# bundle of the pip suite's BLIS profile (NumPy built from its sdist against Debian's BLIS)
# from a fresh amd64 chroot's facts, with this machine's pip downloading the wheels, the sdist
# and its build requirements from that index; the bundle installs into the chroot inside a
# network namespace with only loopback and empty routing tables, pip never asking the index,
# and validates.
# A wheel with one byte changed, and the sdist missing, are refused before anything runs. The
# pip suite's OpenBLAS (OpenMP) profile the same way, offline.
. "$TOP/tests/pip/lib-index.sh"

# pip_members BUNDLE: the bundle's members under pip/, one a line.
pip_members() { zstd -q -dc "$1" | tar -t | grep '^pip/'; }

pip_case() {
	local p=$T_OUT/pip-blis.yaml f=$T_OUT/pip-facts.yaml before s P
	index_ready || return
	trap 'stop_server; chroot_destroy_all' EXIT
	index_serve "$T_OUT/pip-server.log" || return
	sed "s|@URL@|$URL|" "$TOP/tests/pip/profiles/pip-blis.yaml" >"$p"
	chroot_setup "pip: bookworm amd64 minbase chroot" amd64 python3 ccache || return
	P=$CHROOT_ROOT
	own_archives "$P" || { t_fail "pip: an empty apt archive cache in the chroot"; return; }
	pip_ccache "$P" || { t_fail "pip: binding the ccache"; return; }
	t_logged "pip: armpy detect --root CHROOT" pip-facts "$ARMPY" detect --root "$P" || return
	cp "$T_OUT/pip-facts.out" "$f"

	s=$(date +%s)
	t_logged "pip: armpy bundle of the pip suite's BLIS profile exits 0" pip-build \
		"$ARMPY" bundle --profile "$p" --facts "$f" -o "$T_OUT/pip.bundle" || return
	echo "     (pip bundle made in $(( $(date +%s) - s ))s: $(du -m "$T_OUT/pip.bundle" | cut -f1) MB)"
	sed 's/^/     | /' "$T_OUT/pip-build.out"
	pip_members "$T_OUT/pip.bundle" >"$T_OUT/pip-members.txt"
	# the sdist the plan builds, pip for the upgrade, and NumPy's PEP 518 build requirements
	local want missing=
	for want in 'pip/numpy-[0-9.]*\.tar\.gz' 'pip/pip-[0-9.]*-py3-none-any\.whl' \
	    'pip/meson_python-.*\.whl' 'pip/[Cc]ython-.*\.whl' 'pip/meson-.*\.whl'; do
		grep -qx "$want" "$T_OUT/pip-members.txt" || missing+=" $want"
	done
	if [ -z "$missing" ] && grep -q 'wheels and sdists for pip' "$T_OUT/pip-build.out"; then
		t_pass "pip: the bundle holds $(grep -c . "$T_OUT/pip-members.txt") files under pip/: $(sed 's|^pip/||' "$T_OUT/pip-members.txt" | tr '\n' ' ')"
	else t_fail "pip: the bundle lacks:$missing (or the summary does not say)"; cat "$T_OUT/pip-members.txt"; fi

	# Damaged: one byte of a wheel, the sdist left out.
	zstd -q -dc "$T_OUT/pip.bundle" >"$T_OUT/pip-good.tar"
	pip_refused() { # HOW SUFFIX PATTERN
		local rc=0 victim
		victim=$(/usr/bin/python3 "$HERE/tamper.py" "$T_OUT/pip-good.tar" "$T_OUT/pip-$1.tar" "$1" "$2")
		logged "pip-bad-$1" offline "$ARMPY" --profile "$p" --root "$P" --bundle "$T_OUT/pip-$1.tar" --yes || rc=$?
		if [ $rc -eq 2 ] && grep -q "refused: .*$3" "$T_OUT/pip-bad-$1.err" &&
		    grep -qF "$victim" "$T_OUT/pip-bad-$1.err"; then
			t_pass "pip: $victim with $1: exit 2, '$3'"
		else t_fail "pip: $victim with $1: exit $rc (want 2, refused: ... $3)"; why "pip-bad-$1"; fi
	}
	pip_refused byte .whl "does not have the sha256 the manifest says"
	pip_refused missing .tar.gz "of the manifest is missing"
	if [ ! -e "$P/var/lib/armpy" ] && [ ! -e "$P/root/.venvs/armpy" ]; then
		t_pass "pip: after the refusals nothing was unpacked, no venv made"
	else t_fail "pip: after the refusals the root has /var/lib/armpy or the venv"; fi

	# What runs is what is listed: every pip step reads the bundle only.
	t_logged "pip: the bundle verifies offline (--dry-run)" pip-dry \
		offline "$ARMPY" --profile "$p" --root "$P" --bundle "$T_OUT/pip.bundle" --dry-run
	if /usr/bin/python3 - "$T_OUT/pip-dry.out" <<'EOF' >"$T_OUT/pip-dry-pip.out" 2>&1
import sys, yaml
plan = yaml.safe_load(open(sys.argv[1]))
pips = [s for s in plan["steps"] if "run" in s and s["run"]["argv"][1:4] == ["-m", "pip", "install"]]
def only_bundle(v):
    return ("--no-index" in v and "--index-url" not in v and "--find-links" in v and
            v[v.index("--find-links") + 1] == "/var/lib/armpy/bundle/pip")
bad = [s["id"] for s in pips if not only_bundle(s["run"]["argv"])]
if len(pips) < 2 or bad:
    sys.exit(f"pip steps not reading only the bundle: {bad or 'fewer than 2 pip steps'}")
print(" ".join(s["id"] for s in pips))
EOF
	then
		t_pass "pip: the listing's pip steps read only the bundle (--no-index --find-links /var/lib/armpy/bundle/pip): $(cat "$T_OUT/pip-dry-pip.out")"
	else t_fail "pip: the listing does not show pip reading only the bundle"; cat "$T_OUT/pip-dry-pip.out"; why pip-dry 20; fi

	# The install, offline: empty routing tables in the namespace, the index's log unchanged.
	if [ -z "$(offline ip route show)" ] && [ -z "$(offline ip -6 route show)" ]; then
		t_pass "pip: the namespace's routing tables are empty"
	else t_fail "pip: the namespace has a routing entry"; fi
	before=$(wc -l <"$T_OUT/pip-server.log")
	s=$(date +%s)
	T_TIMEOUT=2400 t_logged "pip: offline, armpy --profile P --root CHROOT --bundle FILE --yes exits 0 (builds NumPy, validates)" \
		pip-install offline nice "$ARMPY" --profile "$p" --root "$P" --bundle "$T_OUT/pip.bundle" --yes
	echo "     (offline pip install took $(( $(date +%s) - s ))s)"
	if [ "$(wc -l <"$T_OUT/pip-server.log")" -eq "$before" ]; then
		t_pass "pip: the index server had no request during the offline run"
	else t_fail "pip: the index server was asked during the offline run:"; tail -n +"$((before + 1))" "$T_OUT/pip-server.log" | head; fi
	if logged pip-ver in_chroot "$P" /root/.venvs/armpy/bin/python -c 'import numpy; print(numpy.__version__)' &&
	    [ "$(cat "$T_OUT/pip-ver.out")" = "$NUMPY_VERSION" ]; then
		t_pass "pip: the venv has NumPy $NUMPY_VERSION, the bundle's sdist"
	else t_fail "pip: the venv's NumPy is not the bundle's $NUMPY_VERSION"; why pip-ver; fi
	t_logged "pip: offline, armpy validate --python VENV --expect blis --root CHROOT passes" pip-validate \
		offline "$ARMPY" validate --python /root/.venvs/armpy/bin/python --expect blis --root "$P" --quick
	umount "$P/var/cache/ccache"
	chroot_destroy "$(dirname "$P")"
}

# The pip suite's OpenBLAS profile (OpenMP; NumPy from its sdist against Debian's OpenBLAS):
# its bundle from a fresh chroot's facts, installed offline, validated. Needs the index served.
pip_openblas_case() {
	local p=$T_OUT/pip-openblas.yaml f=$T_OUT/pip-ob-facts.yaml before s O
	[ -n "${URL:-}" ] || return
	sed "s|@URL@|$URL|" "$TOP/tests/pip/profiles/pip-openblas.yaml" >"$p"
	chroot_setup "pip openblas: bookworm amd64 minbase chroot" amd64 python3 ccache || return
	O=$CHROOT_ROOT
	own_archives "$O" || { t_fail "pip openblas: an empty apt archive cache in the chroot"; return; }
	pip_ccache "$O" || { t_fail "pip openblas: binding the ccache"; return; }
	t_logged "pip openblas: armpy detect --root CHROOT" pip-ob-facts "$ARMPY" detect --root "$O" || return
	cp "$T_OUT/pip-ob-facts.out" "$f"
	t_logged "pip openblas: armpy bundle of the pip suite's OpenBLAS profile exits 0" pip-ob-build \
		"$ARMPY" bundle --profile "$p" --facts "$f" -o "$T_OUT/pip-ob.bundle" || return
	zstd -q -dc "$T_OUT/pip-ob.bundle" | tar -t >"$T_OUT/pip-ob-members.txt"
	if grep -q '/libopenblas0-openmp_.*\.deb$' "$T_OUT/pip-ob-members.txt"; then
		t_pass "pip openblas: the bundle holds Debian's OpenMP OpenBLAS"
	else t_fail "pip openblas: no libopenblas0-openmp .deb in the bundle"; fi
	before=$(wc -l <"$T_OUT/pip-server.log")
	s=$(date +%s)
	T_TIMEOUT=2400 t_logged "pip openblas: offline, armpy --bundle FILE --yes exits 0 (builds NumPy, validates)" \
		pip-ob-install offline nice "$ARMPY" --profile "$p" --root "$O" --bundle "$T_OUT/pip-ob.bundle" --yes
	echo "     (offline pip OpenBLAS install took $(( $(date +%s) - s ))s)"
	if [ "$(wc -l <"$T_OUT/pip-server.log")" -eq "$before" ] &&
	    logged pip-ob-ver in_chroot "$O" /root/.venvs/armpy/bin/python -c 'import numpy; print(numpy.__version__)' &&
	    [ "$(cat "$T_OUT/pip-ob-ver.out")" = "$NUMPY_VERSION" ]; then
		t_pass "pip openblas: NumPy $NUMPY_VERSION from the bundle's sdist, no request to the index"
	else t_fail "pip openblas: NumPy not the bundle's $NUMPY_VERSION, or the index was asked"; why pip-ob-ver; fi
	t_logged "pip openblas: offline, armpy validate --python VENV --expect openblas:openmp passes" pip-ob-validate \
		offline "$ARMPY" validate --python /root/.venvs/armpy/bin/python --expect openblas:openmp --root "$O" --quick
	umount "$O/var/cache/ccache"
	chroot_destroy "$(dirname "$O")"
}
pip_case
pip_openblas_case
stop_server
trap 'chroot_destroy_all' EXIT
