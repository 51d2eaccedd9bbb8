#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# recap.py — checks ansible-playbook's PLAY RECAP (tests/fleet): per host ok/changed/failed counts.
# usage: recap.py OUTPUT failed BAD GOOD...   BAD failed, every GOOD host neither failed nor unreachable
#        recap.py OUTPUT unchanged HOST...    changed=0 failed=0 unreachable=0 on every host
#        recap.py OUTPUT changed HOST...      changed>0 failed=0 unreachable=0 on every host
import re
import sys


def recap(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    if "PLAY RECAP" not in text:
        sys.exit(f"{path}: no PLAY RECAP")
    hosts = {}
    for line in text.split("PLAY RECAP", 1)[1].splitlines():
        m = re.match(r"^(\S+)\s+:\s+(.*)$", line)
        if m:
            hosts[m.group(1)] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", m.group(2))}
    return hosts


def main():
    path, mode, names = sys.argv[1], sys.argv[2], sys.argv[3:]
    hosts = recap(path)
    errs = []
    for n in names:
        if n not in hosts:
            errs.append(f"{n} not in the recap")
    if errs:
        sys.exit("; ".join(errs))
    good = names[1:] if mode == "failed" else names
    if mode == "failed" and hosts[names[0]].get("failed", 0) < 1:
        errs.append(f"{names[0]} did not fail: {hosts[names[0]]}")
    for n in good:
        h = hosts[n]
        if h.get("failed", 0) or h.get("unreachable", 0):
            errs.append(f"{n} failed: {h}")
        if mode == "unchanged" and h.get("changed", 0) != 0:
            errs.append(f"{n} changed={h['changed']}")
        if mode == "changed" and h.get("changed", 0) < 1:
            errs.append(f"{n} changed=0")
    if errs:
        sys.exit("; ".join(errs))
    print(", ".join(f"{n}: changed={hosts[n].get('changed')} failed={hosts[n].get('failed')}"
                    for n in names))


if __name__ == "__main__":
    main()
