"""The network: a bag of hashed n-gram embeddings and a small multi-label head."""

from __future__ import annotations

import torch
from torch import nn


class FastTextNet(nn.Module):
    """mean(embedding[features]) -> [hidden ReLU] -> one logit per label (sigmoid, multi-label)."""

    def __init__(
        self, buckets: int, dim: int, n_out: int, hidden: int = 0, dropout: float = 0.0
    ) -> None:
        super().__init__()
        self.buckets = buckets
        self.dim = dim
        self.hidden = hidden
        self.dropout = nn.Dropout(dropout)
        self.embedding = nn.EmbeddingBag(buckets, dim, mode="mean", sparse=True)
        nn.init.uniform_(self.embedding.weight, -1.0 / dim, 1.0 / dim)
        if hidden:
            self.head: nn.Module = nn.Sequential(
                nn.Linear(dim, hidden), nn.ReLU(), nn.Linear(hidden, n_out)
            )
        else:
            self.head = nn.Linear(dim, n_out)

    def forward(self, ids: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        return self.head(self.dropout(self.embedding(ids, offsets)))

    def from_pooled(self, pooled: torch.Tensor) -> torch.Tensor:
        """Logits from already pooled (mean) embeddings, shape (batch, dim)."""
        return self.head(pooled)
