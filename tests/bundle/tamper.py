#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# tests/bundle/tamper.py — writes a damaged copy of a bundle (an uncompressed tar; the bundle's
# reader takes either) to show that each damage is refused before anything runs.
#   tamper.py IN.tar OUT.tar byte|missing|extra|badname|release|arch|symlink|plan [SUFFIX]
# IN.tar is the bundle decompressed (zstd -dc). byte: one byte of the largest .deb (or member
# whose name ends in SUFFIX: .whl) changed; missing: that member left out; extra: a file the
# manifest does not name; badname: a member whose name holds a newline and an escape sequence;
# release/arch: the manifest's target another release / architecture; symlink: a member replaced by a symlink;
# plan: plan.yaml made for other facts (another thread count), its manifest entry updated.
import hashlib
import io
import re
import sys
import tarfile


def add_bytes(out, name, data):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mode = 0o644
    out.addfile(ti, io.BytesIO(data))


def main():
    src, dst, how = sys.argv[1:4]
    suffix = sys.argv[4] if len(sys.argv) > 4 else ".deb"
    with tarfile.open(src) as t:
        members = t.getmembers()
        plan = t.extractfile("plan.yaml").read()
        if how == "plan":
            new = plan.replace(b"NUM_THREADS=", b"NUM_THREADS=1", 1)
            new_entry = b'- {path: plan.yaml, size: %d, sha256: "%s"}' % (
                len(new), hashlib.sha256(new).hexdigest().encode())
        debs = [m for m in members if m.name.endswith(suffix)]
        victim = max(debs, key=lambda m: m.size).name
        with tarfile.open(dst, "w", format=tarfile.PAX_FORMAT) as out:
            for m in members:
                data = t.extractfile(m).read()
                if m.name == victim and how == "missing":
                    continue
                if m.name == victim and how == "byte":
                    mid = len(data) // 2
                    data = data[:mid] + bytes([data[mid] ^ 0x01]) + data[mid + 1:]
                if m.name == victim and how == "symlink":
                    ti = tarfile.TarInfo(m.name)
                    ti.type = tarfile.SYMTYPE
                    ti.linkname = "/etc/shadow"
                    out.addfile(ti)
                    continue
                if how == "plan" and m.name == "plan.yaml":
                    data = new
                if how == "plan" and m.name == "MANIFEST":
                    data, n = re.subn(rb"(?m)^- \{path: plan\.yaml,.*$", new_entry, data)
                    assert n == 1, "plan.yaml's manifest entry"
                    assert new != plan, "plan.yaml has thread settings"

                if m.name == "MANIFEST" and how == "release":
                    data = data.replace(b'distro_version: "12"', b'distro_version: "11"')
                if m.name == "MANIFEST" and how == "arch":
                    data = data.replace(b"arch: x86_64", b"arch: aarch64")
                add_bytes(out, m.name, data)
            if how == "extra":
                add_bytes(out, "apt/pool/main/x/extra.deb", b"not in the manifest\n")
            if how == "badname":
                add_bytes(out, "apt/pool/x\nrefused: fake\x1b[2J.deb", b"a name to escape\n")
    print(victim)


if __name__ == "__main__":
    main()
