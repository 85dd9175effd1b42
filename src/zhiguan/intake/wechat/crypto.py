"""WeChat Official Account message signatures and the safe (AES) mode, as the platform documents
them (消息加解密说明): no database, no Django.

- `signature(token, timestamp, nonce[, encrypt])`: SHA-1 of the parts sorted and joined;
- `MessageCrypto`: AES-256-CBC, key = Base64(EncodingAESKey + "="), IV = the key's first 16 bytes,
  PKCS#7 padding to 32-byte blocks; plaintext = 16 random bytes + 4-byte big-endian length +
  message + AppID.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK_BITS = 32 * 8  # WeChat pads to 32 bytes, not AES's 16


class BadMessage(Exception):
    """The encrypted message cannot be read: wrong key, damaged text, or meant for another AppID."""


def signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def signature_matches(expected: str, *parts: str) -> bool:
    return bool(expected) and hmac.compare_digest(signature(*parts), expected.lower())


def aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte AES key of a 43-character EncodingAESKey; ValueError for anything else."""
    if len(encoding_aes_key) != 43:
        raise ValueError("EncodingAESKey has 43 characters")
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except binascii.Error as exc:
        raise ValueError("EncodingAESKey is not Base64") from exc
    if len(key) != 32:
        raise ValueError("EncodingAESKey does not make a 32-byte key")
    return key


class MessageCrypto:
    def __init__(self, *, encoding_aes_key: str, appid: str) -> None:
        self.key = aes_key(encoding_aes_key)
        self.appid = appid

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16]))

    def encrypt(self, message: str, *, random: bytes | None = None) -> str:
        body = message.encode()
        plain = (random or os.urandom(16)) + struct.pack(">I", len(body)) + body + self.appid.encode()
        padder = padding.PKCS7(BLOCK_BITS).padder()
        padded = padder.update(plain) + padder.finalize()
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(padded) + encryptor.finalize()).decode()

    def decrypt(self, encrypted: str) -> str:
        try:
            data = base64.b64decode(encrypted, validate=True)
            if not data or len(data) % 16:
                raise BadMessage("not whole AES blocks")
            decryptor = self._cipher().decryptor()
            padded = decryptor.update(data) + decryptor.finalize()
            unpadder = padding.PKCS7(BLOCK_BITS).unpadder()
            plain = unpadder.update(padded) + unpadder.finalize()
            (length,) = struct.unpack(">I", plain[16:20])
            message, appid = plain[20 : 20 + length], plain[20 + length :]
            if len(message) != length:
                raise BadMessage("length beyond the message")
            text = message.decode()
        except (binascii.Error, ValueError, struct.error, UnicodeDecodeError) as exc:
            raise BadMessage(str(exc)[:100]) from exc
        if appid.decode(errors="replace") != self.appid:
            raise BadMessage("meant for another AppID")
        return text
