"""Print the oldest versions pyproject.toml allows, pinned exactly (one requirement a line).

Run-time dependencies and the `test` extra: every ``name>=X`` becomes ``name==X``,
so the CI's oldest-versions step follows the metadata when a floor moves.
"""

import re
import sys
import tomllib
from pathlib import Path

project = tomllib.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))["project"]
for req in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
    match = re.fullmatch(r"([A-Za-z0-9_.\-\[\]]+)\s*>=\s*([0-9][0-9.]*)(,.*)?", req.strip())
    if match is None:
        sys.exit(f"oldest_pins.py: no '>=' floor in {req!r}: give every dependency a floor")
    print(f"{match.group(1)}=={match.group(2)}")
