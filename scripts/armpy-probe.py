# SPDX-License-Identifier: MIT
# armpy-probe.py — runs inside the target Python; reports which BLAS/LAPACK really serve NumPy, as YAML.
#
# Standard library + NumPy only, Python 3.7+. armpy passes this text with `python -c` (argv, no
# shell), so it works inside a chroot too. Arguments: [--quick] [--identify PATH] and the tables
# of src/blasid.c (blasid_probe_args): --decor=PREFIX,SUFFIX, --id=SYMBOL, --marker=KIND:TEXT,
# --lib=KIND:FILE-NAME-PREFIX (vendor library files as /proc/self/maps names them).
# Output: YAML on stdout. The probe reports facts (symbols found, what they say, markers in a
# file's contents); blasid.c alone decides from them which library it is (blasid_decide).
#
# Why not numpy.show_config(): on Debian it prints the build-time names "blas"/"lapack" whatever
# /etc/alternatives points at. Here we ask the dynamic linker instead: dlsym through the handle of
# the extension module that calls BLAS, dladdr on the address, realpath of the file.
import ctypes
import os
import re
import subprocess
import sys

QUICK = "--quick" in sys.argv[1:]


def _args(prefix):
    return [a[len(prefix):] for a in sys.argv[1:] if a.startswith(prefix)]


# The tables come from armpy (src/blasid.c): wheel decorations, identification symbols, markers.
DECOR = tuple(tuple(d.split(",", 1)) for d in _args("--decor=") if "," in d) or (("", ""),)
IDS = tuple(_args("--id="))
MARKERS = tuple((t.split(":", 1)[1].encode(), t.split(":", 1)[0]) for t in _args("--marker=")
                if ":" in t)
LIB_PREFIXES = tuple(t.split(":", 1)[1] for t in _args("--lib=") if ":" in t)
# Every variable that changes which library or kernels load and how they run: reported as seen.
ENV_PREFIXES = ("OPENBLAS_", "GOTO", "BLIS_", "OMP_", "GOMP_", "KMP_", "MKL_", "FLEXIBLAS",
                "LD_PRELOAD", "LD_LIBRARY_PATH", "QEMU_CPU")
BLAS_NAMES = ("cblas_dgemm", "scipy_cblas_dgemm64_", "cblas_dgemm64_", "scipy_cblas_dgemm",
              "cblas_dgemm_64")
FBLAS_NAMES = ("dgemm_", "scipy_dgemm_64_", "dgemm_64_", "scipy_dgemm_", "dgemm64_")
LAPACK_NAMES = ("dgetrf_", "scipy_dgetrf_64_", "dgetrf_64_", "scipy_dgetrf_", "dgetrf64_")
LIBLIKE = re.compile(r"(blas|blis|lapack|mkl_|armpl|nvpl|flexiblas|atlas|libflame)", re.I)
errors = []


class DlInfo(ctypes.Structure):
    _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]


def _libdl():
    for name in (None, "libdl.so.2", "libc.so.6"):
        try:
            lib = ctypes.CDLL(name)
            lib.dladdr
            lib.dlsym
            return lib
        except (OSError, AttributeError):
            continue
    raise OSError("no dlsym/dladdr")


DL = _libdl()
DL.dlsym.restype = ctypes.c_void_p
DL.dlsym.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
DL.dladdr.restype = ctypes.c_int
DL.dladdr.argtypes = [ctypes.c_void_p, ctypes.POINTER(DlInfo)]


def dlsym(handle, name):
    return DL.dlsym(handle, name.encode())


def dladdr_file(addr):
    info = DlInfo()
    if not addr or DL.dladdr(ctypes.c_void_p(addr), ctypes.byref(info)) == 0:
        return None
    return info.dli_fname.decode("utf-8", "replace") if info.dli_fname else None


def handle_of(path):
    """The loader's handle of an already loaded file (dlopen returns the same handle)."""
    return ctypes.CDLL(path)._handle


def referenced(module_file, names):
    """The names the module's file mentions (its dynamic string table holds the symbols it
    imports): a wheel's NumPy binds scipy_cblas_dgemm64_, and a cblas_dgemm some other library
    put in the global scope is not what it calls. All of names when the file cannot be read or
    mentions none of them."""
    try:
        with open(module_file, "rb") as fp:
            data = fp.read()
    except OSError:
        return names
    found = tuple(n for n in names if (b"\0" + n.encode() + b"\0") in data)
    return found or names


