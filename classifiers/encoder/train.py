"""Fine-tune the top layers of the encoder and a head, on the samples of dataset.py.

The lower layers stay frozen: their output for every text is computed once and cached
(float16), so an epoch runs only the top `trainable` layers forward and backward. Each epoch
uses every natural and functional sample and a fresh random part of the template corpus (so
the templates do not drown the natural texts). After every epoch the model is measured on
dev; the best epoch is kept (early stopping), and each output is calibrated on dev (Platt).
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from classifiers.encoder.dataset import CATEGORIES, OUTPUTS, Sample
from classifiers.encoder.stacker import fit

log = logging.getLogger(__name__)
SUBTYPE_WEIGHT = 0.3  # loss weight of a subtype output relative to a category


@dataclass
class EncoderTrainConfig:
    """The defaults are the shipped artefact's settings (README: what was tried), so that
    `denkna train --encoder` makes it again."""

    trainable: int = 8  # top layers fine-tuned
    epochs: int = 5
    lr: float = 8e-5
    head_lr: float = 2e-3
    batch: int = 32
    max_tokens: int = 128
    dropout: float = 0.1
    corpus_fraction: float = 0.25  # part of the template corpus used per epoch
    functional_repeat: int = 2  # times each functional training suite text is seen per epoch
    seed: int = 0
    threads: int = 2


@dataclass
class TrainResult:
    head: object
    layers: dict[int, object]  # index -> trained layer module
    calibration: dict[str, dict[str, float]]
    dev_logits: list[list[float]]
    history: list[dict[str, float]] = field(default_factory=list)
    best_epoch: int = 0
    seconds: float = 0.0


def _pad(hidden: Sequence, dim: int):
    import torch

    longest = max(h.shape[0] for h in hidden)
    out = torch.zeros(len(hidden), longest, dim)
    mask = torch.zeros(len(hidden), longest, dtype=torch.long)
    for i, h in enumerate(hidden):
        out[i, :h.shape[0]] = h.float()
        mask[i, :h.shape[0]] = 1
    return out, mask


def cache_lower(tokenizer, network, texts: Sequence[str], upto: int, cfg: EncoderTrainConfig,
                progress: Callable[[str], None] = log.info) -> list:
    """The output of the frozen layers [0, upto) per text, float16, without padding."""
    import torch

    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out: list = [None] * len(texts)
    network.eval()
    t0 = time.perf_counter()
    with torch.inference_mode():
        for k in range(0, len(order), 64):
            idx = order[k:k + 64]
            ids, mask = tokenizer.encode_batch([texts[i] for i in idx],
                                               max_tokens=cfg.max_tokens)
            hidden = network.embed_layers(ids, mask, upto=upto)
            lengths = mask.sum(dim=1).tolist()
            for j, i in enumerate(idx):
                out[i] = hidden[j, :lengths[j]].half().clone()
            if k % 2048 == 0:
                progress(f"lower layers: {k}/{len(order)} texts, {time.perf_counter() - t0:.0f} s")
    return out


def _batches(indices: list[int], cached: list, size: int, rng: random.Random) -> list[list[int]]:
    """Batches of similar length (little padding), in random order."""
    indices = sorted(indices, key=lambda i: (cached[i].shape[0], rng.random()))
    batches = [indices[k:k + size] for k in range(0, len(indices), size)]
    rng.shuffle(batches)
    return batches


def _forward(network, head, cached: list, idx: list[int], start: int):
    from classifiers.encoder.network import mean_pool

    hidden, mask = _pad([cached[i] for i in idx], cached[idx[0]].shape[1])
    hidden = network.run_layers(hidden, mask, start=start)
    return head(mean_pool(hidden, mask))


def evaluate(logits: list[list[float]], samples: Sequence[Sample]) -> dict[str, float]:
    """Accuracy per category at logit 0, on the samples that label it."""
    out = {}
    for c, cat in enumerate(CATEGORIES):
        rows = [(z[c] > 0, s.target[c] > 0.5) for z, s in zip(logits, samples, strict=True)
                if s.mask[c]]
        if rows:
            out[cat] = sum(a == b for a, b in rows) / len(rows)
    return out


def train_encoder(train: Sequence[Sample], dev: Sequence[Sample], tokenizer, network,
                  cfg: EncoderTrainConfig, progress: Callable[[str], None] = log.info,
                  ) -> TrainResult:
    import torch

    t0 = time.perf_counter()
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(cfg.threads)
    rng = random.Random(cfg.seed)
    n_layers = len(network.layers)
    start = n_layers - cfg.trainable
    texts = [s.text for s in train] + [s.text for s in dev]
    cached = cache_lower(tokenizer, network, texts, start, cfg, progress)
    train_idx = list(range(len(train)))
    dev_idx = list(range(len(train), len(texts)))
    dim = cached[0].shape[1]
    target = torch.tensor([s.target for s in train] + [s.target for s in dev])
    mask = torch.tensor([s.mask for s in train] + [s.mask for s in dev])
    weight = torch.tensor([1.0 if "/" not in o else SUBTYPE_WEIGHT for o in OUTPUTS])

    head = torch.nn.Linear(dim, len(OUTPUTS))
    with torch.no_grad():  # start each output at its base rate
        pos = (target[: len(train)] * mask[: len(train)]).sum(0)
        seen = mask[: len(train)].sum(0).clamp(min=1)
        rate = (pos / seen).clamp(1e-3, 1 - 1e-3)
        head.bias.copy_(torch.log(rate / (1 - rate)))
        head.weight.normal_(0, 0.02)
    top = [network.layers[i] for i in range(start, n_layers)]
    params = [{"params": [p for layer in top for p in layer.parameters()], "lr": cfg.lr},
              {"params": head.parameters(), "lr": cfg.head_lr}]
    opt = torch.optim.AdamW(params, weight_decay=0.01)
    corpus = [i for i in train_idx if train[i].source.startswith("corpus")]
    other = [i for i in train_idx if not train[i].source.startswith("corpus")]
    # the functional suites are small beside the natural batches: they may be seen more often
    other += [i for i in other if train[i].source.startswith("functional")] * (
        cfg.functional_repeat - 1)
    per_epoch = len(other) + int(len(corpus) * cfg.corpus_fraction)
    total = cfg.epochs * math.ceil(per_epoch / cfg.batch)
    warm = max(1, total // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda step: min(1.0, (step + 1) / warm) * max(0.05, 1 - step / total))

    history: list[dict[str, float]] = []
    best, best_state, best_logits, best_epoch = -1.0, None, None, 0
    for epoch in range(cfg.epochs):
        for layer in top:
            layer.train()
        chosen = other + rng.sample(corpus, int(len(corpus) * cfg.corpus_fraction))
        batches = _batches(chosen, cached, cfg.batch, rng)
        running = 0.0
        for b, idx in enumerate(batches):
            logits = _forward(network, head, cached, idx, start)
            loss_all = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, target[idx], reduction="none") * mask[idx] * weight
            loss = loss_all.sum() / (mask[idx] * weight).sum().clamp(min=1)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for g in params for p in g["params"]], 1.0)
            opt.step()
            sched.step()
            running += float(loss.detach())
            if b % 50 == 0:
                progress(f"epoch {epoch + 1} batch {b}/{len(batches)} loss {running / (b + 1):.4f}"
                         f" ({time.perf_counter() - t0:.0f} s)")
        dev_logits = predict_cached(network, head, cached, dev_idx, start, top)
        scores = evaluate(dev_logits, dev)
        mean = sum(scores.get(c, 0.0) for c in ("bullying", "discrimination")) / 2
        history.append({"epoch": epoch + 1, **scores, "mean": mean})
        progress(f"epoch {epoch + 1}: dev {scores}")
        if mean > best:
            best, best_epoch, best_logits = mean, epoch + 1, dev_logits
            best_state = ({i: {k: v.clone() for k, v in network.layers[i].state_dict().items()}
                           for i in range(start, n_layers)},
                          {k: v.clone() for k, v in head.state_dict().items()})
    assert best_state is not None
    for i, state in best_state[0].items():
        network.layers[i].load_state_dict(state)
    head.load_state_dict(best_state[1])
    calibration = calibrate(best_logits, dev)
    return TrainResult(head, {i: network.layers[i] for i in range(start, n_layers)}, calibration,
                       best_logits, history, best_epoch, time.perf_counter() - t0)


def predict_cached(network, head, cached, indices, start, top) -> list[list[float]]:
    import torch

    for layer in top:
        layer.eval()
    out: list[list[float]] = []
    with torch.inference_mode():
        order = sorted(range(len(indices)), key=lambda k: cached[indices[k]].shape[0])
        result: list = [None] * len(indices)
        for k in range(0, len(order), 64):
            part = order[k:k + 64]
            logits = _forward(network, head, cached, [indices[j] for j in part], start)
            for j, row in zip(part, logits.tolist(), strict=True):
                result[j] = row
        out = result
    return out


def calibrate(logits: list[list[float]], samples: Sequence[Sample]) -> dict[str, dict[str, float]]:
    """Platt scaling per category on dev: p = sigmoid(a * logit + b)."""
    out = {}
    for c, name in enumerate(OUTPUTS):
        rows = [([z[c]], int(s.target[c] > 0.5)) for z, s in zip(logits, samples, strict=True)
                if s.mask[c]]
        if "/" in name or len(rows) < 30 or len({y for _, y in rows}) < 2:
            out[name] = {"a": 1.0, "b": 0.0}
            continue
        w, b = fit([x for x, _ in rows], [y for _, y in rows], l2=0.01)
        out[name] = {"a": w[0], "b": b}
    return out
