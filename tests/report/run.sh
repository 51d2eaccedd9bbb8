#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/report/run.sh — armpy's HTML pages in a real browser: a real run (write, run and validate
# steps, the real NumPy on this machine) made into a page with `armpy report`, and
# `armpy validate --format html`. Debian's headless Chromium opens each page in a network
# namespace without network: no console message, no request from the page, no script, the DOM
# holds the figures of the YAML report, a 1280x800 screenshot is not blank. Hostile text from the
# plan shows as text. The checker itself is shown to fail on a page that asks the network, runs
# script or is blank.
set -u
. "$(dirname "$0")/../lib.sh"

PY=/usr/bin/python3          # Debian's, with python3-yaml and python3-pil
PAGE="$PY $TOP/tests/report/page.py"
W=$(mktemp -d /tmp/armpy-report.XXXXXX)
export ARMPY_STATE_DIR=$W/state
OUT=$TOP/tests/out/report
mkdir -p "$OUT"
trap 'rm -rf "$W"' EXIT
show() { sed 's/^/    | /' "$1" | tail -${2:-8}; }

if ! command -v chromium >/dev/null || ! $PY -c 'import yaml, PIL' 2>/dev/null; then
	t_fail "chromium, python3-yaml and python3-pil are needed (make check installs them)"
	t_summary; exit 1
fi

HOSTILE_PROFILE='<script>alert(1)</script> lab & co'
HOSTILE_TITLE='Write a note <img src=x onerror=alert(1)>'
cat >"$W/plan.yaml" <<EOF
armpy_plan: 1
profile: "$HOSTILE_PROFILE"
target: "report test"
warnings: ["a <b>warning</b> from the plan"]
notes: []
steps:
- id: write-note
  title: "$HOSTILE_TITLE"
  why: test
  privileged: false
  skippable: false
  est_seconds: 1
  write: {path: $W/out/note, mode: "0644", content: "hi\n"}
- id: wait
  title: Wait a moment
  why: test
  privileged: false
  skippable: false
  est_seconds: 1
  run: {argv: [sleep, "1"]}
- id: validate
  title: Validate the BLAS behind NumPy
  why: test
  privileged: false
  skippable: false
  est_seconds: 30
  validate: {expect: openblas, python: $PY, openblas_min: "0.3.17", numpy_min: "1.21.1", scipy_min: null, env: []}
EOF

# ---------------------------------------------------------------- a real run, then its page
# (the validation may pass or fail, whichever BLAS this machine has: the page shows either)
"$ARMPY" run --yes "$W/plan.yaml" >"$W/run.out" 2>&1; rc=$?
ID=$(ls "$ARMPY_STATE_DIR/runs" | head -1)
RUN=$ARMPY_STATE_DIR/runs/$ID
if [ "$rc" -le 1 ] && [ -f "$RUN/validation.yaml" ] && [ "$(stat -c %a "$RUN/validation.yaml")" = 600 ]; then
	t_pass "a run keeps its validation report: validation.yaml, 0600 (exit $rc)"
else
	t_fail "the run's validation.yaml (exit $rc)"; show "$W/run.out"; ls -la "$RUN" | sed 's/^/    /'
fi

"$ARMPY" report "$ID" --html "$OUT/run.html" >"$W/rep.out" 2>&1; rc=$?
if [ "$rc" -eq 0 ] && grep -qx "report: $OUT/run.html" "$W/rep.out" && ! grep -qi '<script' "$OUT/run.html"; then
	t_pass "armpy report ID --html FILE: written, said where, no script in it"
else
	t_fail "armpy report ID --html (exit $rc)"; show "$W/rep.out"
fi

if $PAGE "$OUT/run.html" --shot "$OUT/run.png" --validation "$RUN/validation.yaml" \
	--text "$HOSTILE_PROFILE" --text "$HOSTILE_TITLE" --text "Wait a moment" >"$W/page.out" 2>&1; then
	t_pass "the run's page in Chromium: $(tail -1 "$W/page.out")"
else
	t_fail "the run's page in Chromium"; show "$W/page.out"
fi

