#!/usr/bin/python
# SPDX-License-Identifier: MIT
# armpy.py — the armpy.fleet.armpy module: runs headless armpy on the target and reports.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: armpy
short_description: Install and validate a NumPy/SciPy stack on the BLAS a profile chooses, with armpy
description:
  - Runs headless armpy on the target with a profile (C(armpy --profile FILE --yes --progress json)),
    then validates the BLAS behind NumPy (C(armpy validate --format yaml)) and returns the report.
  - The target needs armpy and its probe helper (C(armpy-probe.py)), for example from armpy's Debian
    package, or copied next to the binary as C(DIR/armpy) and C(DIR/scripts/armpy-probe.py), as the
    C(site.yml) playbook of this repository does.
  - armpy runs as root (use C(become)); it refuses to ask for a sudo password without a terminal.
  - C(changed) is true if and only if armpy executed a step. A step whose check said it was already
    satisfied is not a change, and neither is the validation step, which runs every time and changes
    nothing.
  - Check mode runs C(armpy --profile FILE --check --format yaml), which evaluates every step's check
    and runs nothing; C(changed) is then whether any step would run.
  - Diff mode returns the plan (C(armpy plan --profile FILE)) as the diff's C(after).
  - With I(bundle), every armpy command that plans (the run, check mode, diff mode) gets
    C(--bundle PATH), and nothing reaches for the network on the target; see I(bundle).
  - Every command is an argv list given to the executable, never a shell string.
version_added: "0.1.0"
author:
  - armpy contributors
