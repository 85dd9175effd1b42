"""Where the real public data set lives, if anywhere: $ZHIGUAN_DEMO_DATA, else ../shared/data beside the repo."""

from __future__ import annotations

import os
from pathlib import Path

import zhiguan

REPO_ROOT = Path(zhiguan.__file__).resolve().parents[2]


def demo_data_dir() -> Path | None:
    """The data folder the demo loads, or None for generated content only.

    $ZHIGUAN_DEMO_DATA, when set, is the only place looked at: a folder that does not exist (or
    the value `none`) means "generated content only", as on a clone without ../shared.
    """
    env = os.environ.get("ZHIGUAN_DEMO_DATA")
    if env is not None and env.strip():
        path = Path(env.strip())
        return path.resolve() if env.strip().lower() != "none" and path.is_dir() else None
    for path in (REPO_ROOT.parent / "shared" / "data", Path.cwd().parent / "shared" / "data"):
        if path.is_dir():
            return path.resolve()
    return None
