#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# tests/pip/index.py — the pieces of the local PEP 503 index, made from Debian's packages:
#   wheel DEBROOT OUTDIR [--pure]  a wheel of the Python distribution a .deb installs (its
#                                  dist-packages tree and dist-info/egg-info metadata); --pure
#                                  drops compiled modules (built for another Python) and tags
#                                  the wheel py3-none-any
#   sdist TREE NAME VERSION OUTDIR an sdist NAME-VERSION.tar.gz of an unpacked source tree, with
#                                  a PKG-INFO (PEP 643 core metadata, version 2.1)
#   simple DIR                     DIR/simple/<project>/index.html for every file in DIR/files
#                                  (PEP 503 names, #sha256= fragments)
import base64
import email.parser
import hashlib
import html
import io
import os
import re
import sys
import tarfile
import zipfile

SITE = "usr/lib/python3/dist-packages"


def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def b64sha(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def deb_metadata(site):
    """(name, version, metadata text, entry_points text or None, info dir name) of the one
    distribution under site."""
    infos = [d for d in os.listdir(site) if d.endswith((".dist-info", ".egg-info"))]
    if len(infos) != 1:
        sys.exit(f"{site}: want one dist-info or egg-info, found {infos}")
    info = os.path.join(site, infos[0])
    meta_file = "METADATA" if infos[0].endswith(".dist-info") else "PKG-INFO"
    with open(os.path.join(info, meta_file), encoding="utf-8") as f:
        meta = f.read()
    msg = email.parser.Parser().parsestr(meta)
    ep = os.path.join(info, "entry_points.txt")
    eps = open(ep, encoding="utf-8").read() if os.path.exists(ep) else None
    return msg["Name"], msg["Version"], meta, eps, infos[0]


def cmd_wheel(root, outdir, pure):
    site = os.path.join(root, SITE)
    name, version, meta, eps, infodir = deb_metadata(site)
    tag = "py3-none-any"
    dist = f"{re.sub(r'[-.]+', '_', name)}-{version}"
    files = []
    for top in sorted(os.listdir(site)):
        if top == infodir:
            continue
        path = os.path.join(site, top)
        if os.path.isfile(path):
            files.append((top, path))
            continue
        for d, dirs, fs in os.walk(path):
            dirs[:] = sorted(x for x in dirs if x != "__pycache__")
            for f in sorted(fs):
                if pure and (f.endswith(".so") or f.endswith(".pyd")):
                    continue
                full = os.path.join(d, f)
                files.append((os.path.relpath(full, site), full))
    whl = os.path.join(outdir, f"{dist}-{tag}.whl")
    record = []
    with zipfile.ZipFile(whl + ".part", "w", zipfile.ZIP_DEFLATED) as z:
        def put(arc, data):
            z.writestr(zipfile.ZipInfo(arc, (2020, 1, 1, 0, 0, 0)), data)
            record.append(f"{arc},{b64sha(data)},{len(data)}")
        for arc, full in files:
            with open(full, "rb") as f:
                put(arc, f.read())
        put(f"{dist}.dist-info/METADATA", meta.encode())
        put(f"{dist}.dist-info/WHEEL", b"Wheel-Version: 1.0\nGenerator: armpy-tests "
            b"(tests/pip/index.py, from a Debian package)\nRoot-Is-Purelib: true\nTag: "
            + tag.encode() + b"\n")
        if eps is not None:
            put(f"{dist}.dist-info/entry_points.txt", eps.encode())
        record.append(f"{dist}.dist-info/RECORD,,")
        z.writestr(zipfile.ZipInfo(f"{dist}.dist-info/RECORD", (2020, 1, 1, 0, 0, 0)),
                   "\n".join(record) + "\n")
    os.replace(whl + ".part", whl)
    print(os.path.basename(whl))


def cmd_sdist(tree, name, version, outdir):
    base = f"{name}-{version}"
    out = os.path.join(outdir, base + ".tar.gz")
    pkginfo = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
    with tarfile.open(out + ".part", "w:gz") as t:
        t.add(tree, arcname=base)
        info = tarfile.TarInfo(base + "/PKG-INFO")
        info.size = len(pkginfo)
        info.mode = 0o644
        t.addfile(info, io.BytesIO(pkginfo))
    os.replace(out + ".part", out)
    print(os.path.basename(out))


def project_of(fname):
    if fname.endswith(".whl"):
        return fname.split("-")[0]
    return fname[: -len(".tar.gz")].rsplit("-", 1)[0]


def cmd_simple(top):
    files = sorted(os.listdir(os.path.join(top, "files")))
    projects = {}
    for f in files:
        projects.setdefault(norm(project_of(f)), []).append(f)
    os.makedirs(os.path.join(top, "simple"), exist_ok=True)
    root = ["<!DOCTYPE html><html><body>"]
    for p, fs in sorted(projects.items()):
        root.append(f'<a href="{p}/">{p}</a><br>')
        d = os.path.join(top, "simple", p)
        os.makedirs(d, exist_ok=True)
        page = ["<!DOCTYPE html><html><body>"]
        for f in fs:
            with open(os.path.join(top, "files", f), "rb") as fh:
                sha = hashlib.sha256(fh.read()).hexdigest()
            page.append(f'<a href="../../files/{html.escape(f)}#sha256={sha}">{html.escape(f)}</a><br>')
        page.append("</body></html>\n")
        with open(os.path.join(d, "index.html"), "w") as fh:
            fh.write("\n".join(page))
    root.append("</body></html>\n")
    with open(os.path.join(top, "simple", "index.html"), "w") as fh:
        fh.write("\n".join(root))
    for p, fs in sorted(projects.items()):
        print(p, " ".join(fs))


def main(argv):
    if len(argv) >= 3 and argv[0] == "wheel":
        cmd_wheel(argv[1], argv[2], "--pure" in argv[3:])
    elif len(argv) == 5 and argv[0] == "sdist":
        cmd_sdist(*argv[1:])
    elif len(argv) == 2 and argv[0] == "simple":
        cmd_simple(argv[1])
    else:
        sys.exit("usage: see the header of tests/pip/index.py")


if __name__ == "__main__":
    main(sys.argv[1:])
