# SPDX-License-Identifier: MIT
# tests/fleet/air.sh — part 5 of tests/fleet/run.sh (sourced by it): site.yml with -e armpy_bundle
# on a host without network (fleet_air_up: reached over SSH through a pipe into a network
# namespace that has only loopback). The host's own apt is shown unable to reach the mirror;
# the bundle is made on this machine from the facts armpy detects there; a host lacking a library
# armpy_binary needs fails, naming it, with nothing installed; --check --diff verifies the bundle
# and shows its plan, changing nothing of the stack; the run installs and validates BLIS from the
# bundle; a second run copies nothing and changes nothing.
# Uses run.sh's T_OUT, HERE, BLIS, TRIPLET, recap and tests/fleet/hosts.sh.
AIR=fleetair
AIR_BUNDLE=$T_OUT/blis.bundle
AIR_DEST=/var/lib/armpy/bundles/blis.bundle

air_play() { # NAME ARGS...: site.yml on the air host, BLIS, armpy_binary, the bundle, quick
	local name=$1; shift
	fleet_play "$name" "$T_OUT/air.ini" -e "armpy_profile=$BLIS" -e "armpy_binary=$ARMPY" \
		-e "armpy_bundle=$AIR_BUNDLE" -e "armpy_report_dir=$T_OUT/$name-report" -e armpy_quick=true "$@"
}
air_numpy() { air_ssh "$AIR" python3 -c 'import numpy' 2>/dev/null; }