def resolve(module_file, names):
    """Resolve the first of names that the module imports the way ld.so binds it for that
    module: the global scope first (main program, LD_PRELOAD, RTLD_GLOBAL libraries), then the
    module's own dependency scope. Returns a dict or None."""
    h = handle_of(module_file)
    for name in referenced(module_file, names):
        local = dlsym(h, name)
        glob = dlsym(None, name)
        addr, scope = (glob, "global") if glob else (local, "module")
        if not addr:
            continue
        fname = dladdr_file(addr)
        if fname is None:
            continue
        return {"symbol": name, "scope": scope, "file": fname,
                "path": os.path.realpath(fname)}
    return None


def call_str(lib, name, buflen=0):
    f = getattr(lib, name)
    if buflen:
        buf = ctypes.create_string_buffer(buflen)
        f.restype = None
        f(buf, ctypes.c_int(buflen))
        return buf.value.decode("utf-8", "replace").strip()
    f.restype = ctypes.c_char_p
    v = f()
    return v.decode("utf-8", "replace").strip() if v else None


VENDOR_CORE = re.compile(r"^lib(openblas|blis|flexiblas|mkl_|armpl)")


def related(addr, path):
    """Whether the symbol at addr identifies the library at path: defined in the file itself,
    or in a vendor core that the file itself links to by the vendor's name (Debian ships OpenBLAS's
    libblas.so.3/liblapack.so.3 as thin wrappers that need libopenblas.so.0). A vendor symbol
    reached through a generic name (libblas.so.3) says nothing about the file: netlib's
    liblapack.so.3 on top of a BLIS libblas is still netlib LAPACK."""
    f = dladdr_file(addr)
    if not f:
        return False
    if os.path.realpath(f) == os.path.realpath(path):
        return True
    core = os.path.basename(f)
    vendor = VENDOR_CORE.match(core) is not None or core.startswith(LIB_PREFIXES)
    return vendor and needs(path, core)


def needs(path, soname):
    """Whether the ELF file at path names soname in its dynamic string table (DT_NEEDED): a
    direct link, not one reached through another library."""
    try:
        with open(path, "rb") as fp:
            return (b"\0" + soname.encode() + b"\0") in fp.read()
    except OSError:
        return False


def find_sym(handle, base, path=None):
    for pre, suf in DECOR:
        name = pre + base + suf
        addr = dlsym(handle, name)
        if addr and (path is None or related(addr, path)):
            return name, addr
    return None, None


def scan_markers(path):
    """Every kind whose marker (armpy's --marker table) the file's contents hold: strings
    compiled into the binary, not its file name."""
    found = []
    try:
        with open(path, "rb") as fp:
            tail = b""
            while True:
                chunk = fp.read(1 << 20)
                if not chunk:
                    break
                data = tail + chunk
                for m, kind in MARKERS:
                    if kind not in found and m in data:
                        found.append(kind)
                tail = chunk[-64:]
    except OSError:
        pass
    return found


def call_int(lib, name):
    f = getattr(lib, name)
    f.restype = ctypes.c_int
    return f()


def call3(lib, name):
    ma, mi, pa = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
    getattr(lib, name)(ctypes.byref(ma), ctypes.byref(mi), ctypes.byref(pa))
    return "%d.%d.%d" % (ma.value, mi.value, pa.value)


def call_armpl(lib, name):
    """armplversion(armpl_int_t *major, *minor, *patch, const char **tag) (armpl.h): 32-bit
    ints in the lp64 libraries, 64-bit in the ilp64 ones; each writes its own width into a
    zeroed 64-bit slot, which reads right on a little-endian CPU."""
    v = [ctypes.c_int64(0) for _ in range(3)]
    tag = ctypes.c_char_p()
    f = getattr(lib, name)
    f.restype = None
    f(*[ctypes.byref(x) for x in v], ctypes.byref(tag))
    return "%d.%d.%d" % tuple(x.value for x in v)


def call_backend(lib, name):
    """flexiblas_current_backend(char *name, size_t len) (flexiblas_api.h)."""
    buf = ctypes.create_string_buffer(128)
    f = getattr(lib, name)
    f.restype = ctypes.c_int
    f.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    f(buf, ctypes.c_size_t(len(buf)))
    return buf.value.decode("utf-8", "replace").strip() or None


