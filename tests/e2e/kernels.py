#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# kernels.py — checks armpy's `blis-kernels` verdict against what BLIS itself says on this CPU
# (tests/e2e/blisarch.py), whichever CPU that is: generic reference kernels must be a WARN that
# says "reference" and names OpenBLAS as a remedy; any other kernel set must be named as it is.
#
#   kernels.py text FILE WORD [--expected CFG] [--known "A B ..."]
#       FILE holds exactly one `VERDICT  blis-kernels  detail` line (the validate text report,
#       or a run's progress output where the report lines carry a prefix).
# As a module: check(verdict, detail, word, expected, known) -> list of errors.
#   expected: the BLIS config `armpy detect` gives this CPU (None when unknown or emulated);
#   known: the sub-configurations this BLIS build can name. Only an expectation that is one of
#   them (and not "generic") is held against the verdict: it must be PASS when BLIS runs it,
#   else WARN naming it as expected.
import re
import sys

VERDICTS = ("PASS", "WARN", "INFO", "FAIL")
LINE = re.compile(r"(?:^|\s)(PASS|WARN|INFO|FAIL)  blis-kernels +(\S.*?)\s*$", re.M)


def check(verdict, detail, word, expected=None, known=()):
    errs = []
    verdict, detail = str(verdict), str(detail)
    if not re.fullmatch(r"[A-Za-z0-9_]+", word or ""):
        return [f"BLIS's own kernel set {word!r} is not a word (blisarch.py)"]
    head = f"BLIS runs its {word} kernels"
    if not detail.startswith(head):
        errs.append(f"detail does not start with {head!r}: {detail!r}")
    if word == "generic":
        if verdict != "WARN":
            errs.append(f"BLIS runs its generic reference kernels but the verdict is {verdict}")
        for w in ("reference", "OpenBLAS"):
            if w not in detail:
                errs.append(f"generic kernels: the detail does not say {w!r}: {detail!r}")
        return errs
    if verdict not in ("PASS", "WARN", "INFO"):
        errs.append(f"verdict {verdict} for the {word} kernels")
    if verdict == "WARN" and "expected" not in detail:
        errs.append(f"WARN for the {word} kernels without saying what was expected: {detail!r}")
    if expected and expected != "generic" and expected in known:
        if expected == word and verdict != "PASS":
            errs.append(f"BLIS runs {word}, the config armpy detects for this CPU, "
                        f"but the verdict is {verdict}")
        if expected != word and (verdict != "WARN" or expected.lower() not in detail.lower()):
            errs.append(f"BLIS runs {word} where armpy detects {expected}: want WARN naming "
                        f"{expected} as expected, got {verdict} {detail!r}")
    return errs


def opt(args, name, default=None):
    return args[args.index(name) + 1] if name in args else default


def main():
    if len(sys.argv) < 4 or sys.argv[1] != "text":
        sys.exit("usage: kernels.py text FILE WORD [--expected CFG] [--known LIST]")
    path, word, args = sys.argv[2], sys.argv[3], sys.argv[4:]
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = LINE.findall(f.read())
    if len(lines) != 1:
        sys.exit(f"{path}: {len(lines)} blis-kernels lines, want exactly 1")
    verdict, detail = lines[0]
    errs = check(verdict, detail, word, opt(args, "--expected"), opt(args, "--known", "").split())
    if errs:
        sys.exit("; ".join(errs))
    print(f"{verdict}  blis-kernels  {detail}")


if __name__ == "__main__":
    main()