air_part() {
	local s rc t tool
	for tool in unshare nsenter ip; do
		command -v $tool >/dev/null ||
			{ t_skip "a host without network: $tool is not installed (scripts/install-deps.sh test)"; return; }
	done
	s=$(date +%s)
	if fleet_air_up "$AIR"; then
		t_pass "$AIR up without network, reached through sshd -i in its namespace ($(( $(date +%s) - s ))s)"
	else
		t_fail "bringing up $AIR (no network)"; return
	fi
	fleet_air_inventory "$T_OUT/air.ini" "$AIR"
	t=$(air_ssh "$AIR" cat /proc/net/dev | awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' | tr '\n' ' ')
	if [ "$t" = "lo " ]; then t_pass "$AIR: its only network interface is loopback"
	else t_fail "$AIR has interfaces besides loopback: '$t'"; fi
	logged air-apt air_ssh "$AIR" apt-get -o Acquire::Retries=0 update
	if grep -q '^Err:' "$T_OUT/air-apt.out" && ! grep -q '^\(Hit\|Get\):' "$T_OUT/air-apt.out"; then
		t_pass "$AIR: apt-get update cannot reach the mirror ($(grep -m1 '^Err:' "$T_OUT/air-apt.out" | cut -c1-60)...)"
	else
		t_fail "$AIR: apt-get update reached its mirror"; why air-apt 10
	fi

	# The target's facts, from armpy where the play puts it (the play finds it there, unchanged).
	air_ssh "$AIR" 'install -d -m 0755 /usr/local/lib/armpy/scripts && cat >/usr/local/lib/armpy/armpy &&
		chmod 0755 /usr/local/lib/armpy/armpy' <"$ARMPY" &&
		air_ssh "$AIR" 'cat >/usr/local/lib/armpy/scripts/armpy-probe.py' <"$TOP/scripts/armpy-probe.py"
	t_logged "armpy detect on $AIR (the target's facts)" air-facts air_ssh "$AIR" /usr/local/lib/armpy/armpy detect
	s=$(date +%s)
	t_logged "armpy bundle from $AIR's facts, on this machine" air-bundle \
		"$ARMPY" bundle --profile "$BLIS" --facts "$T_OUT/air-facts.out" -o "$AIR_BUNDLE" || return
	echo "     (bundle made in $(( $(date +%s) - s ))s: $(du -m "$AIR_BUNDLE" | cut -f1) MB)"

	# A library armpy_binary needs is missing: nothing may be installed, the host fails naming it.
	air_play air-libs -e '{"armpy_runtime_packages": ["python3", "armpy-no-such-library"]}'
	rc=$?
	t=$(/usr/bin/python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["reason"])' \
		"$T_OUT/air-libs-report/$AIR.yaml" 2>&1)
	if [ $rc -eq 2 ] && [[ "$t" == *"lacks what armpy_binary needs: armpy-no-such-library;"* ]] &&
	    ! air_ssh "$AIR" test -e "$AIR_DEST" && ! air_numpy; then
		t_pass "a library missing on $AIR: exit 2, no bundle copied, nothing installed (${t%%;*})"
	else
		t_fail "a library missing on $AIR: exit $rc (want 2, the library named, nothing copied): $t"
		why air-libs 15
	fi

	# --check --diff: the bundle copied and verified there, its plan shown, the stack unchanged.
	air_play air-check --check --diff
	rc=$?
	t=$(air_ssh "$AIR" "stat -c '%a %U' $AIR_DEST /var/lib/armpy/bundles")
	if [ $rc -eq 0 ] && recap "$T_OUT/air-check.out" changed "$AIR" >"$T_OUT/air-recap1.out" 2>&1 &&
	    grep -q 'Dir::Etc::sourcelist=/var/lib/armpy/bundle-sources.list' "$T_OUT/air-check.out" &&
	    /usr/bin/python3 "$HERE/report.py" --check "$T_OUT/air-check-report" blis "" "$AIR" >"$T_OUT/air-check-chk.out" 2>&1 &&
	    ! air_numpy; then
		t_pass "--check --diff with the bundle: would change, the bundle's plan shown, nothing installed ($(cat "$T_OUT/air-check-chk.out"))"
	else
		t_fail "--check --diff with the bundle: exit $rc"; cat "$T_OUT/air-recap1.out" "$T_OUT/air-check-chk.out" 2>/dev/null |
			sed 's/^/    | /'; why air-check 25
	fi
	if [ "$t" = $'600 root\n700 root' ] && cmp -s <(air_ssh "$AIR" cat "$AIR_DEST") "$AIR_BUNDLE"; then
		t_pass "the bundle on $AIR: $AIR_DEST, the same bytes, mode 0600 in a 0700 directory, root's"
	else t_fail "the bundle on $AIR: '$t' (want 600 root / 700 root) or other bytes"; fi

	# The install, from the bundle.
	s=$(date +%s)
	air_play air-run
	rc=$?
	echo "     (install from the bundle took $(( $(date +%s) - s ))s)"
	if [ $rc -eq 0 ] && recap "$T_OUT/air-run.out" changed "$AIR" >"$T_OUT/air-recap2.out" 2>&1 &&
	    /usr/bin/python3 "$HERE/report.py" "$T_OUT/air-run-report" blis "" "$AIR" >"$T_OUT/air-run-chk.out" 2>&1; then
		t_pass "$AIR, no network: installed from the bundle and validated ($(cat "$T_OUT/air-run-chk.out"))"
	else
		t_fail "$AIR from the bundle: exit $rc"; cat "$T_OUT/air-recap2.out" "$T_OUT/air-run-chk.out" 2>/dev/null |
			sed 's/^/    | /'; why air-run 25
	fi
	t=$(air_ssh "$AIR" readlink -f "/usr/lib/$TRIPLET/libblas.so.3")
	if [[ "$t" == /usr/lib/$TRIPLET/blis-*/libblas.so.3 ]]; then t_pass "$AIR: libblas.so.3 is BLIS's ($t)"
	else t_fail "$AIR: libblas.so.3 resolves to '${t:-nothing}', not BLIS's"; fi
	t=$(find "$(sshd_root "$AIR")/var/cache/apt/archives" -name '*.deb' | head -3)
	if [ -z "$t" ] && air_ssh "$AIR" test -f /var/lib/armpy/bundle-sources.list -a -d /var/lib/armpy/bundle/apt/debian/pool; then
		t_pass "$AIR: apt read the unpacked bundle's .debs in place (none in its archive cache)"
	else t_fail "$AIR: .debs in its apt archive cache (${t:-none}), or no unpacked bundle"; fi

	air_play air-again
	rc=$?
	if [ $rc -eq 0 ] && recap "$T_OUT/air-again.out" unchanged "$AIR" >"$T_OUT/air-recap3.out" 2>&1 &&
	    grep -A3 '^TASK \[The bundle\]' "$T_OUT/air-again.out" | grep -q "^ok: \[$AIR\]"; then
		t_pass "again with the bundle: exit 0, the bundle not sent again, changed=0 ($(cat "$T_OUT/air-recap3.out"))"
	else
		t_fail "again with the bundle: exit $rc, want 0 with changed=0"; cat "$T_OUT/air-recap3.out" 2>/dev/null |
			sed 's/^/    | /'; why air-again 25
	fi
}
