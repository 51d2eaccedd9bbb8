#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# tests/vendor/check.py — one armpy validate YAML report held to KEY=VALUE facts (KEY a dotted
# path: blas.backend_kind=openblas; checks.blas-library=PASS is that check's verdict).
# Prints each mismatch and exits 1; prints a one-line summary and exits 0 when all hold.
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
    bad = []
    for want in sys.argv[2:]:
        key, _, value = want.partition("=")
        have = get(doc, key)
        if str(have) != value:
            bad.append("%s is %r, want %r" % (key, have, value))
    if bad:
        print("\n".join(bad))
        blas = doc.get("blas") or {}
        print("blas: %s" % {k: blas.get(k) for k in ("kind", "version", "threading",
                                                      "backend", "backend_kind", "evidence")})
        sys.exit(1)
    blas = doc.get("blas") or {}
    print("%s %s -> %s %s (%s)" % (blas.get("kind"), blas.get("version"),
                                   blas.get("backend_kind"), blas.get("backend_version"),
                                   blas.get("threading")))


if __name__ == "__main__":
    main()
