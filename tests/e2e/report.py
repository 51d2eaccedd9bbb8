#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# report.py — checks an `armpy validate --format yaml` report in the chroot tests: the serving
# BLAS is LIB, LAPACK is KIND (when asked), correctness passed and GFLOPS are present.
# Numbers are parsed, never matched by their print format: an exact 0 is a valid error, and
# "1e-16" (which YAML 1.1 reads as a string) is as good a number as "1.0e-16".
# usage: report.py REPORT.yaml LIB [--lapack KIND] [--emulated | --native] [--corename] [--kernels]
#                  [--blis-kernels WORD [--expected CFG] [--known "A B ..."]]
#   --kernels: blas.kernels (the kernel set running) is a non-empty word, with its evidence.
#   --blis-kernels WORD: WORD is what BLIS itself says (blisarch.py); blas.kernels is WORD and
#   the blis-kernels check agrees with it (kernels.py: generic is a WARN naming a remedy).
import math
import os
import re
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernels  # noqa: E402


def num(v):
    """A finite number from a YAML scalar (int, float, or a string float() accepts), or None."""
    if isinstance(v, bool) or v is None:
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def find(doc, *path):
    for p in path:
        if not isinstance(doc, dict) or p not in doc:
            return None
        doc = doc[p]
    return doc


def opt(opts, name):
    return opts[opts.index(name) + 1] if name in opts and opts.index(name) + 1 < len(opts) else None


def main():
    path, lib = sys.argv[1], sys.argv[2]
    opts = sys.argv[3:]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as e:
        sys.exit(f"not YAML: {e}")
    if not isinstance(doc, dict):
        sys.exit(f"not a YAML mapping: {text[:200]!r}")
    errs, said = [], []
    blas = find(doc, "blas") or {}
    lapack = find(doc, "lapack") or {}
    if blas.get("kind") != lib:
        errs.append(f"blas.kind is {blas.get('kind')!r}, want {lib}")
    if not blas.get("path") or lib not in str(blas.get("path")):
        errs.append(f"blas.path {blas.get('path')!r} does not name {lib}")
    said.append(f"BLAS {blas.get('kind')} {blas.get('version')} at {blas.get('path')}")
    want_lapack = opts[opts.index("--lapack") + 1] if "--lapack" in opts else None
    if want_lapack and lapack.get("kind") != want_lapack:
        errs.append(f"lapack.kind is {lapack.get('kind')!r}, want {want_lapack}")
    said.append(f"LAPACK {lapack.get('kind')}")
    checks = doc.get("checks") or []
    corr = [c for c in checks if isinstance(c, dict) and "correct" in str(c.get("name", ""))]
    if not corr:
        errs.append("no correctness check in the report")
    for c in corr:
        if str(c.get("verdict")).lower() != "pass":
            errs.append(f"{c.get('name')}: {c.get('verdict')} {c.get('detail')}")
    if doc.get("passed") is not True:
        errs.append(f"passed is {doc.get('passed')!r}")
    rel = find(doc, "correctness", "dgemm_relerr")
    if num(rel) is None or not 0 <= num(rel) <= 1e-12:
        errs.append(f"correctness.dgemm_relerr is {rel!r}, want a number in [0, 1e-12]")
    g1, ga = find(doc, "speed", "gflops_1"), find(doc, "speed", "gflops_all")
    for name, g in (("gflops_1", g1), ("gflops_all", ga)):
        if num(g) is None or num(g) <= 0:
            errs.append(f"speed.{name} is not a positive number ({g!r})")
    said.append(f"dgemm rel.err {rel}, {g1}/{ga} GFLOPS (1/all threads)")
    if "--emulated" in opts:
        if find(doc, "speed", "emulated") is not True:
            errs.append(f"speed.emulated is {find(doc, 'speed', 'emulated')!r}, want true")
        sp = [c for c in checks if isinstance(c, dict) and c.get("name") == "speed"]
        if not sp or "emulated" not in str(sp[0].get("detail", "")):
            errs.append("the speed check does not say 'emulated'")
    if "--native" in opts and find(doc, "speed", "emulated") is not False:
        errs.append(f"speed.emulated is {find(doc, 'speed', 'emulated')!r} on a native CPU")
    if "--kernels" in opts or "--blis-kernels" in opts:
        k = blas.get("kernels")
        if not isinstance(k, str) or not re.fullmatch(r"[A-Za-z0-9_]+", k):
            errs.append(f"blas.kernels is {k!r}, want a non-empty word")
        if not blas.get("kernels_evidence"):
            errs.append("blas.kernels_evidence is empty")
        said.append(f"kernels {k}")
    if "--blis-kernels" in opts:
        word = opt(opts, "--blis-kernels")
        if blas.get("kernels") != word:
            errs.append(f"blas.kernels is {blas.get('kernels')!r}, BLIS itself says {word!r}")
        bk = [c for c in checks if isinstance(c, dict) and c.get("name") == "blis-kernels"]
        if len(bk) != 1:
            errs.append(f"{len(bk)} blis-kernels checks in the report, want 1")
        else:
            errs += kernels.check(bk[0].get("verdict"), bk[0].get("detail"), word,
                                  opt(opts, "--expected"), (opt(opts, "--known") or "").split())
            said.append(f"{bk[0].get('verdict')} blis-kernels: {bk[0].get('detail')}")
    if "--corename" in opts:
        if not blas.get("corename"):
            errs.append("no OpenBLAS core name reported")
        said.append(f"core {blas.get('corename')}")
    if errs:
        sys.exit("; ".join(errs))
    print(", ".join(said))


if __name__ == "__main__":
    main()
