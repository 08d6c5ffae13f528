"""Dashboard passwords: argon2 hashes, and a check that takes as long for an unknown user."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

HASHER = PasswordHasher()
# a fixed hash with the default cost: unknown e-mails take as long as wrong passwords
_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$rXVO88UZhv2tcEO32"
    "zf74A$bfacFJpkGOqQeQba8YRYOv9eF3u7WgppTGPKUwjEkMo"
)


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
