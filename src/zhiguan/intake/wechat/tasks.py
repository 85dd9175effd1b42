"""Photos of WeChat conversations, fetched after the reply (`media`, docs/decisions/085)."""

from __future__ import annotations

import os

from zhiguan.celery import app
from zhiguan.intake.wechat import media


@app.task(name="wechat.fetch_photos", acks_late=True)
def fetch_photos(conversation_id: int) -> dict[str, int]:
    return media.fetch_photos(conversation_id)


@app.task(name="wechat.sweep_photos")
def sweep_photos(limit: int = 200) -> int:
    """Every conversation with a photo still pending (the embedded set-up's fetch; a worker's retry)."""
    ids = list(media.pending_conversations(limit=limit))
    for conversation_id in ids:
        media.fetch_photos(conversation_id)
    return len(ids)


app.add_periodic_task(
    int(os.environ.get("ZHIGUAN_WECHAT_PHOTO_SWEEP_SECONDS", "5")),
    app.signature("wechat.sweep_photos"),
    name="wechat-sweep-photos",
)
