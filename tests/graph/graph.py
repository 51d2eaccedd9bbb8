#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# graph.py — the file graph of armpy: which .c file uses a global symbol (function or
# variable) that another .c file defines, read with nm from the objects; fails on a cycle
# (a strongly connected component of two or more files) that is not a registry's.
import fnmatch
import os
import subprocess
import sys


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
        hub, parts = reg[0], reg[1:]
        if hub in comp and all(f == hub or any(fnmatch.fnmatch(f, p) for p in parts)
                               for f in comp):
            return hub
    return None


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
        hub = registry_of(comp, registries)
        if hub is None:
            print("FAIL a cycle outside the registries: %s" % " ".join(comp))
            print("\n".join(edges_within(g, comp, uses_of, owner)))
            fails += 1
            continue
        rest = {a: g[a] & set(comp) - {hub} for a in comp if a != hub}
        inner = [c for c in sccs(rest) if len(c) > 1]
        for c in inner:
            print("FAIL a cycle among the parts of the %s registry, not through it: %s"
                  % (hub, " ".join(c)))
            print("\n".join(edges_within(g, c, uses_of, owner)))
            fails += 1
        if not inner:
            print("ok   the %s registry (%d parts with it): no cycle among them without it"
                  % (hub, len(comp)))
    if fails == 0:
        edges = sum(len(b) for b in g.values())
        print("ok   no other cycle among %d files (%d edges)" % (len(g), edges))
    return fails


def main(argv):
    """graph.py [--registry "HUB PART-GLOB..."]... [--known "FROM-GLOB TO-GLOB"]... OBJ..."""
    registries, known, i = [], [], 1
    while i + 1 < len(argv) and argv[i] in ("--registry", "--known"):
        (registries if argv[i] == "--registry" else known).append(argv[i + 1].split())
        i += 2
    return 1 if check(argv[i:], registries, known) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