"$ARMPY" report >"$W/def.out" 2>&1; rc=$?
if [ "$rc" -eq 0 ] && grep -qx "report: $RUN/report.html" "$W/def.out" && [ -s "$RUN/report.html" ]; then
	t_pass "armpy report with no id: the newest run, report.html in its directory"
else
	t_fail "armpy report, defaults (exit $rc)"; show "$W/def.out"
fi

"$ARMPY" report "$ID" --html - >"$W/stdout.html" 2>"$W/stdout.err"; rc=$?
if [ "$rc" -eq 0 ] && head -c 15 "$W/stdout.html" | grep -q '<!DOCTYPE html>' && [ ! -s "$W/stdout.err" ]; then
	t_pass "--html -: the page on stdout"
else
	t_fail "--html - (exit $rc)"; show "$W/stdout.err"
fi

# ---------------------------------------------------------------- where it writes, and bad runs
echo victim >"$W/victim"
ln -s "$W/victim" "$W/link.html"
"$ARMPY" report "$ID" --html "$W/link.html" >/dev/null 2>&1; rc=$?
if [ "$rc" -eq 0 ] && [ "$(cat "$W/victim")" = victim ] && [ -f "$W/link.html" ] && [ ! -L "$W/link.html" ]; then
	t_pass "--html onto a symlink: the link is replaced, its target untouched"
else
	t_fail "--html onto a symlink (exit $rc)"
fi

mknod -m 666 "$W/full" c 1 7     # /dev/full's device, so that a regression replaces only this
"$ARMPY" report "$ID" --html "$W/full" >"$W/full.out" 2>&1; rc=$?
"$ARMPY" report "$ID" --html - >"$W/full" 2>"$W/full2.out"; rc2=$?
if [ "$rc" -eq 1 ] && [ "$rc2" -eq 1 ] && grep -q 'No space' "$W/full2.out" && [ -c "$W/full" ]; then
	t_pass "a full device, as --html FILE and as stdout: exit 1, said, the device left as it was"
else
	t_fail "a full disk (exit $rc, $rc2)"; show "$W/full.out"; show "$W/full2.out"
fi

"$ARMPY" report 20990101-000000-1 >"$W/none.out" 2>&1; rc=$?
if [ "$rc" -eq 2 ] && grep -q "no run '20990101-000000-1'" "$W/none.out"; then
	t_pass "no such run: exit 2, named"
else
	t_fail "no such run (exit $rc)"; show "$W/none.out"
fi

BAD=$ARMPY_STATE_DIR/runs/20261206-000000-2
cp -a "$RUN" "$BAD"
printf 'passed: true\nchecks: [\n' >"$BAD/validation.yaml"
"$ARMPY" report 20261206-000000-2 --html "$W/bad.html" >"$W/bad.out" 2>&1; rc=$?
if [ "$rc" -eq 2 ] && grep -q 'validation.yaml:[0-9]*:[0-9]*:' "$W/bad.out" && [ ! -e "$W/bad.html" ]; then
	t_pass "a run whose validation.yaml does not load: exit 2, positioned, no page"
else
	t_fail "a broken validation.yaml (exit $rc)"; show "$W/bad.out"
fi
chmod 0777 "$BAD"
"$ARMPY" report 20261206-000000-2 --html "$W/bad.html" >"$W/bad2.out" 2>&1; rc=$?
if [ "$rc" -eq 2 ] && [ ! -e "$W/bad.html" ]; then
	t_pass "a run directory others can write: refused (exit 2)"
else
	t_fail "a run directory others can write (exit $rc)"; show "$W/bad2.out"
fi
rm -rf "$BAD"

# ---------------------------------------------------------------- validate and gflops as pages
"$ARMPY" validate --python "$PY" --quick --format yaml >"$W/v.yaml" 2>"$W/v.err"
"$ARMPY" validate --python "$PY" --quick --format html >"$OUT/validate.html" 2>"$W/vh.err"; rc=$?
if [ "$rc" -le 1 ] && $PAGE "$OUT/validate.html" --shot "$OUT/validate.png" --text 'The machine' \
	>"$W/vpage.out" 2>&1; then
	t_pass "armpy validate --format html in Chromium: $(tail -1 "$W/vpage.out")"
else
	t_fail "armpy validate --format html (exit $rc)"; show "$W/vpage.out"; show "$W/vh.err"
