#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/tui-start.sh — time until the wizard's welcome screen shows in an 80x24 pty, next to
# `dialog --msgbox` measured the same way; prints both medians, the ratio (target <= 1.2x) and
# the wizard's peak RSS (target <= 8 MiB). RUNS=N repeats (default 15).
set -euo pipefail
cd "$(dirname "$0")/.."
ARMPY=${ARMPY:-./armpy}
command -v dialog >/dev/null || { echo "tui-start: dialog is not installed (scripts/deps/test-tui.apt.txt)" >&2; exit 2; }
# The floor: an empty main() linked with the libraries armpy itself needs (its DT_NEEDED).
FLOOR=$(mktemp /tmp/armpy-floor.XXXXXX)
trap 'rm -f "$FLOOR" "$FLOOR.c"' EXIT
cat >"$FLOOR.c" <<'C'
#include <stdio.h>
#include <string.h>
int main(void) { /* prints its own peak RSS (VmHWM, KiB) */
	char l[256]; FILE *f = fopen("/proc/self/status", "r");
	while (f != NULL && fgets(l, sizeof l, f) != NULL)
		if (strncmp(l, "VmHWM:", 6) == 0) fputs(l + 6, stdout);
	return 0;
}
C
NEEDED=$(objdump -p "$ARMPY" | awk '/NEEDED/ { printf " -l:%s", $2 }')
cc -o "$FLOOR" "$FLOOR.c" -Wl,--no-as-needed $NEEDED
python3 - "$ARMPY" "${RUNS:-15}" "$FLOOR" <<'PY'
import fcntl, os, pty, select, statistics, struct, subprocess, sys, termios, time

armpy, runs, floor = sys.argv[1], int(sys.argv[2]), sys.argv[3]
env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8", ARMPY_NO_PROBE="1",
           ARMPY_TODAY="2026-11-25")
fix = ["--os-release", "tests/fixtures/os-release/debian-12",
       "--cpuinfo", "tests/fixtures/cpuinfo/neoverse-n1-altra", "--arch", "aarch64"]

def measure(argv, needle, quit_key):
    """Seconds until needle appears on the pty, and the child's peak RSS in KiB."""
    t0 = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    seen, buf = None, b""
    while seen is None:
        r, _, _ = select.select([fd], [], [], 5)
        if not r:
            raise SystemExit(f"timed out waiting for {needle!r} from {argv[0]}")
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            raise SystemExit(f"{argv[0]} exited before showing {needle!r}")
        buf += chunk
        if needle in buf:
            seen = time.monotonic() - t0
    # Peak RSS of the running program itself: VmHWM belongs to the exec'd image, unlike
    # ru_maxrss, which also counts the forked copy of this Python before the exec.
    hwm = 0
    with open(f"/proc/{pid}/status") as st:
        for line in st:
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    os.write(fd, quit_key)
    while True:   # drain until the child closes the pty
        try:
            if not os.read(fd, 65536):
                break
        except OSError:
            break
    os.waitpid(pid, 0)
    os.close(fd)
    return seen, hwm

wiz, dia, rss = [], [], []
for _ in range(runs):
    s, m = measure([armpy] + fix, b"Welcome: this machine", b"q")
    wiz.append(s); rss.append(m)
    s, _ = measure(["dialog", "--msgbox", "Welcome: this machine", "8", "40"],
                   b"Welcome: this machine", b"\r")
    dia.append(s)
fl, flrss = [], []
for _ in range(runs):
    t0 = time.monotonic()
    out = subprocess.run([floor], capture_output=True, text=True).stdout
    fl.append(time.monotonic() - t0); flrss.append(int(out.split()[0]))
w, d = statistics.median(wiz), statistics.median(dia)
peak = max(rss) / 1024
print(f"armpy wizard : {w * 1000:7.2f} ms to the welcome screen (median of {runs})")
print(f"dialog       : {d * 1000:7.2f} ms to its msgbox (median of {runs})")
print(f"ratio        : {w / d:7.2f}x (target <= 1.20x)")
print(f"peak RSS     : {peak:7.2f} MiB (target <= 8 MiB)")
print(f"link floor   : {statistics.median(fl) * 1000:7.2f} ms, {max(flrss) / 1024:.2f} MiB "
      "(an empty main() linked with the same libraries: the part no wizard code can remove)")
sys.exit(0 if w / d <= 1.2 and peak <= 8 else 1)
PY
