#!/usr/bin/env python3
"""Dependencies point one way (src/README.md): each component of src/ includes, by its src/ path,
only itself and the components below it. Prints every include that points up and exits 1."""
import pathlib
import re
import sys

# What each component may include (besides itself and the public include/encore/).
BELOW = {
    "common": set(),
    "store": {"common"},
    "catalog": {"common"},
    "sim": {"common", "catalog"},
    "ingest": {"common", "store", "catalog"},
    "engine": {"common", "store"},
    "charts": {"common", "store", "catalog", "ingest", "engine"},
    "records": {"common", "store", "catalog", "ingest", "engine", "charts"},
    "views": {"common", "store", "catalog", "ingest", "engine", "charts", "records"},
    "server": {"common", "store", "catalog", "ingest", "engine", "charts", "records", "views"},
    "cli": {"common", "store", "catalog", "ingest", "engine", "charts", "records", "views", "sim",
            "server"},
}

src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "src")
bad = []
for path in sorted(src.rglob("*")):
    if path.suffix not in (".cc", ".h", ".in") or path.name.endswith("_test.cc"):
        continue
    comp = path.relative_to(src).parts[0]
    if comp not in BELOW:
        bad.append(f"{path}: component '{comp}' is not in src/README.md's order (tests/layers_check.py)")
        continue
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = re.match(r'\s*#\s*include\s+"([a-z_]+)/', line)
        if m and m.group(1) != comp and m.group(1) != "encore" and m.group(1) not in BELOW[comp]:
            bad.append(f"{path}:{n}: {comp} includes {m.group(1)}/, which is above it")
for b in bad:
    print(b)
print(f"{len(bad)} include(s) pointing up" if bad else "every include points down")
sys.exit(1 if bad else 0)
