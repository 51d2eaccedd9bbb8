#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# mktar.py — builds the extraction attack archives for tests/exec: mktar.py KIND OUT.tar[.gz]
import io
import sys
import tarfile

kind, out = sys.argv[1], sys.argv[2]
mode = "w:gz" if out.endswith(".gz") else "w"


def reg(t, name, data=b"x\n"):
    i = tarfile.TarInfo(name)
    i.size = len(data)
    t.addfile(i, io.BytesIO(data))


with tarfile.open(out, mode, format=tarfile.GNU_FORMAT) as t:
    if kind == "good":
        d = tarfile.TarInfo("top/dir")
        d.type = tarfile.DIRTYPE
        t.addfile(d)
        reg(t, "top/dir/a.txt", b"alpha\n")
        reg(t, "top/b.txt", b"beta\n")
        s = tarfile.TarInfo("top/dir/link")
        s.type = tarfile.SYMTYPE
        s.linkname = "../b.txt"
        t.addfile(s)
        h = tarfile.TarInfo("top/hard")
        h.type = tarfile.LNKTYPE
        h.linkname = "top/b.txt"
        t.addfile(h)
    elif kind == "dotdot":
        reg(t, "top/ok.txt")
        reg(t, "top/../../escaped-dotdot")
    elif kind == "absolute":
        reg(t, "top/ok.txt")
        reg(t, sys.argv[3])                  # an absolute path under the test dir
    elif kind == "symlink":
        s = tarfile.TarInfo("top/out")
        s.type = tarfile.SYMTYPE
        s.linkname = sys.argv[3]             # a directory outside
        t.addfile(s)
        reg(t, "top/out/escaped-symlink")
    elif kind == "symlink-rel":
        s = tarfile.TarInfo("top/out")
        s.type = tarfile.SYMTYPE
        s.linkname = "../../.."
        t.addfile(s)
        reg(t, "top/out/escaped-symlink-rel")
    elif kind == "hardlink":
        h = tarfile.TarInfo("top/h")
        h.type = tarfile.LNKTYPE
        h.linkname = sys.argv[3]             # an absolute file outside
        t.addfile(h)
    elif kind == "hardlink-rel":
        h = tarfile.TarInfo("top/h")
        h.type = tarfile.LNKTYPE
        h.linkname = "../../victim"
        t.addfile(h)
    elif kind == "device":
        reg(t, "top/ok.txt")
        c = tarfile.TarInfo("top/null")
        c.type = tarfile.CHRTYPE
        c.devmajor, c.devminor = 1, 3
        t.addfile(c)
    elif kind == "fifo":
        f = tarfile.TarInfo("top/fifo")
        f.type = tarfile.FIFOTYPE
        t.addfile(f)
    elif kind == "bomb":
        # 64 MiB of zeros compresses to ~64 KiB; the test caps extraction at 16 MiB
        class Zeros(io.RawIOBase):
            def __init__(self, n):
                self.n = n
            def readinto(self, b):
                k = min(len(b), self.n)
                b[:k] = bytes(k)
                self.n -= k
                return k
        i = tarfile.TarInfo("top/zeros")
        i.size = 64 << 20
        t.addfile(i, Zeros(i.size))
    elif kind == "many":
        for k in range(300):
            reg(t, "top/f%d" % k)
    else:
        sys.exit("unknown kind " + kind)
