"""Background work of the video database: the offline sweep, scheduled here (as supervision/tasks.py)."""

from __future__ import annotations

import os

from zhiguan.celery import app
from zhiguan.video import services


@app.task(name="video.sweep_offline")
def sweep_offline() -> dict[str, int]:
    """Mark offline the devices and cameras silent longer than ZHIGUAN_VIDEO_OFFLINE_AFTER."""
    return services.sweep_offline()


app.add_periodic_task(
    int(os.environ.get("ZHIGUAN_VIDEO_SWEEP_SECONDS", "60")),
    app.signature("video.sweep_offline"),
    name="video-sweep-offline",
)


@app.task(name="video.simulate_keepalives")
def simulate_keepalives() -> dict[str, int]:
    """The keepalives of simulated devices (the demo district's recorders and their cameras)."""
    return services.simulate_keepalives()


app.add_periodic_task(
    int(os.environ.get("ZHIGUAN_VIDEO_SIMULATE_SECONDS", "60")),
    app.signature("video.simulate_keepalives"),
    name="video-simulate-keepalives",
)
