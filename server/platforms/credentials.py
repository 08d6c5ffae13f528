"""Platform access tokens, stored encrypted (Fernet) under a key derived from the server secret.

The token never appears in a log line, an error message or an API answer.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.ext.asyncio import AsyncSession

from server.storage.models import utcnow
from server.storage.monitoring_models import AccountCredential

KDF_INFO = b"denkna/account-credentials/v1"


class CredentialError(Exception):
    """No token stored, or it cannot be decrypted (the server secret changed)."""


def fernet_for(secret: str) -> Fernet:
    """A Fernet key derived (HKDF-SHA256) from the server secret; the same secret gives the same
    key on every instance."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KDF_INFO).derive(
        secret.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_token(secret: str, token: str) -> str:
    return fernet_for(secret).encrypt(token.encode("utf-8")).decode("ascii")


def decrypt_token(secret: str, stored: str) -> str:
    try:
        return fernet_for(secret).decrypt(stored.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError) as exc:
        raise CredentialError("token kan niet worden ontsleuteld (is de server-sleutel "
                              "veranderd?)") from exc


async def store_token(session: AsyncSession, secret: str, account_id: int, token: str,
                      user_id: int | None = None) -> None:
    row = await session.get(AccountCredential, account_id)
    encrypted = encrypt_token(secret, token)
    if row is None:
        session.add(AccountCredential(account_id=account_id, token_encrypted=encrypted,
                                      updated_at=utcnow(), updated_by_user_id=user_id))
    else:
        row.token_encrypted, row.updated_at = encrypted, utcnow()
        row.updated_by_user_id = user_id
    await session.flush()


async def load_token(session: AsyncSession, secret: str, account_id: int) -> str:
    row = await session.get(AccountCredential, account_id)
    if row is None:
        raise CredentialError("geen toegangstoken ingesteld voor dit account")
    return decrypt_token(secret, row.token_encrypted)
