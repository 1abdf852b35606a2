"""Identifiers at rest: AES-256-GCM encryption and a keyed blind index for look-ups.

Resident ID numbers (身份证号) and phone numbers are stored encrypted; equality look-ups use
``blind_index(value)``, an HMAC-SHA256 under a separate key, so the database never holds the
plain value and a stolen dump cannot be searched without the keys.

Keys come from ``settings.FIELD_KEYS`` (``"id:base64key,id:base64key"``, the first is current,
plus ``index:base64key`` for the blind index) or, in development, from a JSON key file under
var/ that is generated on first use. Ciphertext is ``"<key id>:<base64(nonce | ct | tag)>"`` so
old keys keep decrypting after a rotation.
"""

import base64
import contextlib
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import models

_NONCE_BYTES = 12


@dataclass(frozen=True)
class KeyRing:
    current_id: str
    keys: dict[str, bytes]
    index_key: bytes


def _generate_key_file(path: os.PathLike[str]) -> None:
    payload = {
        "current": "k1",
        "keys": {"k1": base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()},
        "index": base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(payload, handle)


def _parse_env(value: str) -> KeyRing:
    keys: dict[str, bytes] = {}
    index_key = b""
    current = ""
    for part in value.split(","):
        key_id, _, encoded = part.strip().partition(":")
        raw = base64.b64decode(encoded)
        if key_id == "index":
            index_key = raw
            continue
        keys[key_id] = raw
        current = current or key_id
    if not keys or not index_key:
        raise RuntimeError("FIELD_KEYS needs at least one data key and an 'index:' key")
    return KeyRing(current, keys, index_key)


@lru_cache(maxsize=1)
def key_ring() -> KeyRing:
    if settings.FIELD_KEYS:
        return _parse_env(settings.FIELD_KEYS)
    path = settings.FIELD_KEY_FILE
    if not path.exists():
        with contextlib.suppress(FileExistsError):  # another process created it first
            _generate_key_file(path)
    data = json.loads(path.read_text())
    keys = {k: base64.b64decode(v) for k, v in data["keys"].items()}
    return KeyRing(data["current"], keys, base64.b64decode(data["index"]))


def encrypt(plain: str) -> str:
    ring = key_ring()
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = AESGCM(ring.keys[ring.current_id]).encrypt(nonce, plain.encode(), None)
    return f"{ring.current_id}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(token: str) -> str:
    key_id, _, encoded = token.partition(":")
    raw = base64.b64decode(encoded)
    key = key_ring().keys[key_id]
    return AESGCM(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], None).decode()


def blind_index(value: str) -> str:
    """Keyed hash for equality look-ups; normalise the value before calling."""
    return hmac.new(key_ring().index_key, value.encode(), hashlib.sha256).hexdigest()


def mask(value: str, *, keep_start: int = 3, keep_end: int = 4) -> str:
    """'110105199001011234' → '110***********1234'; short values are masked whole."""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


class EncryptedTextField(models.TextField):
    """A text column holding AES-GCM ciphertext; Python code sees the plain string."""

    def from_db_value(
        self, value: str | None, expression: object, connection: object
    ) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: object) -> str | None:
        if value in (None, ""):
            return value  # type: ignore[return-value]
        return encrypt(str(value))
