#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# progress.py — checks an `armpy --progress json` stream (e2e tests): parse, or all-satisfied.
# usage: progress.py parse FILE | satisfied FILE | summary FILE
import json
import sys


def load(path):
    events = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as e:
                sys.exit(f"{path}:{n}: not JSON ({e}): {line.strip()[:120]}")
            if not isinstance(obj, dict):
                sys.exit(f"{path}:{n}: not a JSON object")
            ev = obj.get("event", obj.get("type"))
            if not isinstance(ev, str):
                sys.exit(f"{path}:{n}: no event name: {line.strip()[:120]}")
            events.append((n, ev, obj))
    return events


def field(obj, *names):
    for n in names:
        if n in obj:
            return obj[n]
    return None


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: progress.py parse|satisfied|summary FILE")
    mode, path = sys.argv[1], sys.argv[2]
    events = load(path)
    names = [e[1] for e in events]
    if mode == "parse":
        for want in ("step_start", "step_end", "run_end"):
            if want not in names:
                sys.exit(f"{path}: no {want} event (saw {sorted(set(names))})")
        if names[-1] != "run_end":
            sys.exit(f"{path}: last event is {names[-1]}, not run_end")
        if names.count("step_start") != names.count("step_end"):
            sys.exit(f"{path}: {names.count('step_start')} step_start but "
                     f"{names.count('step_end')} step_end")
        print(f"{len(events)} events, {names.count('step_end')} steps")
        return
    ends = [o for _, ev, o in events if ev == "step_end"]
    kinds = {o.get("id"): o.get("kind") for _, ev, o in events if ev == "step_start"}
    for o in ends:
        o.setdefault("kind", kinds.get(o.get("id")))
    if mode == "summary":
        for o in ends:
            print(field(o, "id", "step"), field(o, "kind", "action"), field(o, "result", "status"))
        return
    if mode == "satisfied":
        if not ends:
            sys.exit(f"{path}: no step_end events")
        bad = []
        for o in ends:
            kind = field(o, "kind", "action")
            res = field(o, "result", "status")
            if kind == "validate":
                continue  # validation always runs: it is a check, not a change
            if res != "satisfied":
                bad.append(f"{field(o, 'id', 'step')} ({kind}): {res}")
        if bad:
            sys.exit("not already satisfied: " + "; ".join(bad))
        print(f"{len(ends)} steps, all satisfied (validation re-ran)")
        return
    sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
