#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# onpty.py — runs a command with stdin and stdout on an 80x24 pty (stderr too unless
# ONPTY_STDERR names a file) and copies everything the pty showed to our stdout, as bytes.
# Exit status: the command's (128+N for a signal N); 124 when it ran for over ONPTY_SECS
# seconds (15), and was killed.
import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time

master, slave = pty.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
err = open(os.environ["ONPTY_STDERR"], "wb") if os.environ.get("ONPTY_STDERR") else slave
p = subprocess.Popen(sys.argv[1:], stdin=slave, stdout=slave, stderr=err, start_new_session=True)
os.close(slave)
out, deadline = b"", time.time() + float(os.environ.get("ONPTY_SECS", "15"))
while time.time() < deadline:
    r, _, _ = select.select([master], [], [], 0.1)
    if r:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            chunk = b""
        if not chunk:
            break
        out += chunk
    elif p.poll() is not None:
        break
try:
    p.wait(timeout=max(0.1, deadline - time.time()))
    rc = p.returncode if p.returncode >= 0 else 128 - p.returncode
except subprocess.TimeoutExpired:
    p.kill()
    p.wait()
    rc = 124
sys.stdout.buffer.write(out)
sys.exit(rc)
