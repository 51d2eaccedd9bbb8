#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/fleet/run.sh — Debian's ansible-core runs ansible/site.yml over real SSH on four Debian
# bookworm hosts (tests/lib-sshd.sh: chroots, each with its own sshd on 127.0.0.1): NumPy on BLIS
# everywhere, validated; a second run changes nothing; --check with OpenBLAS reports changes and
# changes nothing; a host whose apt cannot reach its mirror fails alone, named in the summary;
# a host without network installs from a bundle (-e armpy_bundle, tests/fleet/air.sh).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
T_OUT=$TOP/tests/out/fleet
T_TIMEOUT=1800
mkdir -p "$T_OUT"
rm -rf "$T_OUT"/*.out "$T_OUT"/*.err "$T_OUT/report" "$T_OUT/check-report" "$T_OUT/ssh"
. "$TOP/tests/fleet/hosts.sh"
HERE=$TOP/tests/fleet
BLIS=$TOP/tests/e2e/profiles/debian-system-blis-noscipy.yaml
OPENBLAS=$TOP/tests/e2e/profiles/debian-system-openblas-noscipy.yaml
TRIPLET=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
OK_HOSTS=(fleet1 fleet2 fleet3)
BAD=fleetbad
t0=$(date +%s)

if ! why_not=$(chroot_can_run "$SSHD_ARCH"); then t_skip "fleet: $why_not"; t_summary; exit; fi
for tool in ansible-playbook ansible-doc ssh-keygen; do
	command -v "$tool" >/dev/null || { t_skip "fleet: $tool is not installed (scripts/install-deps.sh test)"; t_summary; exit; }
done
[ -x "$ARMPY" ] || { t_fail "fleet: no armpy binary at $ARMPY (run make)"; t_summary; exit; }

# ansible-doc renders the module, with every option, from the collection beside the playbook.
if logged doc env ANSIBLE_COLLECTIONS_PATH="$TOP/ansible/collections" ansible-doc -t module armpy.fleet.armpy &&
    python3 "$HERE/doc.py" "$T_OUT/doc.out" >"$T_OUT/doc-chk.out" 2>&1; then
	t_pass "ansible-doc -t module armpy.fleet.armpy renders its options and return values"
else
	t_fail "ansible-doc -t module armpy.fleet.armpy"; why doc; sed 's/^/    | /' "$T_OUT/doc-chk.out"
fi
if logged doc-cfg sh -c 'cd "$1/ansible" && ansible-doc -t module armpy.fleet.armpy' sh "$TOP" &&
    grep -q 'ARMPY.FLEET.ARMPY' "$T_OUT/doc-cfg.out"; then
	t_pass "from ansible/, ansible-doc finds the collection through ansible/ansible.cfg"
else
	t_fail "cd ansible && ansible-doc armpy.fleet.armpy"; why doc-cfg
fi

s=$(date +%s)
if fleet_hosts_up "${OK_HOSTS[@]}" "$BAD"; then
	t_pass "4 hosts up, each a Debian root with its own sshd on 127.0.0.1 ($(( $(date +%s) - s ))s)"
else
	t_fail "bringing up the sshd hosts"; t_summary; exit
fi
# The bad host's apt points at a closed port on 127.0.0.1: nothing listens there.
closed=$(fleet_free_port)
printf 'deb http://127.0.0.1:%s/debian bookworm main\n' "$closed" >"$(sshd_root "$BAD")/etc/apt/sources.list"
sshd_inventory "$T_OUT/all.ini" "${OK_HOSTS[@]}" "$BAD"
sshd_inventory "$T_OUT/ok.ini" "${OK_HOSTS[@]}"

# libblas NAME: where libblas.so.3 resolves on that host.
libblas() { ssh_to "$1" readlink -f "/usr/lib/$TRIPLET/libblas.so.3" 2>/dev/null; }
recap() { python3 "$HERE/recap.py" "$@"; }

# 1. All four hosts, BLIS: three install and validate, the bad one fails alone.
s=$(date +%s)
fleet_play run1 "$T_OUT/all.ini" -e "armpy_profile=$BLIS" -e "armpy_binary=$ARMPY" \
	-e "armpy_report_dir=$T_OUT/report" -e armpy_quick=true
rc=$?
echo "     (first run took $(( $(date +%s) - s ))s)"
if [ $rc -eq 2 ] && recap "$T_OUT/run1.out" failed "$BAD" "${OK_HOSTS[@]}" >"$T_OUT/recap1.out" 2>&1; then
	t_pass "first run: exit 2, only $BAD failed ($(cat "$T_OUT/recap1.out"))"
else
	t_fail "first run: exit $rc, want 2 with only $BAD failed"; cat "$T_OUT/recap1.out" 2>/dev/null | sed 's/^/    | /'; why run1 25
fi
for h in "${OK_HOSTS[@]}"; do
	t=$(libblas "$h")
	if [[ "$t" == /usr/lib/$TRIPLET/blis-*/libblas.so.3 ]]; then t_pass "$h: libblas.so.3 is BLIS's ($t)"
	else t_fail "$h: libblas.so.3 resolves to '${t:-nothing}', not BLIS's"; fi
