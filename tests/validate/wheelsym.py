#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# wheelsym.py — the probe names the symbol a module really imports: a module built like a
# NumPy wheel's (it calls scipy_cblas_dgemm64_ from its own bundled library) is served by that
# library even when another BLAS has put cblas_dgemm in the global scope (RTLD_GLOBAL).
# Usage: wheelsym.py PROBE DIR GLOBAL_BLAS_SO; compiles two tiny libraries in DIR with cc.
import ctypes
import importlib.util
import os
import subprocess
import sys


def build(d):
    with open(os.path.join(d, "bundled.c"), "w") as f:
        f.write("void scipy_cblas_dgemm64_(void) {}\n")
    with open(os.path.join(d, "mod.c"), "w") as f:
        f.write("extern void scipy_cblas_dgemm64_(void);\n"
                "void mod_call(void) { scipy_cblas_dgemm64_(); }\n")
    subprocess.check_call(["cc", "-shared", "-fPIC", "-o", os.path.join(d, "libbundled.so"),
                           os.path.join(d, "bundled.c")])
    subprocess.check_call(["cc", "-shared", "-fPIC", "-o", os.path.join(d, "mod.so"),
                           os.path.join(d, "mod.c"), "-L" + d, "-lbundled", "-Wl,-rpath," + d])
    return os.path.join(d, "mod.so"), os.path.realpath(os.path.join(d, "libbundled.so"))


def main():
    probe, d, global_blas = sys.argv[1:4]
    mod, bundled = build(d)
    ctypes.CDLL(global_blas, mode=ctypes.RTLD_GLOBAL)   # cblas_dgemm now in the global scope
    ctypes.CDLL(mod)
    spec = importlib.util.spec_from_file_location("probe", probe)
    p = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(p)
    r = p.resolve(mod, p.BLAS_NAMES)
    if r is None or r["symbol"] != "scipy_cblas_dgemm64_" or r["path"] != bundled:
        print("resolve(mod.so) = %r; want scipy_cblas_dgemm64_ from %s" % (r, bundled))
        sys.exit(1)


if __name__ == "__main__":
    main()
