#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# procs.py — the processes running inside a chroot, seen from the machine (/proc/PID/root), for
# the ssh suite: wait for one by name, or list them.
#   procs.py wait ROOT TIMEOUT NAME [ARG]  waits until a process named NAME (whose command line
#                                       has the word ARG) runs in ROOT; prints "PID PGID SID";
#                                       exit 1 on timeout
#   procs.py gone ROOT TIMEOUT NAME     waits until no process named NAME runs in ROOT; exit 1
#                                       on timeout
#   procs.py list ROOT                  "PID PGID SID NAME ARGS" per process
import os
import sys
import time


def procs(root):
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            if os.readlink(f"/proc/{d}/root") != root:
                continue
            with open(f"/proc/{d}/stat") as f:
                stat = f.read()
            with open(f"/proc/{d}/cmdline", "rb") as f:
                args = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        out.append((int(d), int(fields[2]), int(fields[3]), name, args))
    return out


def main():
    cmd, root = sys.argv[1], os.path.realpath(sys.argv[2])
    if cmd == "list":
        for p in procs(root):
            print(*p)
        return 0
    timeout, name = float(sys.argv[3]), sys.argv[4]
    word = sys.argv[5] if len(sys.argv) > 5 else None
    end = time.time() + timeout
    while time.time() < end:
        hits = [p for p in procs(root)
                if p[3] == name and (word is None or word in p[4].split())]
        if cmd == "wait" and hits:
            print(*hits[0][:3])
            return 0
        if cmd == "gone" and not hits:
            return 0
        time.sleep(0.05)
    return 1


if __name__ == "__main__":
    sys.exit(main())
