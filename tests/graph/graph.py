#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# graph.py — the file graph of armpy: which .c file uses a global symbol (function or
# variable) that another .c file defines, read with nm from the objects; fails on a cycle
# (a strongly connected component of two or more files) that is not a registry's, on a part
# of a registry that calls another part (parts reach each other only through their hub or
# the registry's shared files), and on an internal header (NAME-int.h) included outside its
# registry or next to another internal header.
import fnmatch
import os
import re
import subprocess
import sys


class Registry:
    """'HUB HEADER : PART-GLOB... : SHARED-GLOB...' — the hub with its table of parts, its
    internal header, the parts, and the files hub and parts share (helpers, the table)."""

    def __init__(self, spec):
        fields = [f.split() for f in spec.split(":")]
        while len(fields) < 3:
            fields.append([])
        self.hub, self.header = fields[0][0], fields[0][1]
        self.parts, self.shared = fields[1], fields[2]

    def is_part(self, f):
        return f != self.hub and any(fnmatch.fnmatch(f, p) for p in self.parts) and \
            not self.is_shared(f)

    def is_shared(self, f):
        return any(fnmatch.fnmatch(f, p) for p in self.shared)

    def member(self, f):
        return f == self.hub or self.is_part(f) or self.is_shared(f)


def symbols(objs):
    """{object: (defined, undefined)} global symbols, from one nm for all the objects."""
    out = subprocess.run(["nm", "-g", "-A"] + objs, check=True, capture_output=True,
                         text=True).stdout
    syms = {o: (set(), set()) for o in objs}
    for line in out.splitlines():
        obj, _, rest = line.partition(":")
        f = rest.split()
        if obj not in syms:
            continue
        if len(f) == 2 and f[0] == "U":
            syms[obj][1].add(f[1])
        elif len(f) == 3 and f[1] not in "Uw":
            syms[obj][0].add(f[2])
    return syms


def graph(objs):
    """{file: files it uses}, each file's undefined symbols, each symbol's file."""
    owner, uses = {}, {}
    for obj, (defined, undefined) in symbols(objs).items():
        name = os.path.splitext(obj)[0] + ".c"
        uses[name] = undefined
        for s in defined:
            owner[s] = name
    g = {a: {owner[s] for s in u if s in owner and owner[s] != a} for a, u in uses.items()}
    return g, uses, owner


def sccs(g):
    """Tarjan's strongly connected components, iteratively (no recursion limit)."""
    index, low, on, stack, out, n = {}, {}, set(), [], [], 0
    for root in sorted(g):
        if root in index:
            continue
        work = [(root, iter(sorted(g[root])))]
        index[root] = low[root] = n
        n += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = n
                    n += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(g[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(sorted(comp))
    return out


def edges_within(g, comp, uses_of, owner):
    """'a -> b (sym, ...)' for every edge inside comp, for the failure message."""
    lines = []
    for a in comp:
        for b in sorted(g[a] & set(comp)):
            syms = sorted(x for x in uses_of[a] if owner.get(x) == b)
            more = ", ..." if len(syms) > 4 else ""
            lines.append("    %s -> %s (%s%s)" % (a, b, ", ".join(syms[:4]), more))
    return lines


def registry_of(comp, registries):
    for reg in registries:
        if reg.hub in comp and all(reg.member(f) for f in comp):
            return reg
    return None


def part_calls(g, uses_of, owner, registries):
    """FAIL lines for a part calling another part of its registry: the number of them."""
    fails = 0
    for reg in registries:
        before = fails
        for a in sorted(f for f in g if reg.is_part(f)):
            for b in sorted(b for b in g[a] if reg.is_part(b)):
                syms = sorted(x for x in uses_of[a] if owner.get(x) == b)
                print("FAIL a part calls another part of %s's, not through it or a shared "
                      "file: %s -> %s (%s)" % (reg.hub, a, b, ", ".join(syms)))
                fails += 1
        if fails == before:
            n = sum(1 for f in g if reg.is_part(f))
            print("ok   the %d parts of %s call only it and its shared files" % (n, reg.hub))
    return fails


INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+-int\.h)"', re.M)


def includes(files, registries):
    """FAIL lines for internal headers: a file including two, or a registry's outside it."""
    fails, header_of = 0, {}
    for reg in registries:
        header_of[os.path.basename(reg.header)] = reg
    for f in sorted(files):
        with open(f, encoding="utf-8", errors="replace") as fh:
            hs = sorted(set(INCLUDE.findall(fh.read())))
        if len(hs) > 1:
            print("FAIL %s includes more than one internal header: %s" % (f, " ".join(hs)))
            fails += 1
        for h in hs:
            reg = header_of.get(h)
            if reg is not None and not reg.member(f):
                print("FAIL %s includes %s, the %s registry's internal header, from outside it"
                      % (f, h, reg.hub))
                fails += 1
    if fails == 0:
        print("ok   every file includes at most one internal header, each registry's only "
              "inside it (%d files)" % len(files))
    return fails


def check(objs, registries, known):
    """Prints ok/FAIL lines; the number of failures."""
    g, uses_of, owner = graph(objs)
    fails = 0
    for frm, to in known:
        hit = sorted((a, b) for a in g for b in g[a]
                     if fnmatch.fnmatch(a, frm) and fnmatch.fnmatch(b, to))
        if not hit:
            print("FAIL known knot %s -> %s is gone: delete its line from the allowlist"
                  % (frm, to))
            fails += 1
            continue
        for a, b in hit:
            g[a].discard(b)
        print("ok   known knot still there, left out: %s" % ", ".join("%s -> %s" % e for e in hit))
    for comp in sccs(g):
        if len(comp) < 2:
            continue
        reg = registry_of(comp, registries)
        if reg is None:
            print("FAIL a cycle outside the registries: %s" % " ".join(comp))
            print("\n".join(edges_within(g, comp, uses_of, owner)))
            fails += 1
            continue
        rest = {a: g[a] & set(comp) - {reg.hub} for a in comp if a != reg.hub}
        inner = [c for c in sccs(rest) if len(c) > 1]
        for c in inner:
            print("FAIL a cycle among the files of the %s registry, not through it: %s"
                  % (reg.hub, " ".join(c)))
            print("\n".join(edges_within(g, c, uses_of, owner)))
            fails += 1
        if not inner:
            print("ok   the %s registry (%d files with it): no cycle among them without it"
                  % (reg.hub, len(comp)))
    fails += part_calls(g, uses_of, owner, registries)
    fails += includes(sorted(g), registries)
    if fails == 0:
        edges = sum(len(b) for b in g.values())
        print("ok   no other cycle among %d files (%d edges)" % (len(g), edges))
    return fails


def main(argv):
    """graph.py [--registry "HUB HEADER : PART-GLOB... : SHARED-GLOB..."]...
    [--known "FROM-GLOB TO-GLOB"]... OBJ..."""
    registries, known, i = [], [], 1
    while i + 1 < len(argv) and argv[i] in ("--registry", "--known"):
        if argv[i] == "--registry":
            registries.append(Registry(argv[i + 1]))
        else:
            known.append(argv[i + 1].split())
        i += 2
    return 1 if check(argv[i:], registries, known) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
