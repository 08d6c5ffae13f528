"""Dashboard passwords: argon2 hashes, verified in a thread, and a check that takes as long for
an unknown user as for a known one."""

from __future__ import annotations

import asyncio
import functools
import secrets
from concurrent.futures import Executor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

HASHER = PasswordHasher()


@functools.cache
def dummy_hash() -> str:
    """A hash made with HASHER's own cost (made once, on the first login): an unknown e-mail,
    an inactive user or a user without a password is checked against it, so that takes as
    long as a wrong password for a real account."""
    return HASHER.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Always runs one argon2 verification, against dummy_hash() when `stored` is None."""
    try:
        return HASHER.verify(stored or dummy_hash(), password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def verify_password_off_loop(executor: Executor | None, stored: str | None,
                                   password: str) -> bool:
    """`verify_password` in `executor` (argon2 takes ~100 ms of CPU: on the event loop five
    parallel logins held up every check for a second)."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor, verify_password, stored, password)
