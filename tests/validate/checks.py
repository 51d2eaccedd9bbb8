#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# checks.py — the validate suite's checks of armpy's reports (text and YAML). Every number is
# parsed with float() and held against its bound (an exact 0 included), never matched by its
# print format; nothing assumes a CPU vendor, model, clock or kernel set.
# usage: checks.py CHECK ARGS...   (exit 0 and a short summary on stdout, or exit 1 and why)
#   lib-line TEXT CHECK VERDICTS NAME PATH VERSION   `VERDICT  CHECK  NAME VERSION ... PATH ...`
#   relerr TEXT YAML          dgemm-correctness PASS, relative error in [0, its limit]
#   residual TEXT YAML        lapack-correctness PASS, every residual in [0, its limit]
#   speed TEXT YAML           speed INFO, GFLOPS > 0, % of peak <= 100 or "peak unknown"
#   scaling TEXT YAML         thread-scaling PASS, or WARN only when all threads are slower
#                             (the YAML run's verdict against the YAML run's own numbers)
#   environment TEXT          the environment check against this process's own environment
#   coretype TEXT YAML CORE   OPENBLAS_CORETYPE=CORE is named and forces what OpenBLAS runs
#   yaml-report YAML KIND     blas.kind, passed: true, blas.kernels a word (with evidence)
#   bench-text TEXT [--blis WORD] PATH...   the table's header, a row per PATH with GFLOPS > 0
#                             inside its min-max, every BLIS row's kernels WORD; 80 columns
#   bench-yaml YAML [--blis WORD] [--openblas WORD]   kernels per row (BLIS's as BLIS says,
#                             OpenBLAS's as validate saw), generic_kernels, the recommendation
#   bench-verdict YAML [N...] every row measured (min <= median <= max) or failed with its
#                             size (one of N...) and why; the recommendation agrees with the
#                             spreads: "no clear winner" exactly when the best two overlap
#   agree VAL.yaml... -- BENCH.yaml...   validate and bench within 10% (1 thread, same N)
import math
import os
import re
import sys

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import kernels  # noqa: E402

# The variables the environment check must name when set (the contract); the probe also
# passes GOMP_*/KMP_* through, which make the check non-PASS without being named here.
ENV_PREFIXES = ("OPENBLAS_", "GOTO", "BLIS_", "OMP_", "MKL_", "FLEXIBLAS", "LD_PRELOAD",
                "LD_LIBRARY_PATH")
ENV_ALSO = ("GOMP_", "KMP_")
WORD = re.compile(r"[A-Za-z0-9_]+")


class Fail(Exception):
    pass


def num(v, what):
    if isinstance(v, bool) or v is None:
        raise Fail(f"{what} is {v!r}, not a number")
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise Fail(f"{what} is {v!r}, not a number")
    if not math.isfinite(x):
        raise Fail(f"{what} is {v!r}")
    return x


def text_line(path, check):
    """(verdict, detail) of the one `VERDICT  check  detail` line ("%-4s  %-18s %s")."""
    with open(path, encoding="utf-8", errors="replace") as f:
        found = re.findall(r"^(PASS|WARN|INFO|FAIL)  " + re.escape(check) + r" +(.*?)\s*$",
                           f.read(), re.M)
    if len(found) != 1:
        raise Fail(f"{path}: {len(found)} '{check}' lines, want exactly 1")
    return found[0]


def load(path):
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    if not isinstance(doc, dict):
        raise Fail(f"{path}: not a YAML mapping")
    return doc


def get(doc, dotted):
    for p in dotted.split("."):
        if not isinstance(doc, dict) or p not in doc:
            raise Fail(f"no {dotted} in the report")
        doc = doc[p]
    return doc


def token_after(detail, label, what):
    """The number right after LABEL in a detail ("relative error X"), parsed."""
    m = re.search(re.escape(label) + r"\s*(\S+?)[,;)]?(?:\s|$)", detail)
    if not m:
        raise Fail(f"no {label!r} in {detail!r}")
    return num(m.group(1), what)


def c_lib_line(path, check, verdicts, name, lpath, version):
    v, d = text_line(path, check)
    if not re.fullmatch(verdicts, v):
        raise Fail(f"{check}: {v}, want {verdicts}: {d}")
    m = re.match(re.escape(name) + r" (\S+) ", d)
    if not m:
        raise Fail(f"{check} does not name {name} first: {d}")
    if m.group(1) != version:
        raise Fail(f"{check} says {name} {m.group(1)}, the library itself says {version}")
    if lpath not in d:
        raise Fail(f"{check} does not name {lpath}: {d}")
    return f"{name} {version}"


