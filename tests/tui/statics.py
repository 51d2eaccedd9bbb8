#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# statics.py — fails when a screen (screens/*.c) keeps mutable state in a static variable.
#
# A screen's state lives in the per-instance block the main loop allocates (struct screen's
# state_size) and passes to its hooks; only const tables may be static. Every `static`
# declaration of an object, at file scope or in a function, must be const all the way down to
# the object itself: `static const char *const x[]` is fine, `static const char *x` (a pointer
# that can be changed) and `static int x` are not. Prints each offender as FILE:LINE: text.
import re
import sys


def strip_comments(text):
    """Comments and string literals blanked, newlines kept (line numbers stay)."""
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    return re.sub(r'/\*.*?\*/|//[^\n]*|"(\\.|[^"\\\n])*"', blank, text, flags=re.S)


def declarator(line):
    """The part of a `static` line before its initialiser or end; None for a function."""
    m = re.match(r"\s*static\b([^=;{]*)([=;{]?)", line)
    if m is None:
        return None
    head, end = m.group(1), m.group(2)
    if end == "" or end == "{":
        return None            # `static void` above a definition, or a definition
    if "(" in head and "(*" not in head.replace(" ", ""):
        return None            # a prototype
    return head


def mutable(head):
    """1 when the object declared is not const."""
    after = head.rsplit("*", 1)[1] if "*" in head else head
    return re.search(r"\bconst\b", after) is None


def check(path):
    bad = []
    with open(path, encoding="utf-8") as f:
        text = strip_comments(f.read())
    for n, line in enumerate(text.split("\n"), 1):
        head = declarator(line)
        if head is not None and mutable(head):
            bad.append("%s:%d: %s" % (path, n, line.strip()))
    return bad


def main(paths):
    if not paths:
        print("statics.py: no files given", file=sys.stderr)
        return 2
    bad = [b for p in paths for b in check(p)]
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
