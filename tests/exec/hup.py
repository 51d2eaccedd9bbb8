#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# hup.py — starts `armpy run PLAN --yes` as a session leader on a pty, closes the pty mid-run
# (the terminal hangs up: SIGHUP, then EIO on writes) and waits for armpy to finish.
# usage: hup.py ARMPY PLAN STATE_DIR ; exit 0 when armpy exited 0 after the hang-up.
import fcntl
import glob
import os
import pty
import subprocess
import sys
import termios
import time

armpy, plan, state = sys.argv[1:4]
master, slave = pty.openpty()


def ctty():
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


p = subprocess.Popen([armpy, "run", plan, "--yes"], stdin=slave, stdout=slave, stderr=slave,
                     preexec_fn=ctty, close_fds=True)
os.close(slave)
deadline = time.time() + 20
started = False
while time.time() < deadline and not started:
    for j in glob.glob(os.path.join(state, "runs", "*", "journal")):
        with open(j) as f:
            started = any(l.startswith("start h2 ") for l in f)
    try:
        os.read(master, 65536) if started is False else None
    except OSError:
        pass
    time.sleep(0.02)
if not started:
    print("step h2 never started")
    p.kill()
    sys.exit(1)
os.close(master)             # hang up
print("pty closed")
try:
    rc = p.wait(timeout=30)
except subprocess.TimeoutExpired:
    p.kill()
    print("armpy did not finish")
    sys.exit(1)
print("armpy exited", rc)
sys.exit(0 if rc == 0 else 1)
