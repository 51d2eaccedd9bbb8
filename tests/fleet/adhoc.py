#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# adhoc.py — checks `ansible HOST -m armpy.fleet.armpy --check` output (tests/fleet): the
# module read the profile it was given as a dict, ran armpy --check there, and found no change.
# usage: adhoc.py OUTPUT HOST      (OUTPUT: ad hoc's "HOST | SUCCESS => {JSON}")
import json
import sys

path, host = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
head, sep, body = text.partition(" => ")
if not sep or not head.startswith(host + " | "):
    sys.exit(f"no result for {host}: {text[:200]!r}")
res = json.loads(body)
check = res.get("check_yaml") or ""
errs = []
if res.get("failed"):
    errs.append(f"failed: {res.get('msg')}")
if res.get("changed") is not False or "would_change: false" not in check:
    errs.append(f"changed {res.get('changed')!r}, check said: {check[:300]!r}")
if "/tmp/armpy-profile-" not in check:
    errs.append("armpy --check did not read the temporary profile")
if errs:
    sys.exit("; ".join(errs))
print("would_change: false, from " + next(l.split(": ", 1)[1] for l in check.splitlines() if "profile:" in l))
