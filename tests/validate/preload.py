#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# preload.py — the dynamic linker's own word on which file serves NumPy's cblas_dgemm, checked
# against armpy validate's YAML report. ld.so prints every symbol it binds with LD_DEBUG=bindings;
# a @ b in a fresh interpreter makes it bind cblas_dgemm for numpy's _multiarray_umath.
# usage: preload.py YAML PYTHON KIND SCOPE [PRELOAD]
#   exit 0 and a summary when the report's blas.path is the file ld.so bound (same realpath),
#   blas.kind is KIND and blas.scope is SCOPE ("global" under LD_PRELOAD, else "module");
#   exit 1 and why otherwise.
import os
import re
import subprocess
import sys

import yaml

RUN = "import numpy as np\na = np.ones((64, 64))\na @ a\n"
BIND = re.compile(r"binding file (\S*_multiarray_umath\S*) \[\d+\] to (\S+) \[\d+\]: "
                  r"normal symbol `cblas_dgemm'")


def ldso_serving(python, preload):
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    env["LD_DEBUG"] = "bindings"
    if preload:
        env["LD_PRELOAD"] = preload
    p = subprocess.run([python, "-c", RUN], env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=300)
    found = {m.group(2) for m in BIND.finditer(p.stderr.decode("utf-8", "replace"))}
    if p.returncode != 0 or len(found) != 1:
        raise SystemExit("ld.so: exit %d, cblas_dgemm of _multiarray_umath bound to %s" %
                         (p.returncode, sorted(found) or "nothing"))
    return os.path.realpath(found.pop())


def main():
    if len(sys.argv) not in (5, 6):
        raise SystemExit(__doc__)
    report, python, kind, scope = sys.argv[1:5]
    preload = sys.argv[5] if len(sys.argv) == 6 else None
    truth = ldso_serving(python, preload)
    with open(report) as f:
        blas = (yaml.safe_load(f) or {}).get("blas") or {}
    said = os.path.realpath(blas.get("path") or "/nonexistent")
    bad = []
    if said != truth:
        bad.append("armpy says %s (%s), ld.so bound %s" % (blas.get("path"), said, truth))
    if blas.get("kind") != kind:
        bad.append("blas.kind %r, want %r" % (blas.get("kind"), kind))
    if blas.get("scope") != scope:
        bad.append("blas.scope %r, want %r" % (blas.get("scope"), scope))
    if bad:
        print("; ".join(bad))
        return 1
    print("ld.so and armpy agree: %s (%s, %s scope)" % (truth, kind, scope))
    return 0


if __name__ == "__main__":
    sys.exit(main())