done
if logged report1 python3 "$HERE/report.py" "$T_OUT/report" blis "$BAD" "${OK_HOSTS[@]}"; then
	t_pass "reports: every good host validated on BLIS, $BAD failed with its reason ($(tail -1 "$T_OUT/report1.out"))"
else
	t_fail "the fleet report"; why report1 20
fi
# The same run as pages, opened in Chromium (tests/report/page.py): the fleet's index.html, failed
# host first with its reason, and each host's own page (armpy report on the host).
PAGE="/usr/bin/python3 $TOP/tests/report/page.py"
if logged page1 $PAGE "$T_OUT/report/index.html" --shot "$T_OUT/fleet.png" --fleet "$T_OUT/report"; then
	t_pass "the fleet page: $(tail -1 "$T_OUT/page1.out")"
else
	t_fail "the fleet page"; why page1 10
fi
bad_pages=
for h in "${OK_HOSTS[@]}" "$BAD"; do
	want=BLIS; [ "$h" = "$BAD" ] && want=failed
	$PAGE "$T_OUT/report/$h.html" --shot "$T_OUT/$h.png" --text "$want" >"$T_OUT/page-$h.out" 2>&1 ||
		bad_pages="$bad_pages $h($(tail -1 "$T_OUT/page-$h.out"))"
done
if [ -z "$bad_pages" ]; then t_pass "each host's page (armpy report): loads clean, BLIS on the good hosts, the failure on $BAD"
else t_fail "host pages:$bad_pages"; fi

if ssh_to "$BAD" python3 -c 'import numpy' 2>/dev/null; then
	t_fail "$BAD has numpy although its apt could not reach the mirror"
else
	t_pass "$BAD: nothing installed (its mirror is unreachable)"
fi

# 2. Again: nothing to do anywhere.
fleet_play run2 "$T_OUT/ok.ini" -e "armpy_profile=$BLIS" -e "armpy_binary=$ARMPY" \
	-e "armpy_report_dir=$T_OUT/report" -e armpy_quick=true
rc=$?
if [ $rc -eq 0 ] && recap "$T_OUT/run2.out" unchanged "${OK_HOSTS[@]}" >"$T_OUT/recap2.out" 2>&1; then
	t_pass "second run: exit 0, changed=0 on every host ($(cat "$T_OUT/recap2.out"))"
else
	t_fail "second run: exit $rc, want 0 with changed=0 everywhere"; cat "$T_OUT/recap2.out" 2>/dev/null | sed 's/^/    | /'; why run2 25
fi