def c_relerr(tpath, ypath):
    v, d = text_line(tpath, "dgemm-correctness")
    if v != "PASS":
        raise Fail(f"dgemm-correctness {v}: {d}")
    err = token_after(d, "relative error", "the relative error")
    limit = token_after(d, "(limit", "the limit")
    yerr = num(get(load(ypath), "correctness.dgemm_relerr"), "correctness.dgemm_relerr")
    for what, x in (("text", err), ("yaml", yerr)):
        if not 0 <= x <= limit:
            raise Fail(f"relative error ({what}) {x!r} is outside [0, {limit!r}]")
    return f"relative error {err!r} (yaml {yerr!r}), limit {limit!r}"


def c_residual(tpath, ypath):
    v, d = text_line(tpath, "lapack-correctness")
    if v != "PASS":
        raise Fail(f"lapack-correctness {v}: {d}")
    limit = token_after(d, "(limit", "the limit")
    res = {"numpy": token_after(d, "numpy", "NumPy's residual")}
    if re.search(r"\bscipy\b", d):
        res["scipy"] = token_after(d, "scipy", "SciPy's residual")
    res["yaml"] = num(get(load(ypath), "correctness.solve_residual"), "correctness.solve_residual")
    for what, x in res.items():
        if not 0 <= x <= limit:
            raise Fail(f"{what} residual {x!r} is outside [0, {limit!r}]")
    return ", ".join(f"{k} {x!r}" for k, x in res.items()) + f", limit {limit!r}"


def c_speed(tpath, ypath):
    v, d = text_line(tpath, "speed")
    if v != "INFO":
        raise Fail(f"speed is {v}, not INFO: {d}")
    sp = get(load(ypath), "speed")
    g1, ga = num(sp.get("gflops_1"), "speed.gflops_1"), num(sp.get("gflops_all"), "speed.gflops_all")
    n1 = num(sp.get("n_1"), "speed.n_1")
    ta = num(sp.get("threads_all"), "speed.threads_all")
    if g1 <= 0 or ga <= 0:
        raise Fail(f"GFLOPS not positive: 1 thread {g1!r}, all {ga!r}")
    if n1 != 512:  # --quick: the 1-thread timing is N=512, fixed
        raise Fail(f"speed.n_1 is {n1!r} with --quick, want 512")
    if ta < 1 or ta != int(ta):
        raise Fail(f"speed.threads_all is {ta!r}")
    if "GFLOPS" not in d:
        raise Fail(f"the speed line names no GFLOPS: {d}")
    pcts = [num(p, "a percentage of peak") for p in re.findall(r"(\S+)% of", d)]
    if not pcts and "peak unknown" not in d:
        raise Fail(f"neither a percentage of peak nor 'peak unknown': {d}")
    for p in pcts:
        if not 0 <= p <= 100:
            raise Fail(f"{p!r}% of peak: {d}")
    return f"{g1!r}/{ga!r} GFLOPS at 1/{int(ta)} threads; " + (
        "peak " + ", ".join(f"{p!r}%" for p in pcts) if pcts else "peak unknown")


def c_scaling(tpath, ypath):
    """The text run has the line; within the YAML run, a WARN needs all threads slower."""
    v, d = text_line(tpath, "thread-scaling")
    doc = load(ypath)
    sp = get(doc, "speed")
    g1, ga = num(sp.get("gflops_1"), "speed.gflops_1"), num(sp.get("gflops_all"), "speed.gflops_all")
    ok = ("PASS", "WARN", "INFO") if num(sp.get("threads_all"), "threads_all") <= 1 else ("PASS", "WARN")
    ys = [c for c in doc.get("checks") or [] if isinstance(c, dict) and c.get("name") == "thread-scaling"]
    if len(ys) != 1:
        raise Fail(f"{len(ys)} thread-scaling checks in the YAML report, want 1")
    yv, yd = ys[0].get("verdict"), ys[0].get("detail")
    for verdict, detail in ((v, d), (yv, yd)):
        if verdict not in ok:
            raise Fail(f"thread-scaling {verdict}: {detail}")
    if yv == "WARN" and not ga < g1:
        raise Fail(f"thread-scaling WARN though all threads ({ga!r}) >= one thread ({g1!r}) in the "
                   f"same report: {yd}")
    return f"{v}: {d}"


def relevant_env():
    return {k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIXES)}