# What to ask a library, by the symbol's undecorated name: (fact, how to call it), as each is
# documented (the source column of blasid.c's identification table).
QUERIES = (("config", "openblas_get_config", call_str), ("corename", "openblas_get_corename", call_str),
           ("parallel", "openblas_get_parallel", call_int),
           ("version", "bli_info_get_version_str", call_str),
           ("blis_openmp", "bli_info_get_enable_openmp", call_int),
           ("blis_pthreads", "bli_info_get_enable_pthreads", call_int),
           ("version", "flexiblas_get_version", call3),
           ("version", "mkl_get_version_string", lambda l, n: call_str(l, n, 256)),
           ("version", "armplversion", call_armpl),
           ("version_code", "nvpl_blas_get_version", call_int),
           ("backend", "flexiblas_current_backend", call_backend))


def backend_file(name, mapped):
    """The file FlexiBLAS loaded for the backend it names, among the mapped files: as
    blasid_backend_file in blasid.c ("OPENBLAS-OPENMP": .../libflexiblas_openblas-openmp.so,
    any case; a path, from FLEXIBLAS=/path/lib.so: that file; else the one mapped BLAS-like
    file that is not FlexiBLAS's)."""
    if not name:
        return None
    if "/" in name and name in mapped:
        return name
    want = ("libflexiblas_%s." % name).lower()
    if want == "libflexiblas_api.":
        return None
    for p in mapped:
        if os.path.basename(p).lower().startswith(want):
            return p
    # a configured library= of its own: the one mapped BLAS-like file that is not FlexiBLAS's
    others = [p for p in mapped if os.path.basename(p).startswith("lib")
              and not os.path.basename(p).lower().startswith("libflexiblas")]
    return others[0] if len(others) == 1 else None


def identify(path, out, dispatcher=True):
    """The facts blasid.c decides from, for the library at path: the identification symbols it
    (or a vendor core it links) exports, what the query functions say, and, where it exports
    none, the markers in its contents and a libblis.so.* beside it; for FlexiBLAS, the same
    facts of the backend file it loaded. Decides nothing."""
    f = {"symbols": [], "markers": [], "plain_api": False}
    out["facts"] = f
    out["provider"] = None
    try:
        lib = ctypes.CDLL(path)
    except OSError as e:
        errors.append("cannot open %s: %s" % (path, e))
        return out
    h = lib._handle
    for base in IDS:
        name, addr = find_sym(h, base, path)
        if name:
            f["symbols"].append(name)
            out["provider"] = out["provider"] or os.path.realpath(dladdr_file(addr) or path)
    for key, base, call in QUERIES:
        name, _ = find_sym(h, base, path if base in IDS else None)
        if name and f.get(key) is None:
            try:
                f[key] = call(lib, name)
            except (AttributeError, ValueError, OSError) as e:
                errors.append("%s of %s: %s" % (name, path, e))
    if dlsym(h, "bli_arch_query_id"):
        SIBLINGS.append((path, f, "blis_arch"))
    if not f["symbols"]:
        f["markers"] = scan_markers(path)
        blis_sibling(path, f)
    f["plain_api"] = bool(dlsym(h, "dgemm_") or dlsym(h, "cblas_dgemm") or dlsym(h, "dgetrf_"))
    out["provider"] = out["provider"] or os.path.realpath(path)
    if not dispatcher:
        f.pop("backend", None)
    elif f.get("backend"):
        bp = backend_file(f["backend"], mapped_libs())
        if bp:
            sub = identify(bp, {}, dispatcher=False)
            f["backend_path"] = os.path.realpath(bp)
            f["backend_provider"] = sub["provider"]
            f["backend_facts"] = sub["facts"]
        else:
            errors.append("FlexiBLAS backend %s: no libflexiblas_*.so of that name is mapped"
                          % f["backend"])
    return out


def add_mapped(role, maps):
    """Every mapped vendor file, a fact of each library identified (MKL's libmkl_rt loads its
    threading layer, libmkl_gnu_thread.so or another, at its first call)."""
    f = role.get("facts") if role else None
    if f is not None:
        f["mapped"] = maps
        if f.get("backend_facts") is not None:
            f["backend_facts"]["mapped"] = maps


BLIS_SUBCONFIG = re.compile(r"selecting sub-configuration '([a-z0-9_]+)'")
KERNELS_RUN = r'''
import numpy as np
a = np.ones((64, 64))
a @ a
'''


