#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# tests/vendor/check.py — one armpy validate YAML report held to KEY=VALUE facts (KEY a dotted
# path: blas.backend_kind=openblas; checks.blas-library=PASS is that check's verdict), or
# KEY~REGEX (re.search).
# Prints each mismatch and exits 1; prints a one-line summary and exits 0 when all hold.
import re
import sys

import yaml


def get(doc, path):
    head, _, rest = path.partition(".")
    if head == "checks":
        for c in doc.get("checks") or []:
            if c.get("name") == rest:
                return c.get("verdict")
        return None
    v = doc.get(head) if isinstance(doc, dict) else None
    return get(v, rest) if rest and v is not None else v


def main():
    with open(sys.argv[1]) as fp:
        doc = yaml.safe_load(fp)
    if not isinstance(doc, dict):
        sys.exit("%s is not a report (the probe failed?)" % sys.argv[1])
    bad = []
    for want in sys.argv[2:]:
        m = re.match(r"([^=~]+)([=~])(.*)$", want)
        key, op, value = m.groups()
        have = get(doc, key)
        if (str(have) != value) if op == "=" else not re.search(value, str(have)):
            bad.append("%s is %r, want %s%r" % (key, have, op, value))
    if bad:
        print("\n".join(bad))
        blas = doc.get("blas") or {}
        print("blas: %s" % {k: blas.get(k) for k in ("kind", "version", "threading",
                                                      "backend", "backend_kind", "evidence")})
        sys.exit(1)
    blas = doc.get("blas") or {}
    backend = (" -> %s %s" % (blas.get("backend_kind"), blas.get("backend_version") or "")
               if blas.get("backend_kind") else "")
    print("%s %s%s (%s)" % (blas.get("kind"), blas.get("version"), backend.rstrip(),
                            blas.get("threading")))


if __name__ == "__main__":
    main()
