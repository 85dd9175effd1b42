"""HTTP API of duplicates (a Django Ninja router, mounted in zhiguan.api)."""

from ninja import Router

router = Router(tags=["duplicates"])
