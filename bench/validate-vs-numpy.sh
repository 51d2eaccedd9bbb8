#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/validate-vs-numpy.sh — armpy gflops's native dgemm GFLOPS vs NumPy's own `a @ b` for the same library, size and threads.
# Usage: bench/validate-vs-numpy.sh [N] [THREADS] [PYTHON]   (defaults 2000, 1, /usr/bin/python3)
# Prints one line per thread count and the ratio armpy/NumPy (target >= 0.95x).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
ARMPY=${ARMPY:-$TOP/armpy}
N=${1:-2000}
T=${2:-1}
PY=${3:-/usr/bin/python3}

# The library NumPy really uses, as armpy validate reports it (not show_config).
lib=$("$ARMPY" validate --python "$PY" --quick --format yaml | "$PY" -c '
import sys, yaml
print((yaml.safe_load(sys.stdin).get("blas") or {}).get("path") or "")')
[ -n "$lib" ] || { echo "cannot tell which BLAS NumPy uses" >&2; exit 1; }

armpy_gf=$("$ARMPY" gflops --size "$N" --threads "$T" --format yaml | "$PY" -c '
import sys, yaml
lib, t = sys.argv[1], int(sys.argv[2])
for r in yaml.safe_load(sys.stdin).get("results") or []:
    if r.get("path") == lib and int(r.get("threads", 0)) == t and r.get("gflops") is not None:
        print(float(r["gflops"])); break' "$lib" "$T")
[ -n "$armpy_gf" ] || { echo "armpy gflops did not measure $lib at $T threads" >&2; exit 1; }

numpy_gf=$(OMP_NUM_THREADS=$T OPENBLAS_NUM_THREADS=$T BLIS_NUM_THREADS=$T GOTO_NUM_THREADS=$T \
	"$PY" -c '
import sys, time
import numpy as np
n = int(sys.argv[1])
rng = np.random.RandomState(1)
a = rng.uniform(-1, 1, (n, n)); b = rng.uniform(-1, 1, (n, n))
a @ b
best, total, reps = 1e300, 0.0, 3
r = 0
while r < reps and r < 50:
    t0 = time.perf_counter(); a @ b; dt = time.perf_counter() - t0
    best = min(best, dt); total += dt; r += 1
    if r == reps and total < 0.3: reps += 1
print("%.2f" % (2.0 * n ** 3 / best / 1e9))' "$N")

ratio=$("$PY" -c 'import sys; print("%.3f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$armpy_gf" "$numpy_gf")
echo "library: $lib"
echo "N=$N threads=$T  armpy gflops: $armpy_gf GFLOPS  numpy a @ b: $numpy_gf GFLOPS  ratio: ${ratio}x (target >= 0.95x)"
"$PY" -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= 0.95 else 1)' "$ratio"