def blis_kernels(f):
    """The kernel set BLIS selected on this CPU, in the library's own words: with
    BLIS_ARCH_DEBUG=1 BLIS names its sub-configuration on stderr at its first call. Asked
    through NumPy, in a fresh interpreter with this environment, so it is the library that
    really serves a @ b, even where (Debian's libblas.so.3) every bli_* symbol is hidden."""
    env = dict(os.environ)
    env["BLIS_ARCH_DEBUG"] = "1"
    try:
        p = subprocess.run([sys.executable, "-c", KERNELS_RUN], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    except Exception as e:  # report, never crash the probe
        errors.append("BLIS kernels: %s" % e)
        return
    found = BLIS_SUBCONFIG.findall(p.stderr.decode("utf-8", "replace"))
    if found:
        f["arch_debug"] = found[-1]
    elif p.returncode != 0:
        errors.append("BLIS kernels: a @ b with BLIS_ARCH_DEBUG=1 failed (exit %d): %s" % (
            p.returncode, p.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]))


def blis_arch_query(lib):
    """bli_arch_string(bli_arch_query_id()) where the library exports it."""
    try:
        # A copy loaded on its own is not initialised yet: with BLIS_ARCH_TYPE set, querying
        # it first aborts ("Accessed uninitialized context in gks").
        lib.bli_init()
        lib.bli_arch_query_id.restype = ctypes.c_int
        lib.bli_arch_string.restype = ctypes.c_char_p
        lib.bli_arch_string.argtypes = [ctypes.c_int]
        name = lib.bli_arch_string(lib.bli_arch_query_id())
    except AttributeError:
        return None
    return name.decode("utf-8", "replace") if name else None


# (library, facts, what): BLIS queries made at the very end (see main), so that loading a
# library cannot disturb anything measured.
SIBLINGS = []


def blis_sibling(path, f):
    """Debian builds libblas.so.3 and libblis.so.N from one BLIS source into one directory:
    what a libblis.so.* beside a file that hides its API says is a fact about that file."""
    d = os.path.dirname(path)
    try:
        names = sorted(n for n in os.listdir(d) if n.startswith("libblis.so"))
    except OSError:
        names = []
    if names:
        SIBLINGS.append((os.path.join(d, names[0]), f, "sibling"))


def blis_late():
    for path, f, what in SIBLINGS:
        try:
            lib = ctypes.CDLL(path)
            if what == "blis_arch":
                f["blis_arch"] = blis_arch_query(lib)
                continue
            f["sibling"] = path
            f["sibling_version"] = call_str(lib, "bli_info_get_version_str")
            f["sibling_openmp"] = call_int(lib, "bli_info_get_enable_openmp")
            f["sibling_pthreads"] = call_int(lib, "bli_info_get_enable_pthreads")
            f["sibling_arch"] = blis_arch_query(lib)
        except (OSError, AttributeError) as e:
            errors.append("BLIS %s %s: %s" % (what, path, e))


def mapped_libs():
    seen = []
    try:
        with open("/proc/self/maps") as fp:
            for line in fp:
                parts = line.split(None, 5)
                if len(parts) < 6:
                    continue
                p = parts[5].strip()
                base = os.path.basename(p)
                if (p.startswith("/") and (LIBLIKE.search(base) or base.startswith(LIB_PREFIXES))
                        and ".cpython-" not in base
                        and ".abi3." not in base and p not in seen):
                    seen.append(p)
    except OSError as e:
        errors.append("cannot read /proc/self/maps: %s" % e)
    return seen


def serving(label, module_file, names):
    r = resolve(module_file, names)
    if r is None:
        errors.append("%s: none of %s resolves" % (label, ", ".join(names)))
        return None
    r["consumer"] = label
    r["module"] = module_file
    identify(r["path"], r)
    return r


def ref_matmul(np, a, b):
    """float64 product without BLAS: elementwise multiply and pairwise add.reduce per row."""
    c = np.empty((a.shape[0], b.shape[1]))
    for i in range(a.shape[0]):
        c[i] = np.add.reduce(np.multiply(a[i][:, None], b), axis=0)
    return c


