"""Where an upload waits for the worker: Django's default storage, encrypted, deleted after.

Result files carry resident ID numbers in plain text; they are sealed with the current field
key (AES-256-GCM, core.crypto's key ring) before they touch the disk, and removed when the job
ends. Small imports run inside the request and are never stored.
"""

import secrets

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from healthloop.core.crypto import key_ring
from healthloop.interop.models import ImportJob

_NONCE_BYTES = 12


def save_upload(job: ImportJob, content: bytes) -> str:
    ring = key_ring()
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = AESGCM(ring.keys[ring.current_id]).encrypt(nonce, content, job.uuid.bytes)
    header = ring.current_id.encode() + b"\n"
    return default_storage.save(f"imports/{job.uuid}.sealed", ContentFile(header + nonce + sealed))


def load_upload(job: ImportJob) -> bytes:
    with default_storage.open(job.stored_file, "rb") as handle:
        raw = handle.read()
    key_id, _, body = raw.partition(b"\n")
    key = key_ring().keys[key_id.decode()]
    return AESGCM(key).decrypt(body[:_NONCE_BYTES], body[_NONCE_BYTES:], job.uuid.bytes)


def delete_upload(job: ImportJob) -> None:
    if job.stored_file and default_storage.exists(job.stored_file):
        default_storage.delete(job.stored_file)
