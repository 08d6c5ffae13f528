"""Training: fit the network on the train split, early-stop on dev, calibrate on dev.

Deterministic for a given seed and corpus (one shuffling generator, fixed torch seed).
Threshold selection for the combined scorer lives in classifiers.model.tuning.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import torch
from torch import nn

from classifiers.categories import ALL_CATEGORIES
from classifiers.document import Document
from classifiers.model.artefact import ModelMetadata
from classifiers.model.data import Example, label_names
from classifiers.model.features import FeatureHasher, HashSettings
from classifiers.model.net import FastTextNet

log = logging.getLogger(__name__)

MODEL_FAMILY = "fasttext"
MODEL_VERSION = "1.0"


@dataclass
class TrainConfig:
    epochs: int = 12
    seed: int = 13
    dim: int = 32
    hidden: int = 64
    batch_size: int = 32
    lr_embedding: float = 0.02
    lr_head: float = 0.005
    patience: int = 3
    subtype_weight: float = 0.5
    feature_dropout: float = 0.5  # share of a text's features left out per training step
    dropout: float = 0.5  # dropout on the pooled embedding
    weight_decay: float = 0.0  # head only
    threads: int = 2
    hash_settings: HashSettings = field(default_factory=HashSettings)


@dataclass
class TrainResult:
    net: FastTextNet
    meta: ModelMetadata
    history: list[dict[str, float]]  # per epoch: train_loss, dev_loss, dev_macro_f1


def _encode(hasher: FeatureHasher, examples: list[Example]) -> list[list[int]]:
    out = []
    for ex in examples:
        doc = Document(ex.text, ex.context_obj())
        out.append(hasher.doc_features(doc).ids)
    return out


def _targets(examples: list[Example], labels: list[str]) -> torch.Tensor:
    index = {lab: i for i, lab in enumerate(labels)}
    y = torch.zeros(len(examples), len(labels))
    for r, ex in enumerate(examples):
        for lab in ex.labels:
            y[r, index[lab]] = 1.0
        for sub in ex.subtypes:
            if sub in index:
                y[r, index[sub]] = 1.0
    return y


def _batch(
    ids: list[list[int]],
    rows: list[int],
    drop: float = 0.0,
    rng: random.Random | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    flat: list[int] = []
    offsets: list[int] = []
    for r in rows:
        offsets.append(len(flat))
        feats = ids[r] or [0]
        if drop and rng is not None and len(feats) > 1:
            kept = [f for f in feats if rng.random() >= drop]
            feats = kept or [rng.choice(feats)]
        flat.extend(feats)
    return torch.tensor(flat, dtype=torch.long), torch.tensor(offsets, dtype=torch.long)


def predict_logits(net: FastTextNet, ids: list[list[int]], batch: int = 512) -> torch.Tensor:
    parts = []
    with torch.inference_mode():
        for start in range(0, len(ids), batch):
            rows = list(range(start, min(start + batch, len(ids))))
            flat, offsets = _batch(ids, rows)
            parts.append(net(flat, offsets))
    return torch.cat(parts) if parts else torch.zeros(0, 0)


def _macro_f1(logits: torch.Tensor, y: torch.Tensor, n_cat: int) -> float:
    pred = logits[:, :n_cat] > 0
    gold = y[:, :n_cat] > 0.5
    f1s = []
    for c in range(n_cat):
        tp = int((pred[:, c] & gold[:, c]).sum())
        fp = int((pred[:, c] & ~gold[:, c]).sum())
        fn = int((~pred[:, c] & gold[:, c]).sum())
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / len(f1s)


def fit_platt(logits: torch.Tensor, y: torch.Tensor) -> dict[str, float]:
    """p = sigmoid(a*z + b) fitted by maximum likelihood (LBFGS), a kept positive."""
    if y.numel() == 0 or float(y.sum()) in (0.0, float(y.numel())):
        return {"a": 1.0, "b": 0.0}
    log_a = torch.zeros(1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    opt = torch.optim.LBFGS([log_a, b], lr=0.5, max_iter=100)
    loss_fn = nn.BCEWithLogitsLoss()

    def closure() -> torch.Tensor:
        opt.zero_grad()
        # a weak prior keeps the fit sane on (nearly) separable dev sets
        prior = 0.01 * (log_a.pow(2).sum() + 0.1 * b.pow(2).sum())
        loss = loss_fn(log_a.exp() * logits + b, y) + prior
        loss.backward()
        return loss

    opt.step(closure)
    a, bb = float(log_a.detach().exp()), float(b.detach())
    if not (math.isfinite(a) and math.isfinite(bb)):
        return {"a": 1.0, "b": 0.0}
    return {"a": round(a, 6), "b": round(bb, 6)}


def train_model(
    train: list[Example],
    dev: list[Example],
    config: TrainConfig | None = None,
    corpus_sha256: str = "",
    progress: Callable[[str], None] | None = None,
) -> TrainResult:
    cfg = config or TrainConfig()
    torch.manual_seed(cfg.seed)
    old_threads = torch.get_num_threads()
    torch.set_num_threads(cfg.threads)
    try:
        return _train(train, dev, cfg, corpus_sha256, progress)
    finally:
        torch.set_num_threads(old_threads)


def _train(
    train: list[Example],
    dev: list[Example],
    cfg: TrainConfig,
    corpus_sha256: str,
    progress: Callable[[str], None] | None,
) -> TrainResult:
    labels = label_names()
    n_cat = len(ALL_CATEGORIES)
    hasher = FeatureHasher(cfg.hash_settings)
    train_ids = _encode(hasher, train)
    dev_ids = _encode(hasher, dev)
    y_train = _targets(train, labels)
    y_dev = _targets(dev, labels)

    net = FastTextNet(
        cfg.hash_settings.buckets, cfg.dim, len(labels), cfg.hidden, cfg.dropout
    )
    # Rows no training text touches stay exactly zero: unseen n-grams add nothing at
    # inference, and the artefact only has to store the touched rows.
    seen = torch.zeros(cfg.hash_settings.buckets, dtype=torch.bool)
    for ids in train_ids:
        seen[torch.tensor(ids or [0], dtype=torch.long)] = True
    with torch.no_grad():
        net.embedding.weight[~seen] = 0.0

    weights = torch.ones(len(labels))
    weights[n_cat:] = cfg.subtype_weight
    loss_fn = nn.BCEWithLogitsLoss(reduction="none")
    opt_emb = torch.optim.SparseAdam(list(net.embedding.parameters()), lr=cfg.lr_embedding)
    opt_head = torch.optim.AdamW(
        net.head.parameters(), lr=cfg.lr_head, weight_decay=cfg.weight_decay
    )
    rng = random.Random(cfg.seed)
    order = list(range(len(train)))

    best_state: dict[str, torch.Tensor] | None = None
    best_score = -1.0
    best_epoch = 0
    bad = 0
    history: list[dict[str, float]] = []
    for epoch in range(1, cfg.epochs + 1):
        net.train()
        rng.shuffle(order)
        total = 0.0
        for start in range(0, len(order), cfg.batch_size):
            rows = order[start : start + cfg.batch_size]
            flat, offsets = _batch(train_ids, rows, cfg.feature_dropout, rng)
            logits = net(flat, offsets)
            loss = (loss_fn(logits, y_train[rows]) * weights).mean()
            opt_emb.zero_grad()
            opt_head.zero_grad()
            loss.backward()
            opt_emb.step()
            opt_head.step()
            total += float(loss.detach()) * len(rows)
        net.eval()
        train_loss = total / max(1, len(order))
        if dev:
            dev_logits = predict_logits(net, dev_ids)
            dev_loss = float((loss_fn(dev_logits, y_dev) * weights).mean())
            score = _macro_f1(dev_logits, y_dev, n_cat) - 0.01 * dev_loss
        else:
            dev_loss, score = float("nan"), -train_loss
        f1 = _macro_f1(dev_logits, y_dev, n_cat) if dev else float("nan")
        history.append({"epoch": epoch, "train_loss": train_loss, "dev_loss": dev_loss,
                        "dev_macro_f1": f1})
        if progress:
            progress(f"epoch {epoch}: train_loss={train_loss:.4f} dev_loss={dev_loss:.4f} "
                     f"dev_macro_f1={f1:.4f}")
        if score > best_score:
            best_score, best_epoch, bad = score, epoch, 0
            best_state = {k: v.detach().clone() for k, v in net.state_dict().items()}
        else:
            bad += 1
            if bad >= cfg.patience:
                break
    if best_state is not None:
        net.load_state_dict(best_state)
    net.eval()
    net.requires_grad_(False)

    calibration: dict[str, dict[str, float]] = {}
    if dev:
        dev_logits = predict_logits(net, dev_ids)
        for c, cat in enumerate(ALL_CATEGORIES):
            calibration[cat] = fit_platt(dev_logits[:, c], y_dev[:, c])
    meta = ModelMetadata(
        version=f"{MODEL_VERSION}+{corpus_sha256[:8]}" if corpus_sha256 else MODEL_VERSION,
        labels=labels,
        hash_settings=cfg.hash_settings,
        dim=cfg.dim,
        hidden=cfg.hidden,
        trained_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        corpus_sha256=corpus_sha256,
        seed=cfg.seed,
        epochs=best_epoch,
        calibration=calibration,
        thresholds={},
        dev_metrics={"macro_f1_at_0": history[best_epoch - 1]["dev_macro_f1"]}
        if history and dev
        else {},
    )
    return TrainResult(net, meta, history)