def c_environment(tpath):
    v, d = text_line(tpath, "environment")
    env = relevant_env()
    also = [k for k in os.environ if k.startswith(ENV_ALSO)]
    if not env and not also:
        if v != "PASS" or "no variable" not in d:
            raise Fail(f"nothing relevant is set, want PASS 'no variable ...': {v} {d}")
        return f"{v}: {d}"
    if v not in ("INFO", "WARN"):
        raise Fail(f"{', '.join(sorted(env) + also)} set, but the verdict is {v}: {d}")
    missing = [f"{k}={x}" for k, x in sorted(env.items()) if f"{k}={x}" not in d]
    if missing:
        raise Fail(f"the environment check does not name {', '.join(missing)}: {d}")
    return f"{v}: {d}"


def c_coretype(tpath, ypath, core):
    v, d = text_line(tpath, "environment")
    if f"OPENBLAS_CORETYPE={core}" not in d:
        raise Fail(f"the environment check does not name OPENBLAS_CORETYPE={core}: {v} {d}")
    if v not in ("INFO", "WARN"):
        raise Fail(f"OPENBLAS_CORETYPE={core} is set, but the verdict is {v}: {d}")
    k = get(load(ypath), "blas.kernels")
    if isinstance(k, str) and k.lower() == core.lower():
        if not re.search(r"\bforces\b.*\b" + re.escape(core) + r"\b", d, re.I):
            raise Fail(f"the environment check does not say it forces {core} kernels: {d}")
        return f"blas.kernels {k}; {v}: {d}"
    # The machine's own value may be a core this OpenBLAS does not know: then it must say so.
    if re.search(r"knows no|does not know|unknown|not found|fell back", d, re.I):
        return f"OpenBLAS does not know {core}, runs {k}, and the report says so: {d}"
    raise Fail(f"OPENBLAS_CORETYPE={core} but blas.kernels is {k!r}, and the environment check "
               f"does not say OpenBLAS ignored it: {d}")


def c_yaml_report(ypath, kind):
    doc = load(ypath)
    if get(doc, "blas.kind") != kind:
        raise Fail(f"blas.kind is {get(doc, 'blas.kind')!r}, want {kind}")
    if doc.get("passed") is not True:
        raise Fail(f"passed is {doc.get('passed')!r}")
    k = get(doc, "blas.kernels")
    if not isinstance(k, str) or not WORD.fullmatch(k):
        raise Fail(f"blas.kernels is {k!r}, want a non-empty word")
    if not get(doc, "blas.kernels_evidence"):
        raise Fail("blas.kernels_evidence is empty")
    return f"kind {kind}, kernels {k} ({get(doc, 'blas.kernels_evidence')})"


BENCH_HEADER = "# kind threading kernels threads N GFLOPS min-max".split()
LIB_LINE = re.compile(r"\s*(\d+)  (\S+) (\S+)  (/\S+)$")


def bench_table(lines):
    """The table's rows (dicts by BENCH_HEADER, '#' -> path) and the library list's lines."""
    heads = [i for i, ln in enumerate(lines) if ln.split() == BENCH_HEADER]
    if len(heads) != 1:
        raise Fail(f"no table header {' '.join(BENCH_HEADER)!r}")
    rows, libs, i = [], {}, heads[0] + 1
    while i < len(lines) and lines[i].strip():
        f = lines[i].split()
        if len(f) == len(BENCH_HEADER):
            rows.append(dict(zip(BENCH_HEADER, f)))
        i += 1
    if i + 1 >= len(lines) or lines[i + 1].split() != ["#", "library"]:
        raise Fail("no library list after the table")
    for ln in lines[i + 2:]:
        m = LIB_LINE.match(ln)
        if not m:
            break
        libs[m.group(1)] = m.group(4)
    for r in rows:
        r["library"] = libs.get(r["#"], "?")
    return rows, set(libs.values())


