#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# blisarch.py — what BLIS itself says about this CPU, independently of armpy: the sub-configuration
# (kernel set) the library selects here, bli_arch_string(bli_arch_query_id()), on line 1; on line 2
# every sub-configuration this build can name (its arch_t table, up to and including "generic",
# which BLIS keeps last); on line 3 the arch id of "generic" (for BLIS_ARCH_TYPE), or "-".
# usage: blisarch.py LIBBLIS.so   (runs inside a chroot too: python3 - LIB <blisarch.py)
import ctypes
import sys


def main():
    lib = ctypes.CDLL(sys.argv[1])
    lib.bli_arch_string.restype = ctypes.c_char_p
    lib.bli_arch_string.argtypes = [ctypes.c_int]
    lib.bli_arch_query_id.restype = ctypes.c_int
    # With BLIS_ARCH_TYPE set, bli_arch_query_id() checks the id against the kernel structure,
    # which exists only after bli_init() (BLIS aborts otherwise); without it, init is harmless.
    lib.bli_init()
    here = lib.bli_arch_string(lib.bli_arch_query_id())
    if not here:
        sys.exit("bli_arch_string(bli_arch_query_id()) returned NULL")
    names, generic = [], "-"
    for i in range(64):  # the table ends with "generic"; never read past it
        s = lib.bli_arch_string(i)
        if not s:
            break
        names.append(s.decode())
        if names[-1] == "generic":
            generic = str(i)
            break
    print(here.decode())
    print(" ".join(names))
    print(generic)


if __name__ == "__main__":
    main()
