#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# page.py — opens an armpy HTML page in Debian's headless Chromium and checks what a reader gets:
# it loads with no console message and no request outside the file, the DOM holds the figures
# of the YAML it was made from, no element runs script, and a 1280x800 screenshot is not blank.
#
#   page.py PAGE --shot OUT.png [--validation V.yaml] [--gflops G.yaml] [--text S]...
#           [--fleet HOSTS_DIR]
import argparse
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile

import yaml
from PIL import Image

FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--disable-default-apps', '--disable-extensions', '--mute-audio',
         '--hide-scrollbars']


class Dom(html.parser.HTMLParser):
    """The dumped DOM: its text, its elements, and the cells of each table row."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text = []
        self.tags = []
        self.rows = []
        self.cell = None
        self.row = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == 'tr':
            self.row = []
        elif tag in ('td', 'th') and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ('td', 'th') and self.cell is not None and self.row is not None:
            self.row.append(' '.join(''.join(self.cell).split()))
            self.cell = None
        elif tag == 'tr' and self.row is not None:
            self.rows.append(self.row)
            self.row = None

    def handle_data(self, data):
        self.text.append(data)
        if self.cell is not None:
            self.cell.append(data)


def chromium(page, extra, tmp):
    exe = shutil.which('chromium') or '/usr/bin/chromium'
    prof = tempfile.mkdtemp(dir=tmp)
    # in a network namespace with no network: nothing the page or the browser asks for leaves
    # the machine, and every request is still in the net log
    argv = ['unshare', '-n', exe] + FLAGS + ['--user-data-dir=' + prof, '--enable-logging=stderr', '--v=0'] + \
        extra + ['file://' + os.path.abspath(page)]
    p = subprocess.run(argv, capture_output=True, timeout=120, text=True, errors='replace')
    return p


def requests_made(netlog):
    """Every URL the page asked for, from Chromium's net log. The browser's own requests (its
    clock, updates, accounts) have no initiating origin; a page's have the page's."""
    with open(netlog) as f:
        text = f.read()
    try:
        log = json.loads(text)
    except ValueError:          # a log cut short at exit: close it
        log = json.loads(text.rstrip().rstrip(',') + ']}')
    start = log['constants']['logEventTypes']['URL_REQUEST_START_JOB']
    urls = []
    for ev in log.get('events', []):
        p = ev.get('params') or {}
        if ev.get('type') == start and p.get('url') and p.get('initiator') != 'not an origin':
            urls.append(p['url'])
    return urls


def fail(msg):
    print('FAIL: ' + msg)
    sys.exit(1)


def check_load(page, tmp):
    netlog = os.path.join(tmp, 'net.json')
    p = chromium(page, ['--dump-dom', '--log-net-log=' + netlog], tmp)
    if p.returncode != 0 or '<html' not in p.stdout:
        fail('chromium --dump-dom: exit %d: %s' % (p.returncode, p.stderr[-400:]))
    console = [l for l in p.stderr.splitlines() if 'CONSOLE' in l]
    if console:
        fail('console messages: %s' % console[:3])
    outside = [u for u in requests_made(netlog)
               if not u.startswith(('file:', 'data:', 'about:', 'chrome:'))]
    if outside:
        fail('requests outside the page: %s' % outside[:5])
    dom = Dom()
    dom.feed(p.stdout)
    return dom


def check_inert(dom):
    for tag, attrs in dom.tags:
        if tag in ('script', 'iframe', 'object', 'embed', 'img', 'link', 'base', 'form'):
            fail('element <%s> in the DOM' % tag)
        for k, v in attrs.items():
            if k.startswith('on'):
                fail('event handler %s on <%s>' % (k, tag))
            if k in ('href', 'src') and v and ':' in v.split('/')[0]:
                fail('<%s %s="%s"> points outside the page' % (tag, k, v))


def find_row(dom, first):
    for r in dom.rows:
        if r and r[0] == first:
            return r
    return None


def check_validation(dom, path):
    with open(path) as f:
        v = yaml.safe_load(f)
    text = ' '.join(' '.join(dom.text).split())
    speed = v.get('speed') or {}
    for key in ('gflops_1', 'gflops_all', 'peak_gflops'):
        if speed.get(key) is not None:
            raw = yaml_scalar(path, key)
            if raw not in text:
                fail('speed.%s %s is not on the page' % (key, raw))
    n = 0
    for c in v.get('checks') or []:
        r = find_row(dom, c['name'])
        if r is None or len(r) < 3 or r[1] != c['verdict']:
            fail('check %s: the page says %s, the YAML %s' % (c['name'], r, c['verdict']))
        if ' '.join(str(c['detail']).split()) != r[2]:
            fail('check %s: detail differs: %r vs %r' % (c['name'], r[2], c['detail']))
        n += 1
    kind = (v.get('blas') or {}).get('version')
    if kind and kind not in text:
        fail('the BLAS version %s is not on the page' % kind)
    return n


def yaml_scalar(path, key):
    """The scalar's own text in the YAML (the page shows it as written)."""
    with open(path) as f:
        for line in f:
            s = line.strip()
            if s.startswith(key + ':'):
                return s.split(':', 1)[1].strip().strip('"')
    return None


