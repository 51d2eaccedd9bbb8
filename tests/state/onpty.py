#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# onpty.py — runs a command on a pty (its terminal) and, when it asks "Proceed? [y/N]", types
# ANSWER and Enter ("-": never answers). Everything it printed goes to LOG. Exit: the command's
# status, 124 when it took over 60 s, 125 when ANSWER is not "-" and the question never came.
# usage: onpty.py ANSWER LOG CMD...
import os
import pty
import signal
import sys


def main():
    answer, log, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    signal.signal(signal.SIGALRM, lambda *_: os.kill(pid, signal.SIGKILL))
    signal.alarm(60)
    out, asked = b"", answer == "-"
    while True:
        try:
            chunk = os.read(fd, 4096)      # EIO once the command and its pty are gone
        except OSError:
            chunk = b""
        if not chunk:
            break
        out += chunk
        if not asked and b"Proceed? [y/N]" in out:
            os.write(fd, answer.encode() + b"\r")
            asked = True
    _, status = os.waitpid(pid, 0)
    with open(log, "wb") as f:
        f.write(out)
    if os.WIFSIGNALED(status):
        sys.exit(124)
    sys.exit(os.WEXITSTATUS(status) if asked else 125)


main()
