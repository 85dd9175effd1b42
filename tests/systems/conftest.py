"""Fixtures of the integrated systems' tests: a world with a 110 system, signed requests, and a real
receiver process (`receiver.py`) that can be down, up, hanging or failing."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.cases.conftest import build_world
from zhiguan.intake.systems import services, signing
from zhiguan.intake.systems.models import ExternalSystem

RECEIVER = Path(__file__).with_name("receiver.py")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Receiver:
    port: int
    dir: Path
    secret: str = ""
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/callback"

    def start(self, mode: str = "ok") -> None:
        self.stop()
        for old in self.dir.glob("ready-*"):
            old.unlink()
        env = {**os.environ, "RECEIVER_SECRET": self.secret}
        self.proc = subprocess.Popen(
            [sys.executable, str(RECEIVER), str(self.port), str(self.dir), mode], env=env
        )
        deadline = time.monotonic() + 10
        while not list(self.dir.glob("ready-*")):
            assert time.monotonic() < deadline, "receiver did not start"
            time.sleep(0.02)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(5)
            self.proc = None

    def hits(self) -> list[str]:
        path = self.dir / "hits.log"
        return path.read_text().split() if path.exists() else []

    def applied(self) -> list[str]:
        path = self.dir / "applied.log"
        return path.read_text().split() if path.exists() else []


@pytest.fixture
def receiver(tmp_path: Path) -> Any:
    r = Receiver(port=free_port(), dir=tmp_path)
    yield r
    r.stop()


MAPPING = {
    "fields": {
        "eventId": "external_id",
        "content": "description",
        "typeCode": "category",
        "location.addr": "address",
        "location.x": "lng",
        "location.y": "lat",
        "reporter.name": "reporter_name",
        "reporter.tel": "reporter_phone",
        "level": "urgency",
    },
    "categories": {},
    "statuses": {"20": "to_dispatch", "30": "dispatched", "90": "closed"},
    "request_type": "report",
    "crs": "wgs84",
    "urgent_values": ["1"],
}


@pytest.fixture
def world(jurisdiction: Any, settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ZHIGUAN_SYSTEMS_BACKOFF_SECONDS = 0
    settings.ZHIGUAN_SYSTEMS_MAX_ATTEMPTS = 4
    return build_world(jurisdiction)


@pytest.fixture
def police(world: Any, receiver: Receiver) -> ExternalSystem:
    admin = world.actor("admin")
    mapping = {**MAPPING, "categories": {"A01": world.category.code}}
    system, _shown = services.save_system(
        actor=admin,
        data=services.SystemInput(
            code="110", name="110社会联动", kind="police_110", callback_url=receiver.url, mapping=mapping
        ),
    )
    receiver.secret = system.callback_secret
    return system


def event(event_id: str = "JJ20261202001", **overrides: Any) -> dict[str, Any]:
    body = {
        "eventId": event_id,
        "content": "金沙路口有人占道经营，影响通行",
        "typeCode": "A01",
        "location": {"addr": "下沙街道金沙路1号", "x": 120.35, "y": 30.25},
        "reporter": {"name": "李警官", "tel": "13900001111"},
        "level": "0",
    }
    body.update(overrides)
    return body


def send(
    client: Client,
    system: ExternalSystem,
    body: dict[str, Any] | bytes,
    *,
    timestamp: int | None = None,
    secret: str | None = None,
    signature: str | None = None,
) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    ts = str(int(time.time()) if timestamp is None else timestamp)
    sig = signature or signing.sign(secret or system.inbound_secret, ts, raw)
    return client.post(
        f"/api/v1/systems/inbound/{system.jurisdiction.code}/{system.code}",
        data=raw,
        content_type="application/json",
        headers={"X-Zhiguan-Timestamp": ts, "X-Zhiguan-Signature": sig, "Accept-Language": "en"},
    )
