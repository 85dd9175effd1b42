"""HMAC-SHA256 signatures of webhook bodies, both ways: over `<timestamp>.<body>` with the shared secret.

Headers: `X-Zhiguan-Timestamp` (Unix seconds) and `X-Zhiguan-Signature` (`sha256=<hex>`, or the
bare hex). The receiver of a callback checks the same way with the callback secret.
"""

from __future__ import annotations

import hashlib
import hmac

TIMESTAMP_HEADER = "X-Zhiguan-Timestamp"
SIGNATURE_HEADER = "X-Zhiguan-Signature"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def digest_of(signature: str) -> str:
    """The hex digest of a header value, lower case, without the `sha256=` prefix."""
    value = signature.strip().lower()
    return value.removeprefix("sha256=")


def valid(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    # Compared in constant time: a timing difference must not reveal how much of a guess matched.
    return hmac.compare_digest(digest_of(sign(secret, timestamp, body)), digest_of(signature))