options:
  profile:
    description:
      - The armpy profile, either a path on the target or the profile itself as a dictionary with the
        keys docs/profile.md describes (C(version), C(name), C(python), C(source), C(blas), ...).
      - A dictionary is written to a private temporary file (mode 0600) on the target, passed to
        armpy by path and removed afterwards.
    type: raw
    required: true
  expect:
    description:
      - The BLAS library NumPy must be served by (C(armpy validate --expect)). Validation fails, and
        so does the task, when another library serves C(cblas_dgemm).
      - When omitted, the report names the library that serves it without requiring one (the
        plan's own validation step still expects the profile's library).
    type: str
    choices: [openblas, blis]
  armpy:
    description:
      - The armpy executable on the target, a name looked up in C(PATH) or an absolute path.
    type: str
    default: armpy
  root:
    description:
      - Install into this directory instead of C(/) (C(armpy --root)), for a chroot or a mounted
        image. Detection, the plan, the run and the validation all use it.
    type: path
  quick:
    description:
      - Validate with C(--quick) (a shorter timing run, N=512); the verdicts are the same.
    type: bool
    default: false
  bundle:
    description:
      - A bundle file already on the target (made with C(armpy bundle) on a connected machine, from
        the target's facts), to install from without network (C(armpy --profile FILE --bundle PATH)).
      - armpy verifies it before anything runs (its manifest, every file's size and sha256, the
        target's release and architecture, and the plan made here equal to the bundle's), then
        apt reads the packages from it. A bundle that fails any of these fails the task with
        armpy's reason, and nothing is changed.
      - In check mode the bundle is verified and every step's check evaluated
        (C(armpy --profile FILE --bundle PATH --check)); in diff mode the plan shown is the one
        the bundle installs (C(armpy --profile FILE --bundle PATH --dry-run)).
      - The C(site.yml) playbook of this repository copies the bundle to
        C(/var/lib/armpy/bundles/) on each host (C(-e armpy_bundle=FILE)) and passes that path.
    type: path
notes:
  - Supports C(check_mode) and C(diff) mode.
  - The reports are YAML on the target; when PyYAML is not installed there, C(validation) and
    C(check) are null and the C(*_yaml) text is returned alone (the controller's C(from_yaml) filter
    reads it, as C(site.yml) does).
seealso:
  - name: armpy(1)
    description: The manual page (docs/armpy.1 in the repository).
  - name: The progress events
    description: docs/progress-json.md in the repository, which C(steps) follows.
requirements:
  - armpy on the target, and python3
'''

EXAMPLES = r'''
- name: NumPy on BLIS, from a profile already on the host
  armpy.fleet.armpy:
    profile: /etc/armpy/devkit-debian-system-blis.yaml
    expect: blis
  become: true
  register: armpy_result

- name: The same profile given inline
  armpy.fleet.armpy:
    profile:
      version: 1
      name: grace-openblas
      python: system
      source: system
      blas: {library: openblas, threading: openmp, threads: auto, build: package}
      scipy: true
    expect: openblas
    armpy: /usr/local/lib/armpy/armpy
  become: true

- name: On a host without internet, from a bundle copied there before
  armpy.fleet.armpy:
    profile: /etc/armpy/devkit-debian-system-blis.yaml
    bundle: /var/lib/armpy/bundles/blis.bundle
    expect: blis
  become: true

- name: What would it change? (runs nothing)
  armpy.fleet.armpy:
    profile: /etc/armpy/devkit-debian-system-blis.yaml
  check_mode: true
  diff: true
'''

RETURN = r'''
changed:
  description: Whether armpy executed a step (check mode, whether any step would run).
  returned: always
  type: bool
steps:
  description: Each step of the run, in order, from armpy's JSON-lines progress.
  returned: when armpy ran (not in check mode)
  type: list
  elements: dict
  sample: [{id: apt-install, kind: run, result: ok, cause: null, seconds: 41.2},
           {id: validate, kind: validate, result: ok, cause: null, seconds: 9.8}]
executed:
  description: The ids of the steps armpy executed (the validation step excluded).
  returned: when armpy ran
  type: list
  elements: str
run:
  description: armpy's run_end event, with C(result), C(exit), C(run_id), C(run_dir) and C(log).
  returned: when armpy ran
  type: dict
summary:
  description: The validation at a glance, read from the report.
  returned: when the validation ran
  type: dict
  contains:
    passed: {description: Whether every check passed., type: bool}
    blas: {description: The library serving cblas_dgemm (openblas, blis, ...)., type: str}
    lapack: {description: The library serving dgetrf_., type: str}
    numpy: {description: NumPy's version., type: str}
    scipy: {description: SciPy's version, or null when SciPy is not installed., type: str}
    gflops_1: {description: dgemm GFLOPS on one thread., type: float}
    gflops_all: {description: dgemm GFLOPS on all threads., type: float}
    threads_all: {description: How many threads "all" was., type: int}
    failed_checks: {description: 'The checks whose verdict is FAIL, as "name: detail".', type: list}
    verdict: {description: PASS or FAIL., type: str}
validation:
  description: The full report of C(armpy validate --format yaml) as a dictionary (null without PyYAML on the target).
  returned: when the validation ran
  type: dict
validation_yaml:
  description: The same report as YAML text.
  returned: when the validation ran
  type: str
report_html:
  description:
    - The run as one self-contained HTML page, as C(armpy report RUN-ID --html -) writes it, with
      the machine, the steps with their outcomes and times, every validation check and the GFLOPS
      charts.
  returned: when armpy ran and made a run directory, also when a step failed
  type: str
facts_yaml:
  description: C(armpy detect) on the target (distribution, CPU, Pythons) as YAML text.
  returned: always, unless armpy could not be run
  type: str
host:
  description: The distribution, architecture and CPU armpy detected.
  returned: always, unless armpy could not be run
  type: dict
  sample: {distro: Ubuntu 24.04.1 LTS, arch: aarch64, cpu: Neoverse-V2}
check:
  description: In check mode, the report of C(armpy --check --format yaml) as a dictionary (null without PyYAML).
  returned: in check mode
  type: dict
check_yaml:
  description: In check mode, that report as YAML text.
  returned: in check mode
  type: str
diff:
  description: In diff mode, the plan armpy executes (or would execute), as C(after).
  returned: in diff mode
  type: dict
'''

import json
import os
import re
import tempfile

from ansible.module_utils.basic import AnsibleModule

try:
    import yaml
    HAS_YAML = True
except ImportError:
    HAS_YAML = False


def load_yaml(text):
    """The report as a dict when PyYAML is there, else None (the text is returned too)."""
    if not HAS_YAML:
        return None
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    return doc if isinstance(doc, dict) else None


def scalar(text, section, key):
    """A top-level (section None) or one-level-nested scalar of armpy's block YAML, as text."""
    if section is None:
        pat = r'^%s: *(.*)$' % re.escape(key)
    else:
        pat = r'^%s:\n(?:  .*\n)*?  %s: *(.*)$' % (re.escape(section), re.escape(key))
    m = re.search(pat, text, re.M)
    if m is None:
        return None
    v = m.group(1).strip()
    if v in ('null', '~', ''):
        return None
    if len(v) >= 2 and v[0] == v[-1] and v[0] in '"\'':
        v = v[1:-1]
    return v


def number(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def failed_checks(text):
    """'name: detail' of every FAIL verdict in the report's checks list."""
    out = []
    for m in re.finditer(r'^- name: (\S+)\n  verdict: FAIL\n  detail: (.*)$', text, re.M):
        out.append('%s: %s' % (m.group(1), m.group(2).strip().strip('\'"')))
    return out


def summarize(text, passed):
    threads = number(scalar(text, 'speed', 'threads_all'))
    return {
        'passed': passed,
        'verdict': 'PASS' if passed else 'FAIL',
        'blas': scalar(text, 'blas', 'kind'),
        'lapack': scalar(text, 'lapack', 'kind'),
        'numpy': scalar(text, None, 'numpy'),
        'scipy': scalar(text, None, 'scipy'),
        'gflops_1': number(scalar(text, 'speed', 'gflops_1')),
        'gflops_all': number(scalar(text, 'speed', 'gflops_all')),
        'threads_all': int(threads) if threads is not None else None,
        'failed_checks': failed_checks(text),
    }


class Armpy(object):
    """One task: the argv common to every armpy command, and the result being built."""

    def __init__(self, module):
        self.module = module
        self.exe = self.find_exe(module.params['armpy'])
        self.root = module.params['root']
        self.result = {'changed': False}
        self.tmp = None

    def find_exe(self, name):
        if '/' in name:
            if not os.access(name, os.X_OK):
                self.module.fail_json(msg='armpy executable %s is missing or not executable' % name)
            return name
        return self.module.get_bin_path(name, required=True)

    def root_args(self):
        return ['--root', self.root] if self.root else []

    def bundle_args(self):
        """--bundle PATH for the commands that plan, when a bundle is given (checked to exist)."""
        b = self.module.params['bundle']
        if not b:
            return []
        if not os.path.isfile(b):
            self.fail('bundle %s: no such file on the target' % b)
        return ['--bundle', b]

    def run(self, args, **kw):
        argv = [self.exe] + args
        rc, out, err = self.module.run_command(argv, **kw)
        return rc, out, err

    def fail(self, msg, **extra):
        self.result.update(extra)
        self.cleanup()
        self.module.fail_json(msg=msg, **self.result)

    def cleanup(self):
        if self.tmp is not None:
            try:
                os.unlink(self.tmp)
            except OSError:
                pass
            self.tmp = None

    def profile_path(self):
        """The profile's path on the target; a dict goes to a 0600 temporary file (JSON is YAML)."""
        p = self.module.params['profile']
        if isinstance(p, dict):
            fd, self.tmp = tempfile.mkstemp(prefix='armpy-profile-', suffix='.yaml')
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, 'w') as f:
                json.dump(p, f, indent=2, sort_keys=True)
                f.write('\n')
            return self.tmp
        if not isinstance(p, str) or p == '':
            self.fail('profile must be a path on the target or a dictionary, not %s' % type(p).__name__)
        if not os.path.isfile(p):
            self.fail('profile %s: no such file on the target' % p)
        return p

    def detect(self):
        rc, out, err = self.run(['detect'] + self.root_args())
        if rc != 0:
            self.fail('armpy detect failed (exit %d): %s' % (rc, err.strip() or out.strip()))
        self.result['facts_yaml'] = out
        self.result['host'] = {
            'distro': scalar(out, 'distro', 'pretty_name'),
            'arch': scalar(out, None, 'arch'),
            'cpu': scalar(out, 'cpu', 'name'),
        }

    def plan_diff(self, profile):
        """The plan as the diff's after: armpy plan, or with a bundle, the plan it installs."""
        bundle = self.bundle_args()
        if bundle:
            args = ['--profile', profile] + bundle + ['--dry-run']
        else:
            args = ['plan', '--profile', profile]
        rc, out, err = self.run(args + self.root_args())
        if rc != 0:
            self.fail('armpy %s failed (exit %d): %s' % (args[0], rc, err.strip()))
        self.result['diff'] = {'before': '', 'after': out,
                               'after_header': 'armpy %s' % ' '.join(args)}


def parse_progress(text):
    """step_end events in order (with their kind from step_start) and the run_end event."""
    kinds, steps, end = {}, [], None
    for line in text.splitlines():
        try:
            ev = json.loads(line)
        except ValueError:
            continue
        if not isinstance(ev, dict):
            continue
        name = ev.get('event')
        if name == 'step_start':
            kinds[ev.get('id')] = ev.get('kind')
        elif name == 'step_end':
            steps.append({'id': ev.get('id'), 'kind': kinds.get(ev.get('id')),
                          'result': ev.get('result'), 'cause': ev.get('cause'),
                          'seconds': ev.get('seconds')})
        elif name == 'run_end':
            end = ev
    return steps, end


def run_check(a, profile):
    rc, out, err = a.run(['--profile', profile, '--check', '--format', 'yaml'] + a.bundle_args() +
                         a.root_args())
    if rc != 0:
        a.fail('armpy --check failed (exit %d): %s' % (rc, err.strip() or out.strip()))
    m = re.search(r'^\s*would_change:\s*(true|false)\s*$', out, re.M)
    if m is None:
        a.fail('armpy --check gave no would_change (is this armpy new enough for --check?)',
               check_yaml=out)
    a.result['changed'] = m.group(1) == 'true'
    a.result['check_yaml'] = out
    a.result['check'] = load_yaml(out)


def output_tail(err):
    """The failed step's last output lines from armpy's failure report: its errors (apt's 'E:'
    lines) when it printed some, else its last two lines."""
    tail = [l.strip()[2:] for l in err.splitlines() if l.startswith('    | ')]
    errors = [l for l in tail if l.startswith('E:') or 'rror' in l]
    return (errors or tail[-2:])[-3:]


def why_failed(steps, end, err):
    tail = output_tail(err)
    for s in steps:
        if s['result'] in ('failed', 'interrupted'):
            why = 'step %s %s: %s' % (s['id'], s['result'], s['cause'] or 'no cause given')
            return why + (' (%s)' % ' / '.join(tail) if tail else '')
    lines = [l.strip() for l in err.splitlines() if l.strip()][-3:]
    what = end['result'] if end else 'no run_end event'
    return 'armpy run %s: %s' % (what, ' / '.join(lines) or 'no output')


def host_report(a, end):
    """The run as armpy report's HTML page (report_html), when armpy made a run directory."""
    run_id = (end or {}).get('run_id')
    if not run_id:
        return
    rc, out, err = a.run(['report', run_id, '--html', '-'])
    if rc == 0:
        a.result['report_html'] = out
    else:
        a.result['report_error'] = err.strip() or 'armpy report: exit %d' % rc


def run_profile(a, profile):
    rc, out, err = a.run(['--profile', profile, '--yes', '--progress', 'json'] + a.bundle_args() +
                         a.root_args())
    steps, end = parse_progress(out)
    executed = [s['id'] for s in steps if s['result'] == 'ok' and s['kind'] != 'validate']
    a.result.update(steps=steps, executed=executed, run=end, changed=bool(executed))
    host_report(a, end)
    if rc != 0:
        a.fail(why_failed(steps, end, err), rc=rc, stderr=err)


def validate(a):
    p = a.module.params
    args = ['validate', '--format', 'yaml'] + a.root_args()
    if p['expect']:
        args += ['--expect', p['expect']]
    if p['quick']:
        args.append('--quick')
    rc, out, err = a.run(args)
    a.result['validation_yaml'] = out
    a.result['validation'] = load_yaml(out)
    a.result['summary'] = summarize(out, rc == 0 and scalar(out, None, 'passed') == 'true')
    if rc != 0:
        bad = a.result['summary']['failed_checks']
        a.fail('validation failed: %s' % ('; '.join(bad) if bad else (err.strip() or 'exit %d' % rc)),
               rc=rc, stderr=err)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            profile=dict(type='raw', required=True),
            expect=dict(type='str', choices=['openblas', 'blis']),
            armpy=dict(type='str', default='armpy'),
            root=dict(type='path'),
            quick=dict(type='bool', default=False),
            bundle=dict(type='path'),
        ),
        supports_check_mode=True,
    )
    a = Armpy(module)
    profile = a.profile_path()
    a.detect()
    if module._diff:
        a.plan_diff(profile)
    if module.check_mode:
        run_check(a, profile)
    else:
        run_profile(a, profile)
        validate(a)
    a.cleanup()
    module.exit_json(**a.result)


if __name__ == '__main__':
    main()
