"""`make bench`: run every bench/bench_*.py module's main(); each prints `BENCH <name> <value> <unit>` lines.

python -m bench                # all
python -m bench grid_lookup    # only modules whose name contains the word
"""

import importlib
import os
import pkgutil
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiguan.settings")


def main() -> None:
    wanted = sys.argv[1:]
    names = sorted(
        m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_")
    )
    for name in names:
        if wanted and not any(w in name for w in wanted):
            continue
        started = time.perf_counter()
        print(f"# {name}", flush=True)
        importlib.import_module(f"bench.{name}").main()
        print(f"# {name} took {time.perf_counter() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main()
