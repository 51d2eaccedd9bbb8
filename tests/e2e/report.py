#!/usr/bin/env python3
# report.py — checks an `armpy validate --format yaml` report in the chroot tests: the serving
# BLAS is LIB, LAPACK is KIND (when asked), correctness passed and GFLOPS are present.
# usage: report.py REPORT.yaml LIB [--lapack KIND] [--emulated] [--corename]
import sys

import yaml


def find(doc, *path):
    for p in path:
        if not isinstance(doc, dict) or p not in doc:
            return None
        doc = doc[p]
    return doc


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
    if not isinstance(rel, (int, float)) or rel > 1e-12:
        errs.append(f"correctness.dgemm_relerr is {rel!r}")
    g1, ga = find(doc, "speed", "gflops_1"), find(doc, "speed", "gflops_all")
    for name, g in (("gflops_1", g1), ("gflops_all", ga)):
        if not isinstance(g, (int, float)) or g <= 0:
            errs.append(f"speed.{name} is not a positive number ({g!r})")
    said.append(f"dgemm rel.err {rel}, {g1}/{ga} GFLOPS (1/all threads)")
    if "--emulated" in opts:
        if find(doc, "speed", "emulated") is not True:
            errs.append(f"speed.emulated is {find(doc, 'speed', 'emulated')!r}, want true")
        sp = [c for c in checks if isinstance(c, dict) and c.get("name") == "speed"]
        if not sp or "emulated" not in str(sp[0].get("detail", "")):
            errs.append("the speed check does not say 'emulated'")
    if "--corename" in opts:
        if not blas.get("corename"):
            errs.append("no OpenBLAS core name reported")
        said.append(f"core {blas.get('corename')}")
    if errs:
        sys.exit("; ".join(errs))
    print(", ".join(said))


if __name__ == "__main__":
    main()