# 3. --check --diff with OpenBLAS, armpy already on the hosts (no armpy_binary): changes are
# reported, the plan shown, and nothing changes.
before=$(for h in "${OK_HOSTS[@]}"; do ssh_to "$h" 'ls /var/lib/armpy/runs | wc -l; dpkg-query -W | md5sum'; libblas "$h"; done)
fleet_play check "$T_OUT/ok.ini" -e "armpy_profile=$OPENBLAS" -e armpy_exe=/usr/local/lib/armpy/armpy \
	-e "armpy_report_dir=$T_OUT/check-report" --check --diff
rc=$?
after=$(for h in "${OK_HOSTS[@]}"; do ssh_to "$h" 'ls /var/lib/armpy/runs | wc -l; dpkg-query -W | md5sum'; libblas "$h"; done)
if [ $rc -eq 0 ] && recap "$T_OUT/check.out" changed "${OK_HOSTS[@]}" >"$T_OUT/recap3.out" 2>&1; then
	t_pass "--check with OpenBLAS: exit 0, changes reported on every host ($(cat "$T_OUT/recap3.out"))"
else
	t_fail "--check with OpenBLAS: exit $rc, want 0 with changed on every host"; cat "$T_OUT/recap3.out" 2>/dev/null | sed 's/^/    | /'; why check 25
fi
if [ -n "$before" ] && [ "$before" = "$after" ] && [[ "$after" == */blis-*/libblas.so.3* ]]; then
	t_pass "--check changed nothing on the hosts (libblas.so.3 still BLIS's, same packages, no new run)"
else
	t_fail "--check changed the hosts"; diff <(echo "$before") <(echo "$after") | sed 's/^/    | /'
fi
if grep -q 'armpy_plan: 1' "$T_OUT/check.out" && grep -q 'alt-blas' "$T_OUT/check.out"; then
	t_pass "--diff shows the plan"
else
	t_fail "--diff does not show the plan"; why check 10
fi
if logged report3 python3 "$HERE/report.py" --check "$T_OUT/check-report" openblas "" "${OK_HOSTS[@]}"; then
	t_pass "check reports: every host would change, steps listed ($(tail -1 "$T_OUT/report3.out"))"
else
	t_fail "the check report"; why report3 20
fi

# 4. The module alone, ad hoc, with the profile given as a dictionary: written to a private
# temporary file on the host, checked there (BLIS on a BLIS host: no change), and removed.
python3 -c 'import json, sys, yaml; json.dump({"p": yaml.safe_load(open(sys.argv[1]))}, sys.stdout)' \
	"$BLIS" >"$T_OUT/dict.json"
logged adhoc env ANSIBLE_COLLECTIONS_PATH="$TOP/ansible/collections" ANSIBLE_NOCOLOR=1 \
	ANSIBLE_HOST_KEY_CHECKING=False ansible -i "$T_OUT/ok.ini" fleet1 --check -m armpy.fleet.armpy -e "@$T_OUT/dict.json" \
	-a 'profile={{ p }} armpy=/usr/local/lib/armpy/armpy'
rc=$?
left=$(ssh_to fleet1 'ls /tmp | grep -c "^armpy-profile-"')
if [ $rc -eq 0 ] && python3 "$HERE/adhoc.py" "$T_OUT/adhoc.out" fleet1 >"$T_OUT/adhoc-chk.out" 2>&1 && [ "$left" = 0 ]; then
	t_pass "the module with the profile as a dict: checked, no change, no temporary file left ($(cat "$T_OUT/adhoc-chk.out"))"
else
	t_fail "the module with the profile as a dict (exit $rc, $left temporary files left)"
	sed 's/^/    | /' "$T_OUT/adhoc-chk.out"; why adhoc 10
fi

# 5. A host without network, from a bundle (tests/fleet/air.sh).
if t_section "5. a host without network, installed from a bundle"; then
	. "$HERE/air.sh"
	air_part
fi

echo "     (fleet suite took $(( $(date +%s) - t0 ))s)"
t_summary
