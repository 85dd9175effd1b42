"""Where a request comes from: the one rule for the client address (throttles, lock-outs, audit).

`X-Forwarded-For` is written by whoever sends the request, so it is believed only as far as the
configured number of trusted proxies in front of the platform (`ZHIGUAN_TRUSTED_PROXIES`, default
0: the header is ignored and the address is the TCP peer). With N proxies the client is the N-th
address from the right of the header — the one the outermost proxy of ours saw; entries further
left are the client's own claims and never count.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    peer = request.META.get("REMOTE_ADDR") or ""
    proxies = settings.ZHIGUAN_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return peer
    hops = [h for h in forwarded.split(",") if h.strip()]
    if not hops:
        return peer
    return _valid(hops[-min(proxies, len(hops))]) or peer
