#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# hup.py — runs a command as a session leader on a pty, closes the pty (the dropped SSH terminal)
# once the command printed MARKER, then waits for it. Exit: the command's status, 128+signal
# when a signal killed it, 124 on timeout, 125 when MARKER never appeared.
# usage: hup.py MARKER TIMEOUT LOG CMD...
import os
import pty
import select
import signal
import sys
import time


def main():
    marker, timeout, log = sys.argv[1].encode(), float(sys.argv[2]), sys.argv[3]
    cmd = sys.argv[4:]
    pid, fd = pty.fork()      # the child calls setsid() and gets the pty as its terminal
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    seen = b""
    deadline = time.time() + 120
    while marker not in seen and time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 1.0)
        if not r:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    found = marker in seen
    os.close(fd)              # hang up: the session leader gets SIGHUP
    with open(log, "wb") as f:
        f.write(seen)
        f.write(b"\n--- pty closed (marker %s) ---\n" % (b"seen" if found else b"NOT seen"))
    end = time.time() + timeout
    while True:
        wpid, status = os.waitpid(pid, os.WNOHANG)
        if wpid == pid:
            break
        if time.time() > end:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            sys.exit(124)
        time.sleep(0.5)
    if not found:
        sys.exit(125)
    if os.WIFSIGNALED(status):
        sys.exit(128 + os.WTERMSIG(status))
    sys.exit(os.WEXITSTATUS(status))


if __name__ == "__main__":
    main()
