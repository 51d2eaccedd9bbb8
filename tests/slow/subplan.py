#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# subplan.py — keeps only the steps whose id matches REGEX from a plan armpy planned (the BLIS
# source build of a source-route plan), so a test can execute that part for real.
# usage: subplan.py PLAN.yaml REGEX OUT.yaml
import re
import sys

import yaml


def main():
    src, regex, out = sys.argv[1:4]
    with open(src, encoding="utf-8") as f:
        plan = yaml.safe_load(f)
    steps = [s for s in plan.get("steps", []) if re.fullmatch(regex, str(s.get("id", "")))]
    if not steps:
        sys.exit(f"{src}: no step id matches {regex!r}")
    plan["steps"] = steps
    with open(out, "w", encoding="utf-8") as f:
        yaml.safe_dump(plan, f, sort_keys=False, width=1000)
    for s in steps:
        kind = next(k for k in ("run", "download", "extract", "write", "alternative", "validate")
                    if k in s)
        print(s["id"], kind, " ".join(map(str, s[kind]["argv"])) if kind == "run" else "")


if __name__ == "__main__":
    main()