def correctness(np):
    res = {}
    rng = np.random.RandomState(20211)
    n = 256
    a = rng.standard_normal((n, n))
    b = rng.standard_normal((n, n))
    c = a @ b
    ref = ref_matmul(np, a, b)
    res["dgemm_n"] = n
    res["dgemm_relerr"] = float(np.sqrt(np.add.reduce(((c - ref) ** 2).ravel())) /
                                np.sqrt(np.add.reduce((ref ** 2).ravel())))
    eps = np.finfo(np.float64).eps
    x0 = rng.standard_normal(n)
    bb = np.add.reduce(a * x0[None, :], axis=1)

    def scaled(x):
        r = np.add.reduce(a * x[None, :], axis=1) - bb
        return float(np.abs(r).max() / (np.abs(a).sum(axis=1).max() * np.abs(x).max() * n * eps))
    res["solve_n"] = n
    res["solve_residual"] = scaled(np.linalg.solve(a, bb))
    try:
        import scipy.linalg
        res["scipy_solve_residual"] = scaled(scipy.linalg.solve(a, bb))
    except ImportError:
        res["scipy_solve_residual"] = None
    return res


TIMER = r'''
import sys, time, ctypes
import numpy as np
n, target, fixed, lib = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3] == "1", sys.argv[4]
def run(n, reps):
    rng = np.random.RandomState(7)
    a = rng.standard_normal((n, n)); b = rng.standard_normal((n, n))
    a @ b
    best = 1e300
    for _ in range(reps):
        t0 = time.perf_counter(); a @ b; best = min(best, time.perf_counter() - t0)
    return best
if not fixed:
    t = run(n, 2)
    gf = 2.0 * n ** 3 / t
    n = int((target * gf / 2.0) ** (1.0 / 3.0)) // 64 * 64
    n = max(256, min(n, 12000))
t = run(n, 3 if not fixed else 5)
nt = "null"
try:
    l = ctypes.CDLL(lib)
    for f in ("openblas_get_num_threads", "scipy_openblas_get_num_threads64_",
              "openblas_get_num_threads64_", "bli_thread_get_num_threads"):
        if hasattr(l, f):
            nt = str(getattr(l, f)()); break
except OSError:
    pass
print(n, repr(t), repr(2.0 * n ** 3 / t / 1e9), nt)
'''


def cgroup_cpu_max():
    """The cgroup v2 CPU quota of this process as CPUs (quota/period), or None."""
    try:
        with open("/proc/self/cgroup") as fp:
            rel = [ln.split(":", 2)[2].strip() for ln in fp if ln.startswith("0::")]
        path = "/sys/fs/cgroup" + (rel[0] if rel else "/")
        while True:
            try:
                with open(os.path.join(path, "cpu.max")) as fp:
                    quota, period = fp.read().split()[:2]
                if quota != "max":
                    return float(quota) / float(period)
            except (OSError, ValueError):
                pass
            if path in ("/sys/fs/cgroup", "/sys/fs/cgroup/", "/"):
                return None
            path = os.path.dirname(path.rstrip("/"))
    except (OSError, IndexError):
        return None


def loadavg():
    try:
        with open("/proc/loadavg") as fp:
            return float(fp.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def timing(threads, lib):
    env = dict(os.environ)
    for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "BLIS_NUM_THREADS", "GOTO_NUM_THREADS",
              "MKL_NUM_THREADS"):
        env[v] = str(threads)
    args = [sys.executable, "-c", TIMER, "512" if QUICK else "256", "0.3", "1" if QUICK else "0", lib or ""]
    try:
        p = subprocess.run(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=600)
        if p.returncode != 0:
            raise RuntimeError(p.stderr.decode("utf-8", "replace").strip().splitlines()[-1:])
        n, t, gf, nt = p.stdout.decode().split()
        return {"threads": threads, "n": int(n), "seconds": float(t), "gflops": float(gf),
                "library_threads": None if nt == "null" else int(nt)}
    except Exception as e:  # report, never crash the probe
        errors.append("timing with %d threads: %s" % (threads, e))
        return None


