#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# doc.py — checks `ansible-doc -t module armpy.fleet.armpy` output (tests/fleet): every option
# and the main return values are documented, with check mode named.
import re
import sys

text = open(sys.argv[1], encoding="utf-8").read()
want = {
    "options": ["profile", "expect", "armpy", "root", "quick", "bundle"],
    "returns": ["changed", "steps", "executed", "summary", "validation", "check", "diff"],
}
head, _, returns = text.partition("RETURN VALUES:")
missing = [o for o in want["options"] if not re.search(r"^[-=] %s$" % o, head, re.M)]
missing += ["return " + r for r in want["returns"] if not re.search(r"^- %s$" % r, returns, re.M)]
for phrase in ("check_mode", "EXAMPLES"):
    if phrase not in text:
        missing.append(phrase)
if missing:
    sys.exit("not documented: " + ", ".join(missing))
print("options and return values documented")