def check_gflops(dom, path):
    with open(path) as f:
        g = yaml.safe_load(f)
    text = ' '.join(' '.join(dom.text).split())
    shown = 0
    for r in g.get('results') or []:
        if r.get('error'):
            if ' '.join(str(r['error']).split()) not in text:
                fail('the failure %r is not on the page' % r['error'])
        elif isinstance(r.get('gflops'), (int, float)) and r['gflops'] >= 0:
            shown += 1
    if g.get('recommendation') and ' '.join(g['recommendation'].split()) not in text:
        fail('the recommendation is not on the page')
    raws = [l.split(':', 1)[1].strip() for l in open(path) if l.strip().startswith('gflops:')]
    for raw in raws:
        if raw not in ('-1', '-1.00') and raw not in text:
            fail('gflops %s is not on the page' % raw)
    return shown


def check_fleet(dom, hosts_dir):
    n = 0
    for name in sorted(os.listdir(hosts_dir)):
        if not name.endswith('.yaml'):
            continue
        with open(os.path.join(hosts_dir, name)) as f:
            h = yaml.safe_load(f)
        r = find_row(dom, h['host'])
        if r is None:
            fail('host %s has no row' % h['host'])
        if not h['ok']:
            reason = ' '.join(str(h['reason']).split())
            if reason not in ' '.join(' '.join(dom.text).split()):
                fail('host %s: its reason is not on the page' % h['host'])
        n += 1
    # failed hosts first
    order = [r[0] for r in dom.rows if len(r) > 5 and r[0] != 'Host']
    verdicts = [r[5] for r in dom.rows if len(r) > 5 and r[0] != 'Host']
    seen_ok = False
    for v in verdicts:
        if v != 'FAILED':
            seen_ok = True
        elif seen_ok:
            fail('a failed host comes after a good one: %s' % order)
    return n


def check_shot(page, out, tmp):
    p = chromium(page, ['--screenshot=' + out, '--window-size=1280,800'], tmp)
    if p.returncode != 0 or not os.path.exists(out):
        fail('chromium --screenshot: exit %d' % p.returncode)
    im = Image.open(out).convert('RGB')
    if im.size != (1280, 800):
        fail('screenshot is %dx%d' % im.size)
    colours = im.getcolors(1280 * 800)
    top = max(c for c, _ in colours)
    if len(colours) < 16 or top > 0.97 * 1280 * 800:
        fail('screenshot is blank (%d colours, the commonest %.1f%%)' %
             (len(colours), 100.0 * top / (1280 * 800)))
    return len(colours)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('page')
    ap.add_argument('--shot', required=True)
    ap.add_argument('--validation')
    ap.add_argument('--gflops')
    ap.add_argument('--fleet')
    ap.add_argument('--text', action='append', default=[])
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix='armpy-page-')
    try:
        dom = check_load(a.page, tmp)
        check_inert(dom)
        said = []
        if a.validation:
            said.append('%d checks as in the YAML' % check_validation(dom, a.validation))
        if a.gflops:
            said.append('%d timings as in the YAML' % check_gflops(dom, a.gflops))
        if a.fleet:
            said.append('%d hosts' % check_fleet(dom, a.fleet))
        text = ' '.join(dom.text)
        for t in a.text:
            if t not in text:
                fail('text %r is not on the page' % t)
        said.append('screenshot %d colours' % check_shot(a.page, a.shot, tmp))
        print('ok: no console message, no request outside the page, no script; ' +
              ', '.join(said))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
