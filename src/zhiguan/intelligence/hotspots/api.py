"""HTTP API of hotspots (a Django Ninja router, mounted in zhiguan.api)."""

from ninja import Router

router = Router(tags=["hotspots"])
