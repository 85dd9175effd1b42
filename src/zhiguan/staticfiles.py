"""Static files for a slow phone: compressed once at collectstatic, cached for a year under hashed names.

Vite already names every built file under `assets/` by its content (`index-B-feuMJr.js`), so the
collected files keep their names (no second, Django-manifest hash that would break the chunks'
imports of one another) and WhiteNoise writes a `.br` and a `.gz` beside each one; the hashed
ones are marked immutable by `WHITENOISE_IMMUTABLE_FILE_TEST` in settings. The pages themselves
(`zhiguan.views`) are never cached, so a new build is picked up at the next visit.
See docs/decisions/067-fast-citizen-portal.md.
"""

from __future__ import annotations

import os
from typing import Any

import brotli
from django.conf import settings
from whitenoise.compress import Compressor
from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.storage import CompressedStaticFilesStorage


class _UnchangedSkippingCompressor(Compressor):
    # `zhiguan serve` runs collectstatic at every start; brotli at its best level takes seconds per
    # megabyte, so a file whose variants were already written from this very file is left alone.

    def compress_brotli(self, data: bytes) -> bytes:  # type: ignore[override]
        # 11, brotli's best, by default: once per release. A throwaway server (the browser tests)
        # may choose 9, twenty times faster for about 9 % more bytes (decision 067).
        return bytes(brotli.compress(data, quality=settings.ZHIGUAN_STATIC_BROTLI_QUALITY))

    def compress(self, path: str) -> list[str]:
        mtime = os.stat(path).st_mtime
        done = [f"{path}.br"] * self.use_brotli + [f"{path}.gz"] * self.use_gzip
        if done and all(os.path.exists(p) and os.stat(p).st_mtime == mtime for p in done):
            return []
        return list(super().compress(path))


class CompressedStorage(CompressedStaticFilesStorage):
    """WhiteNoise's compressing storage, skipping files compressed at an earlier collectstatic."""

    def create_compressor(self, **kwargs: Any) -> Compressor:
        return _UnchangedSkippingCompressor(**kwargs)


class CollectedFirstWhiteNoiseMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise where a collected file (with its compressed variants) wins over the same file
    found in a source folder; the finders only fill in what was never collected (tests, a fresh
    checkout), as WhiteNoise's own finders pass would otherwise replace the collected entries.
    Immutable files are kept a year (the issue's figure; WhiteNoise's own is ten)."""

    FOREVER = 365 * 24 * 3600

    def add_files_from_finders(self) -> None:
        collected = dict(self.files)
        super().add_files_from_finders()
        self.files.update(collected)
