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


def link(t, name, target, kind):
    i = tarfile.TarInfo(name)
    i.type = kind
    i.linkname = target
    t.addfile(i)


def sym(t, name, target):
    link(t, name, target, tarfile.SYMTYPE)


def hard(t, name, target):
    link(t, name, target, tarfile.LNKTYPE)


with tarfile.open(out, mode, format=tarfile.GNU_FORMAT) as t:
    if kind == "good":
        d = tarfile.TarInfo("top/dir")
        d.type = tarfile.DIRTYPE
        t.addfile(d)
        reg(t, "top/dir/a.txt", b"alpha\n")
        reg(t, "top/b.txt", b"beta\n")
        sym(t, "top/dir/link", "../b.txt")
        hard(t, "top/hard", "top/b.txt")
    elif kind == "dotdot":
        reg(t, "top/ok.txt")
        reg(t, "top/../../escaped-dotdot")
    elif kind == "absolute":
        reg(t, "top/ok.txt")
        reg(t, sys.argv[3])                  # an absolute path under the test dir
    elif kind == "symlink":
        sym(t, "top/out", sys.argv[3])  # a directory outside
        reg(t, "top/out/escaped-symlink")
    elif kind == "symlink-rel":
        sym(t, "top/out", "../../..")
        reg(t, "top/out/escaped-symlink-rel")
    elif kind in ("chain", "chain-write", "chain-late", "chain-hardlink"):
        # x -> . is inside; y -> x/x/../.. reads as inside but, through x, climbs two levels
        # out. chain-late makes y while x does not exist yet, and x after it.
        links = [("top/x", "."), ("top/y", "x/x/../..")]
        for name, target in (links[::-1] if kind in ("chain-late", "chain-hardlink") else links):
            sym(t, name, target)
        if kind == "chain-write":
            reg(t, "top/y/escaped-chain")       # a file through y
        if kind == "chain-hardlink":
            hard(t, "top/h", "top/y/victim")    # a hard link through y to the victim outside
    elif kind == "chain-moved":
        # a/b/l -> ../.. is inside from a/b; a hard link to it at the top is the same text
        # read from the top: out of the destination
        sym(t, "top/a/b/l", "../..")
        hard(t, "top/l2", "top/a/b/l")
    elif kind == "hardlink":
        hard(t, "top/h", sys.argv[3])  # an absolute file outside
    elif kind == "hardlink-rel":
        hard(t, "top/h", "../../victim")
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