def c_bench_text(tpath, *args):
    args = list(args)
    blis = None
    if "--blis" in args:
        i = args.index("--blis")
        blis = args[i + 1]
        del args[i:i + 2]
    paths = args
    with open(tpath, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    rows, listed = bench_table(lines)
    wide = [ln for ln in lines if len(ln) > 80 and not any(ln.endswith(p) for p in listed)]
    if wide:
        raise Fail(f"{len(wide)} lines over 80 columns (beside the library list): {wide[0]!r}")
    byp = {}
    for r in rows:
        byp.setdefault(r["library"], []).append(r)
    said = []
    for p in paths:
        if p not in byp:
            raise Fail(f"no row for {p}")
        for r in byp[p]:
            g = num(r["GFLOPS"], f"{p}'s GFLOPS")
            lo, _, hi = r["min-max"].partition("-")
            if g <= 0 or not num(lo, "min") <= g <= num(hi, "max"):
                raise Fail(f"{p}: GFLOPS {g!r}, min-max {r['min-max']!r}")
            if not WORD.fullmatch(r["kernels"]) or num(r["threads"], "threads") < 1:
                raise Fail(f"{p}: kernels {r['kernels']!r}, threads {r['threads']!r}")
            said.append(f"{r['kind']} {r['kernels']} {r['threads']}t {g!r}")
    if blis is not None:  # every BLIS row runs the kernels BLIS itself names
        brows = [r for r in rows if r["kind"] == "BLIS"]
        if not brows:
            raise Fail("no BLIS row")
        for r in brows:
            if r["kernels"] != blis:
                raise Fail(f"{r['library']}: kernels {r['kernels']!r}, BLIS itself says {blis!r}")
        said.append(f"BLIS rows run {blis}")
    return "; ".join(said)


def usable(r):
    try:
        return r.get("error") is None and num(r.get("gflops"), "gflops") > 0
    except Fail:
        return False


def c_bench_yaml(ypath, *args):
    doc = load(ypath)
    rows = doc.get("results")
    if not isinstance(rows, list) or not rows:
        raise Fail("no results")
    said = []
    for r in rows:
        k = r.get("kernels")
        if r.get("error") is None and (not isinstance(k, str) or not WORD.fullmatch(k)):
            raise Fail(f"{r.get('path')}: kernels {k!r}, want a word")
        if not isinstance(r.get("generic_kernels"), bool):
            raise Fail(f"{r.get('path')}: generic_kernels {r.get('generic_kernels')!r}")
    blis = [r for r in rows if r.get("kind") == "blis" and usable(r)]
    if "--blis" in args:
        word = args[args.index("--blis") + 1]
        if not blis:
            raise Fail("no measured BLIS row")
        for r in blis:
            if r.get("kernels") != word:
                raise Fail(f"{r['path']}: kernels {r.get('kernels')!r}, BLIS itself says {word!r}")
            if r.get("generic_kernels") is not (word == "generic"):
                raise Fail(f"{r['path']}: {word} kernels, generic_kernels {r['generic_kernels']!r}")
        said.append(f"BLIS kernels {word}, generic_kernels {blis[0]['generic_kernels']}")
    ob = [r for r in rows if r.get("kind") == "openblas" and usable(r)]
    if "--openblas" in args:  # the kernels validate saw OpenBLAS run, under the same environment
        word = args[args.index("--openblas") + 1]
        if not ob:
            raise Fail("no measured OpenBLAS row")
        for r in ob:
            if str(r.get("kernels")).lower() != word.lower():
                raise Fail(f"{r['path']}: kernels {r.get('kernels')!r}, validate saw {word!r}")
        said.append(f"OpenBLAS kernels {ob[0]['kernels']}")
    for r in ob:
        if r.get("kernels") and r.get("corename") and r["kernels"] != r["corename"]:
            raise Fail(f"{r['path']}: OpenBLAS kernels {r['kernels']!r} vs corename {r['corename']!r}")
    # The recommendation never prefers a library on generic kernels over one that is not.
    rec = doc.get("recommendation")
    if not isinstance(rec, str) or not rec:
        raise Fail(f"recommendation is {rec!r}")
    names = {"blis": "BLIS", "openblas": "OpenBLAS", "reference": "reference"}
    tuned = [r for r in rows if usable(r) and r.get("generic_kernels") is False]
    m = re.match(r"(?:no clear winner: )?(\S+) \((\w+)\)", rec)
    if not m:
        raise Fail(f"the recommendation does not start 'LIBRARY (THREADING)': {rec!r}")
    for ratio in re.findall(r"(?<![^\s(;])([-+.\w]*\d)x\b", rec):  # "1.07x BLIS", parsed
        if num(ratio, "the recommendation's ratio") <= 0:
            raise Fail(f"the recommendation's ratio is not positive: {rec!r}")
    first = m.group(1)
    chosen = [r for r in rows if usable(r) and names.get(r.get("kind"), r.get("kind")) == first]
    if not chosen:
        raise Fail(f"the recommendation names no measured library: {rec!r}")
    if tuned and all(r.get("generic_kernels") for r in chosen):
        raise Fail(f"recommends {first}, which runs generic kernels, over "
                   f"{', '.join(names.get(r['kind'], r['kind']) + ' ' + str(r['kernels']) for r in tuned)}: {rec!r}")
    said.append(f"recommendation: {rec}")
    return "; ".join(said)


NAMES = {"blis": "BLIS", "openblas": "OpenBLAS"}


def c_bench_verdict(ypath, *sizes):
    doc = load(ypath)
    rows = doc.get("results") or []
    ok = [r for r in rows if r.get("gflops") is not None]
    for r in rows:
        if r.get("gflops") is None:
            if not r.get("error") or (sizes and str(r.get("n")) not in sizes):
                raise Fail(f"{r.get('path')}: failed without its size and reason: {r!r}")
            continue
        lo, g, hi = (num(r.get(k), k) for k in ("gflops_min", "gflops", "gflops_max"))
        if not 0 < lo <= g <= hi or num(r.get("samples"), "samples") < 1 or r.get("error"):
            raise Fail(f"{r['path']}: min {lo} median {g} max {hi}, samples {r.get('samples')}")
    if not ok:
        raise Fail("no row measured")
    top = (max(r["n"] for r in ok), max(r["threads"] for r in ok))
    best = {}
    for r in ok:
        if (r["n"], r["threads"]) == top and r.get("kind") in NAMES:
            if r["kind"] not in best or r["gflops"] > best[r["kind"]]["gflops"]:
                best[r["kind"]] = r
    rec = doc.get("recommendation") or ""
    if len(best) < 2:
        return f"one library kind measured: {rec}"
    w, l = sorted(best.values(), key=lambda r: -r["gflops"])
    spread = (f"{NAMES[w['kind']]} {w['gflops_min']}-{w['gflops_max']}, "
              f"{NAMES[l['kind']]} {l['gflops_min']}-{l['gflops_max']} at N={top[0]}, {top[1]}t")
    if w.get("generic_kernels") != l.get("generic_kernels"):
        return f"generic kernels decide, not the spread ({spread}): {rec}"
    overlap = l["gflops_max"] >= w["gflops_min"]
    if overlap != rec.startswith("no clear winner"):
        raise Fail(f"spreads {'overlap' if overlap else 'apart'} ({spread}) but: {rec!r}")
    if not overlap and not rec.startswith(NAMES[w["kind"]] + " ("):
        raise Fail(f"{NAMES[w['kind']]} has the higher median ({spread}) but: {rec!r}")
    return f"{'overlap' if overlap else 'apart'} ({spread}): {rec}"


def c_agree(*args):
    """validate's 1-thread GFLOPS vs bench's OpenBLAS row at 1 thread, same N: any pair within
    10% passes (machine noise: up to three measurements of each)."""
    i = args.index("--")
    vals, benches = args[:i], args[i + 1:]
    v, b, path = [], [], None
    for p in vals:
        doc = load(p)
        sp = get(doc, "speed")
        n = num(sp.get("n_1"), "speed.n_1")
        if n != 512:
            raise Fail(f"{p}: speed.n_1 is {n!r}, want 512")
        path = get(doc, "blas.path")
        v.append(num(sp.get("gflops_1"), "speed.gflops_1"))
    for p in benches:
        rows = [r for r in (load(p).get("results") or [])
                if r.get("path") == path and num(r.get("threads"), "threads") == 1
                and num(r.get("n"), "n") == 512]
        if len(rows) != 1:
            raise Fail(f"{p}: {len(rows)} rows for {path} at 1 thread, N=512")
        # validate times the best of 3 calls: its like in bench is the fastest sample
        b.append(num(rows[0].get("gflops_max"), f"{p}: gflops_max"))
    if min(v + b) <= 0:
        raise Fail(f"a GFLOPS figure is not positive: validate {v}, bench {b}")
    best = min(((abs(x - y) / max(x, y), x, y) for x in v for y in b))
    said = (f"validate {', '.join(f'{x:g}' for x in v)} / bench {', '.join(f'{y:g}' for y in b)}"
            f" GFLOPS; closest pair {best[1]:g} vs {best[2]:g} ({best[0] * 100:.1f}% apart)")
    if best[0] > 0.10:
        raise Fail(said + ": more than 10% apart")
    return said


CHECKS = {"lib-line": c_lib_line, "relerr": c_relerr, "residual": c_residual, "speed": c_speed,
          "scaling": c_scaling, "environment": c_environment, "coretype": c_coretype,
          "yaml-report": c_yaml_report, "bench-text": c_bench_text, "bench-yaml": c_bench_yaml,
          "bench-verdict": c_bench_verdict, "agree": c_agree}


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in CHECKS:
        sys.exit(f"usage: checks.py {'|'.join(CHECKS)} ARGS...")
    try:
        print(CHECKS[sys.argv[1]](*sys.argv[2:]))
    except Fail as e:
        print(e)
        sys.exit(1)
    except (OSError, yaml.YAMLError, TypeError, KeyError) as e:
        print(f"{type(e).__name__}: {e}")
        sys.exit(1)


if __name__ == "__main__":
    main()
