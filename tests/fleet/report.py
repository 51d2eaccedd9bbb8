#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# report.py — checks site.yml's fleet report (tests/fleet): DIR/<host>.yaml of every host and the
# summary.txt table, for a run (each good host validated on LIB, the bad one failed with its
# reason) or, with --check, for a check run (each host would change, nothing validated).
# usage: report.py [--check] DIR LIB BAD|"" GOOD...
import os
import re
import sys

import yaml


def table(path):
    """summary.txt's rows by host (columns split on two spaces or more) and its Failed lines."""
    lines = open(path, encoding="utf-8").read().splitlines()
    head = next((i for i, l in enumerate(lines) if l.startswith("HOST ")), None)
    if head is None:
        sys.exit(f"{path}: no HOST header line")
    cols = re.split(r"\s{2,}", lines[head].strip())
    rows, failed, in_failed = {}, {}, False
    for l in lines[head + 1:]:
        if l.strip() == "Failed:":
            in_failed = True
        elif in_failed and ": " in l:
            h, why = l.split(": ", 1)
            failed[h] = why
        elif l.strip() and not in_failed:
            cells = re.split(r"\s{2,}", l.strip())
            if len(cells) != len(cols):
                sys.exit(f"{path}: row {l!r} has {len(cells)} cells, the header {len(cols)}")
            rows[cells[0]] = dict(zip(cols, cells))
    return rows, failed


def host_doc(d, h):
    with open(os.path.join(d, h + ".yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def positive(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0


def check_good(doc, row, lib, check):
    errs = []
    if doc.get("ok") is not True:
        errs.append(f"ok is {doc.get('ok')!r} ({doc.get('reason')})")
    if "Debian" not in str((doc.get("machine") or {}).get("distro")):
        errs.append(f"machine.distro is {(doc.get('machine') or {}).get('distro')!r}")
    if check:
        c = (doc.get("check") or {}).get("check") or {}
        runs = [s.get("id") for s in c.get("steps") or [] if s.get("would_run") is True]
        if doc.get("changed") is not True or c.get("would_change") is not True or not runs:
            errs.append(f"check: changed {doc.get('changed')!r}, would_change {c.get('would_change')!r}, would run {runs}")
        if doc.get("validation") is not None or doc.get("steps"):
            errs.append("a check run ran steps or validated")
        if row.get("VERDICT") != "would change":
            errs.append(f"summary verdict {row.get('VERDICT')!r}, want 'would change'")
        return errs, f"would run {','.join(runs)}"
    v = doc.get("validation") or {}
    s = doc.get("summary") or {}
    if v.get("passed") is not True or (v.get("blas") or {}).get("kind") != lib:
        errs.append(f"validation passed={v.get('passed')!r} blas={(v.get('blas') or {}).get('kind')!r}")
    if not (positive(s.get("gflops_1")) and positive(s.get("gflops_all"))):
        errs.append(f"GFLOPS {s.get('gflops_1')!r}/{s.get('gflops_all')!r}")
    if row.get("BLAS") != lib or row.get("VERDICT") != "PASS" or row.get("LAPACK") in (None, "-"):
        errs.append(f"summary row {row}")
    return errs, f"{lib} {s.get('gflops_1')}/{s.get('gflops_all')} GFLOPS"


def main():
    args = sys.argv[1:]
    check = args[0] == "--check"
    if check:
        args = args[1:]
    d, lib, bad, good = args[0], args[1], args[2], args[3:]
    rows, failed = table(os.path.join(d, "summary.txt"))
    errs, said = [], []
    for h in good:
        if h not in rows:
            errs.append(f"{h}: no summary row")
            continue
        e, what = check_good(host_doc(d, h), rows[h], lib, check)
        errs += [f"{h}: {x}" for x in e]
        said.append(f"{h} {what}")
        if h in failed:
            errs.append(f"{h} listed as failed: {failed[h]}")
    if bad:
        doc = host_doc(d, bad)
        reason = str(doc.get("reason"))
        if doc.get("ok") is not False or "apt" not in reason:
            errs.append(f"{bad}: ok={doc.get('ok')!r} reason={reason!r} (want a failure naming apt)")
        if (rows.get(bad) or {}).get("VERDICT") != "FAILED" or "apt" not in failed.get(bad, ""):
            errs.append(f"{bad}: summary row {rows.get(bad)}, Failed line {failed.get(bad)!r}")
        said.append(f"{bad} failed: {failed.get(bad)}")
    return errs, said


if __name__ == "__main__":
    errors, saw = main()
    if errors:
        sys.exit("\n".join(errors))
    print("; ".join(saw))
