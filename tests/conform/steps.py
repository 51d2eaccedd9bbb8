#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# steps.py — what a plan asks of the OpenBLAS and BLIS build systems, one line each:
#   openblas VERSION TARGET|-        (openblas-build's TARGET=, "-" when the plan sets none)
#   blis VERSION CONFIGURE-ARGS...   (blis-configure's argv after ./configure; the config last)
# VERSION is the pinned release the plan downloads (the tarball's name in its download URL).
# usage: steps.py PLAN.yaml   (no output: the plan builds neither from source)
import re
import sys

import yaml

VERSION = {"openblas": re.compile(r"OpenBLAS-([0-9][0-9.]*[0-9])\.tar"),
           "blis": re.compile(r"blis[-_]([0-9][0-9.]*[0-9])(\.orig)?\.tar")}


def main():
    plan = yaml.safe_load(open(sys.argv[1])) or {}
    steps = {s.get("id"): s for s in plan.get("steps") or []}
    for lib in ("openblas", "blis"):
        dl = steps.get(lib + "-download")
        if dl is None:
            continue
        m = VERSION[lib].search((dl.get("download") or {}).get("url") or "")
        ver = m.group(1) if m else "?"
        if lib == "openblas":
            argv = (steps.get("openblas-build") or {}).get("run", {}).get("argv") or []
            t = [a[len("TARGET="):] for a in argv if a.startswith("TARGET=")]
            print("openblas", ver, t[-1] if t else "-")
        else:
            argv = (steps.get("blis-configure") or {}).get("run", {}).get("argv") or []
            print("blis", ver, *argv[1:])


if __name__ == "__main__":
    main()
