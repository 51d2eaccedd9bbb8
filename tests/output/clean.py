#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# clean.py FILE... — exit 0 when every file is what a terminal shows as itself: valid UTF-8, no
# control but LF and TAB (CR LF line ends from a pty allowed), no C1 control, no bidi override
# or isolate, no zero-width or other invisible format character. Prints the first offender.
import sys
import unicodedata

bad = 0
for path in sys.argv[1:]:
    data = open(path, "rb").read().replace(b"\r\n", b"\n")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        print("%s: bad UTF-8 at byte %d" % (path, e.start))
        bad = 1
        continue
    for i, ch in enumerate(text):
        cat = unicodedata.category(ch)
        if ch in "\n\t":
            continue
        if cat in ("Cc", "Cf", "Zl", "Zp") or 0x2066 <= ord(ch) <= 0x2069:
            print("%s: U+%04X (%s) at character %d: %r" % (path, ord(ch), cat, i, text[max(0, i - 20):i + 20]))
            bad = 1
            break
sys.exit(bad)