fi

"$ARMPY" gflops --quick --repeat 2 --format yaml >"$W/g.yaml" 2>"$W/g.err"; rc=$?
"$ARMPY" report "$ID" --gflops "$W/g.yaml" --html "$OUT/gflops.html" >/dev/null 2>&1; rc2=$?
if [ "$rc" -eq 0 ] && [ "$rc2" -eq 0 ] && $PAGE "$OUT/gflops.html" --shot "$OUT/gflops.png" \
	--gflops "$W/g.yaml" --validation "$RUN/validation.yaml" >"$W/gpage.out" 2>&1; then
	t_pass "a run with armpy gflops' timings in Chromium: $(tail -1 "$W/gpage.out")"
else
	t_fail "the gflops page (exit $rc, $rc2)"; show "$W/gpage.out"; show "$W/g.err"
fi

"$ARMPY" gflops --quick --repeat 2 --format html >"$OUT/gflops-only.html" 2>"$W/gh.err"; rc=$?
if [ "$rc" -eq 0 ] && $PAGE "$OUT/gflops-only.html" --shot "$OUT/gflops-only.png" --text 'The machine' \
	--text 'armpy gflops' >"$W/ghpage.out" 2>&1; then
	t_pass "armpy gflops --format html in Chromium: $(tail -1 "$W/ghpage.out")"
else
	t_fail "armpy gflops --format html (exit $rc)"; show "$W/ghpage.out"; show "$W/gh.err"
fi

# ---------------------------------------------------------------- the fleet page
# ansible/templates/fleet-report.html.j2 through the real ansible-core, for three local hosts with
# the module's results (tests/report/fleet-page.yml): one failed, HTML in its reason and a name.
# (The fleet suite checks the same page after a real run over SSH.)
FL=$OUT/fleet
rm -rf "$FL"; mkdir -p "$FL"
REASON='armpy --profile: step apt-install failed: E: <b>Unable</b> to locate package & <script>alert(1)</script>'
for h in alpha bravo '<b>charlie</b>'; do
	ok=true; [ "$h" = bravo ] && ok=false
	printf 'host: "%s"
ok: %s
reason: "%s"
' "$h" "$ok" "$REASON" >"$FL/$(echo "$h" | tr -dc a-z).yaml"
done
if ANSIBLE_STDOUT_CALLBACK=default ANSIBLE_NOCOLOR=1 ansible-playbook -c local 	-i 'alpha,bravo,<b>charlie</b>,' "$TOP/tests/report/fleet-page.yml" -e "out=$FL" >"$W/fl.out" 2>&1 &&
	$PAGE "$FL/index.html" --shot "$OUT/fleet.png" --fleet "$FL" --text "$REASON" 	--text 'Profile <lab>.yaml' >"$W/flpage.out" 2>&1; then
	t_pass "the fleet page in Chromium: failed host first with its reason, names as text: $(tail -1 "$W/flpage.out")"
else
	t_fail "the fleet page"; show "$W/fl.out"; show "$W/flpage.out"
fi

# ---------------------------------------------------------------- the checker can fail
sed -e 's|<meta http-equiv="Content-Security-Policy"[^>]*>||' \
	-e 's|</main>|<div style="background:url(http://127.0.0.1:9/y.png)">x</div></main>|' \
	"$OUT/run.html" >"$W/net.html"
sed 's|</main>|<script>console.log("hi")</script></main>|' "$OUT/run.html" >"$W/js.html"
printf '<!DOCTYPE html><html><body></body></html>\n' >"$W/blank.html"
n=0
for p in net js blank; do
	if ! $PAGE "$W/$p.html" --shot "$W/$p.png" >"$W/neg-$p.out" 2>&1; then n=$((n + 1)); fi
done
if [ "$n" -eq 3 ] && grep -q 'requests outside the page' "$W/neg-net.out" && grep -q 'blank' "$W/neg-blank.out"; then
	t_pass "the checker fails a page that asks the network, one with script, and a blank one"
else
	t_fail "the checker let a bad page through ($n of 3 failed)"; show "$W/neg-net.out"; show "$W/neg-js.out"
fi

t_summary
