"""HTTP API of classification (a Django Ninja router, mounted in zhiguan.api)."""

from ninja import Router

router = Router(tags=["classification"])