def q(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    s = str(v)
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def emit(key, v, ind=0):
    pad = "  " * ind
    if isinstance(v, dict):
        print("%s%s:" % (pad, key) if v else "%s%s: {}" % (pad, key))
        for k, x in v.items():
            emit(k, x, ind + 1)
    elif isinstance(v, list):
        if not v:
            print("%s%s: []" % (pad, key))
            return
        print("%s%s:" % (pad, key))
        for x in v:
            if isinstance(x, dict):
                first = True
                for k, y in x.items():
                    print("%s  %s%s: %s" % (pad, "- " if first else "  ", k, q(y)))
                    first = False
            else:
                print("%s  - %s" % (pad, q(x)))
    else:
        print("%s%s: %s" % (pad, key, q(v)))


def cpu_count():
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def module_file(prefixes, suffix):
    for name, m in list(sys.modules.items()):
        if name.endswith(suffix) and any(name.startswith(p) for p in prefixes):
            f = getattr(m, "__file__", None)
            if f:
                return f
    return None


def identify_only(path):
    """--identify PATH: the facts of one library, nothing else (tests compare blasid.c's own
    gathering with this one on the same files)."""
    out = {"probe": 1, "identify": identify(path, {"path": os.path.realpath(path)})}
    add_mapped(out["identify"], mapped_libs())
    blis_late()
    out["errors"] = errors
    for k, v in out.items():
        emit(k, v)


def main():
    if "--identify" in sys.argv[1:-1]:
        return identify_only(sys.argv[sys.argv.index("--identify") + 1])
    out = {"probe": 1, "quick": QUICK,
           "python": {"executable": sys.executable, "version": "%d.%d.%d" % sys.version_info[:3]},
           "cpu_count": cpu_count(),
           "env": dict((k, v) for k, v in sorted(os.environ.items())
                       if k.startswith(ENV_PREFIXES))}
    import numpy as np
    import numpy.linalg  # noqa: F401  loads _umath_linalg
    umath = module_file(("numpy.",), "_multiarray_umath")
    linalg = module_file(("numpy.linalg",), "_umath_linalg")
    out["numpy"] = {"version": np.__version__, "module": umath}
    try:
        import scipy
        import scipy.linalg  # noqa: F401
        out["scipy"] = {"version": scipy.__version__}
    except ImportError:
        out["scipy"] = None
    out["blas"] = serving("numpy._multiarray_umath", umath, BLAS_NAMES) if umath else None
    out["lapack"] = serving("numpy.linalg._umath_linalg", linalg, LAPACK_NAMES) if linalg else None
    if out["scipy"]:
        fb = module_file(("scipy.linalg",), "_fblas")
        fl = module_file(("scipy.linalg",), "_flapack")
        out["scipy_blas"] = serving("scipy.linalg._fblas", fb, FBLAS_NAMES) if fb else None
        out["scipy_lapack"] = serving("scipy.linalg._flapack", fl, LAPACK_NAMES) if fl else None
    out["correctness"] = correctness(np)
    maps = mapped_libs()
    out["mapped"] = [{"path": p, "real": os.path.realpath(p)} for p in maps]
    for role in ("blas", "lapack", "scipy_blas", "scipy_lapack"):
        add_mapped(out.get(role), maps)
    lib = out["blas"]["path"] if out["blas"] else ""
    one = timing(1, lib)
    allt = timing(out["cpu_count"], lib)
    remeasured = None
    if one and allt and out["cpu_count"] > 1 and allt["gflops"] < one["gflops"]:
        # All threads slower than one: measure both again before anyone is told.
        remeasured = {"first_one": one["gflops"], "first_all": allt["gflops"]}
        one = timing(1, lib) or one
        allt = timing(out["cpu_count"], lib) or allt
    out["speed"] = {"method": "numpy a @ b in a fresh interpreter per run with OMP/OPENBLAS/BLIS/"
                              "GOTO/MKL_NUM_THREADS set; best of 3; N fixed" if QUICK else
                              "numpy a @ b in a fresh interpreter per run with OMP/OPENBLAS/BLIS/"
                              "GOTO/MKL_NUM_THREADS set; N sized to ~0.3 s per call; best of 3",
                    "one": one, "all": allt, "remeasured": remeasured,
                    "cgroup_cpus": cgroup_cpu_max(), "loadavg": loadavg()}
    # BLIS's own word on its kernels, where the BLAS shows a sign of BLIS (a bli_ symbol, its
    # strings): a fact for blasid.c, asked through NumPy itself.
    bf = out["blas"]["facts"] if out["blas"] else {}
    if any("bli_" in n for n in bf.get("symbols", ())) or "blis" in bf.get("markers", ()):
        blis_kernels(bf)
    blis_late()  # loaded last so it cannot disturb anything measured above
    out["errors"] = errors
    for k, v in out.items():
        emit(k, v)


if __name__ == "__main__":
    main()
