"""Where the real public data set lives, if anywhere: $ZHIGUAN_DEMO_DATA, else ../shared/data beside the repo."""

from __future__ import annotations

import os
from pathlib import Path

import zhiguan

REPO_ROOT = Path(zhiguan.__file__).resolve().parents[2]


def demo_data_dir() -> Path | None:
    candidates = []
    if env := os.environ.get("ZHIGUAN_DEMO_DATA"):
        candidates.append(Path(env))
    candidates += [REPO_ROOT.parent / "shared" / "data", Path.cwd().parent / "shared" / "data"]
    for path in candidates:
        if path.is_dir():
            return path.resolve()
    return None
