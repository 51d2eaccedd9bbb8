#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# hup.py — starts the wizard on an 80x24 pty, walks to a dialog, then hangs the terminal up
# (closes the pty) while the dialog is open, and checks that armpy exits soon, without spinning.
# usage: hup.py ARMPY HOME ctty|noctty eol|help|failed [ARGS...]
#   eol: the End-of-life Python confirmation; help: the help pager; failed: the Step failed
#   dialog of a run (ARGS must hold --root EMPTYDIR), while SIGHUP is ignored for the run.
#   ctty: the pty is armpy's controlling terminal (the kernel sends SIGHUP);
#   noctty: it is not (no SIGHUP ever comes: only EOF/EIO on reads).
# Exit 0 when armpy ended within 10 s of the hang-up using under 3 s of CPU after it.
import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time

armpy, home, mode, dialog = sys.argv[1:5]
detect = sys.argv[5:]
master, slave = pty.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="", HOME=home,
           XDG_CONFIG_HOME=home + "/config", XDG_STATE_HOME=home + "/state",
           ARMPY_STATE_DIR=home + "/state/armpy", ARMPY_NO_PROBE="1")


def ctty():
    os.setsid()
    if mode == "ctty":
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)


p = subprocess.Popen([armpy] + detect, stdin=slave, stdout=slave, stderr=slave, env=env,
                     preexec_fn=ctty, close_fds=True)
os.close(slave)
seen = b""


def wait_for(text, secs=10):
    global seen
    deadline = time.time() + secs
    while time.time() < deadline:
        r, _, _ = select.select([master], [], [], 0.1)
        if r:
            try:
                seen += os.read(master, 65536)
            except OSError:
                break
        if text.encode() in seen:
            seen = b""
            return True
    print("never saw:", text)
    return False


def keys(s):
    os.write(master, s.encode())
    time.sleep(0.15)


ok = wait_for("Welcome")
if ok and dialog == "eol":
    keys("\r")
    ok = wait_for("Planning for")
    keys("\r")
    ok = ok and wait_for("Chosen: Python system")
    if ok:
        keys("jjjjjj")
        keys(" ")
        ok = wait_for("End-of-life Python")
elif ok and dialog == "failed":
    # a run into an empty --root fails at once: the Retry/Abort dialog, SIGHUP ignored (a run)
    for k, want in (("\r", "Planning for"), ("\r", "Chosen: Python"), ("\r", "choose where"),
                    ("\r", "OpenBLAS TARGET"), ("\r", "Optional packages"), ("\r", "Plan for"),
                    ("\r", "Run the plan"), ("y", "Step failed")):
        keys(k)
        ok = ok and wait_for(want, 20)
elif ok:
    keys("?")
    ok = wait_for("Keys on every screen")
if not ok:
    p.kill()
    sys.exit(1)
cpu0 = time.process_time()
with open("/proc/%d/stat" % p.pid) as f:
    t0 = sum(int(x) for x in f.read().rsplit(")", 1)[1].split()[11:13])
os.close(master)             # hang up, the dialog open
start = time.time()
cpu = 0
while p.poll() is None and time.time() - start < 10:
    try:
        with open("/proc/%d/stat" % p.pid) as f:
            cpu = sum(int(x) for x in f.read().rsplit(")", 1)[1].split()[11:13]) - t0
    except OSError:
        pass
    time.sleep(0.1)
if p.poll() is None:
    cpu_s = cpu / os.sysconf("SC_CLK_TCK")
    p.kill()
    p.wait()
    print("armpy still running 10 s after the hang-up (%.1f s of CPU)" % cpu_s)
    sys.exit(1)
cpu_s = cpu / os.sysconf("SC_CLK_TCK")
print("armpy ended %.1f s after the hang-up, status %d, %.2f s of CPU" %
      (time.time() - start, p.returncode, cpu_s))
sys.exit(0 if cpu_s < 3 else 1)
