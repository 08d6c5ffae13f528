"""Inference with a trained model: calibrated probabilities per category and explanations.

No autograd at inference (torch.inference_mode). The number of torch threads is set by the
caller (the Scorer sets one thread by default: texts are short and requests are many).

`predict_many` scores several documents with one embedding gather and one inference-mode
block, and gives bit-for-bit the probabilities of `predict` on each document alone: the
pooling (mean over the document's rows) and the head run per document on the same
operations and shapes, because a batched matrix product rounds differently than one row.
"""

from __future__ import annotations

import math
from array import array
from pathlib import Path

import torch

from classifiers.categories import ALL_CATEGORIES
from classifiers.document import Document
from classifiers.model.artefact import ModelMetadata, load_artefact
from classifiers.model.features import FeatureHasher, Features
from classifiers.model.net import FastTextNet


class ModelOutput:
    """probs: calibrated, per category. subtype_probs: raw sigmoid per "category/subtype"
    (computed on first use: only a flag that rests on the model alone needs them)."""

    def __init__(
        self,
        probs: dict[str, float],
        subtype_probs: dict[str, float] | None,
        features: Features,
        logits: torch.Tensor,  # raw logits, all labels
        occluded: torch.Tensor | None = None,  # per-token occlusion logits, on demand
        *,
        values: list[float] | None = None,
        subs: list[tuple[str, int]] | None = None,
    ) -> None:
        self.probs = probs
        self.features = features
        self.logits = logits
        self.occluded = occluded
        self._subtype_probs = subtype_probs
        self._values = values
        self._subs = subs

    @property
    def subtype_probs(self) -> dict[str, float]:
        if self._subtype_probs is None:
            values, subs = self._values or [], self._subs or []
            self._subtype_probs = {lab: _sigmoid(values[i]) for lab, i in subs}
        return self._subtype_probs

    def best_subtype(self, category: str) -> str | None:
        prefix = category + "/"
        cands = [(p, k) for k, p in self.subtype_probs.items() if k.startswith(prefix)]
        if not cands:
            return None
        return max(cands)[1][len(prefix) :]


class Predictor:
    def __init__(self, net: FastTextNet, meta: ModelMetadata) -> None:
        self.net = net
        self.meta = meta
        self.hasher = FeatureHasher(meta.hash_settings)
        self.weight = net.embedding.weight.detach()
        self.cat_index = {c: meta.labels.index(c) for c in ALL_CATEGORIES if c in meta.labels}
        self.sub_index = {lab: i for i, lab in enumerate(meta.labels) if "/" in lab}
        # (category, logit index, a, b) of the calibration, looked up once
        self._cal = [(c, i, *self._cal_ab(c)) for c, i in self.cat_index.items()]
        self._subs = list(self.sub_index.items())
        # plain tensors for the head: cheaper per call than going through nn.Module
        linears = [m for m in net.head.modules() if isinstance(m, torch.nn.Linear)]
        self._layers = [(m.weight.detach(), m.bias.detach()) for m in linears]

    def _head(self, pooled: torch.Tensor) -> torch.Tensor:
        x = pooled
        last = len(self._layers) - 1
        for i, (w, b) in enumerate(self._layers):
            x = torch.nn.functional.linear(x, w, b)
            if i < last:
                x = torch.relu(x)
        return x

    @classmethod
    def load(cls, path: Path) -> Predictor:
        net, meta = load_artefact(path)
        return cls(net, meta)

    @property
    def version(self) -> str:
        return self.meta.version

    def _cal_ab(self, category: str) -> tuple[float, float]:
        cal = self.meta.calibration.get(category, {"a": 1.0, "b": 0.0})
        return cal["a"], cal["b"]

    def calibrate(self, category: str, logit: float) -> float:
        a, b = self._cal_ab(category)
        return _sigmoid(a * logit + b)

    def predict(self, doc: Document) -> ModelOutput:
        return self.predict_many([doc])[0]

    def predict_many(self, docs: list[Document]) -> list[ModelOutput]:
        feats = [self.hasher.doc_features(doc) for doc in docs]
        all_ids: list[int] = []
        for f in feats:
            all_ids.extend(f.ids)
        outs = []
        with torch.inference_mode():
            # index_select copies the same rows as weight[ids], much cheaper per call
            rows = self.weight.index_select(0, _index(all_ids)) if all_ids else None
            start = 0
            for f in feats:
                n = len(f.ids)
                if n:
                    assert rows is not None
                    pooled = rows[start : start + n].mean(dim=0, keepdim=True)
                else:
                    pooled = torch.zeros(1, self.weight.shape[1])
                start += n
                outs.append(self._head(pooled)[0])
        results = []
        for f, logits in zip(feats, outs, strict=True):
            values = logits.tolist()
            probs = {c: _sigmoid(a * values[i] + b) for c, i, a, b in self._cal}
            results.append(ModelOutput(probs, None, f, logits, values=values, subs=self._subs))
        return results

    def token_contributions(self, out: ModelOutput, category: str) -> list[float]:
        """Drop in the category's logit when each token (and its n-grams) is left out."""
        if category not in self.cat_index or not out.features.token_ranges:
            return []
        if out.occluded is None:
            out.occluded = self._occlude(out)
        idx = self.cat_index[category]
        base = float(out.logits[idx])
        return [base - v for v in out.occluded[:, idx].tolist()]

    def _occlude(self, out: ModelOutput) -> torch.Tensor:
        feats = out.features
        n_tok = len(feats.token_ranges)
        owner = [-1] * len(feats.ids)
        for t, (a, b) in enumerate(feats.token_ranges):
            owner[a:b] = [t] * (b - a)
        with torch.inference_mode():
            rows = self.weight.index_select(0, _index(feats.ids))
            total = rows.sum(dim=0)
            sums = torch.zeros(n_tok + 1, rows.shape[1])  # last row collects tag features
            owner_t = torch.tensor([o if o >= 0 else n_tok for o in owner])
            sums.index_add_(0, owner_t, rows)
            counts = torch.bincount(owner_t, minlength=n_tok + 1).to(torch.float32)
            sums, counts = sums[:n_tok], counts[:n_tok]
            if feats.bigram_start is not None and n_tok > 1:
                bigrams = rows[feats.bigram_start : feats.bigram_start + n_tok - 1]
                sums[:-1] += bigrams
                sums[1:] += bigrams
                counts[:-1] += 1
                counts[1:] += 1
            left = (len(feats.ids) - counts).clamp(min=1.0).unsqueeze(1)
            pooled = (total.unsqueeze(0) - sums) / left
            return self._head(pooled)


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _index(ids: list[int]) -> torch.Tensor:
    return torch.frombuffer(array("q", ids), dtype=torch.int64)
