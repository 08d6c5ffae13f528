"""Save and load the model artefact (safetensors) with its metadata.

Only the embedding rows that training touched are stored (as float16), the rest are zero;
this keeps a 2^18-bucket model well under 20 MB. Metadata is one JSON document under the
safetensors metadata key "denkna": model version, training date, corpus sha256, labels,
hash settings, network sizes, calibration and thresholds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from classifiers.model.features import HashSettings
from classifiers.model.net import FastTextNet

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent / "denkna-fasttext.safetensors"
METADATA_KEY = "denkna"
FORMAT = 1


class ArtefactError(ValueError):
    """The file is not a Denkna model artefact (or a corrupt one)."""


@dataclass
class ModelMetadata:
    version: str
    labels: list[str]  # categories first, then "category/subtype"
    hash_settings: HashSettings
    dim: int
    hidden: int
    trained_at: str = ""
    corpus_sha256: str = ""
    seed: int = 0
    epochs: int = 0
    # per category: {"a": float, "b": float} for p = sigmoid(a * logit + b)
    calibration: dict[str, dict[str, float]] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)
    dev_metrics: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        data = {
            "format": FORMAT,
            "version": self.version,
            "labels": self.labels,
            "hash_settings": self.hash_settings.to_dict(),
            "dim": self.dim,
            "hidden": self.hidden,
            "trained_at": self.trained_at,
            "corpus_sha256": self.corpus_sha256,
            "seed": self.seed,
            "epochs": self.epochs,
            "calibration": self.calibration,
            "thresholds": self.thresholds,
            "dev_metrics": self.dev_metrics,
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> ModelMetadata:
        data = json.loads(raw)
        if data.get("format") != FORMAT:
            raise ArtefactError(f"onbekend modelformaat: {data.get('format')!r}")
        return cls(
            version=data["version"],
            labels=list(data["labels"]),
            hash_settings=HashSettings.from_dict(data["hash_settings"]),
            dim=int(data["dim"]),
            hidden=int(data["hidden"]),
            trained_at=data.get("trained_at", ""),
            corpus_sha256=data.get("corpus_sha256", ""),
            seed=int(data.get("seed", 0)),
            epochs=int(data.get("epochs", 0)),
            calibration=data.get("calibration", {}),
            thresholds=data.get("thresholds", {}),
            dev_metrics=data.get("dev_metrics", {}),
        )


def save_artefact(net: FastTextNet, meta: ModelMetadata, path: Path) -> None:
    weight = net.embedding.weight.detach()
    rows = torch.nonzero(weight.abs().sum(dim=1) > 0).flatten()
    tensors = {
        "embedding.rows": rows.to(torch.int32).contiguous(),
        "embedding.values": weight[rows].to(torch.float16).contiguous(),
    }
    for name, value in net.head.state_dict().items():
        tensors[f"head.{name}"] = value.detach().to(torch.float32).contiguous()
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(path), metadata={METADATA_KEY: meta.to_json()})


def read_metadata(path: Path) -> ModelMetadata:
    try:
        with safe_open(str(path), framework="pt") as fh:
            raw = (fh.metadata() or {}).get(METADATA_KEY)
    except Exception as exc:  # safetensors raises its own error types
        raise ArtefactError(f"{path} is geen leesbaar safetensors-bestand: {exc}") from exc
    if raw is None:
        raise ArtefactError(f"{path} mist de Denkna-metadata")
    return ModelMetadata.from_json(raw)


def load_artefact(path: Path) -> tuple[FastTextNet, ModelMetadata]:
    meta = read_metadata(path)
    tensors = load_file(str(path))
    net = FastTextNet(meta.hash_settings.buckets, meta.dim, len(meta.labels), meta.hidden)
    weight = torch.zeros(meta.hash_settings.buckets, meta.dim)
    rows = tensors["embedding.rows"].to(torch.int64)
    weight[rows] = tensors["embedding.values"].to(torch.float32)
    with torch.no_grad():
        net.embedding.weight.copy_(weight)
    head_state = {k[len("head.") :]: v for k, v in tensors.items() if k.startswith("head.")}
    net.head.load_state_dict(head_state)
    net.eval()
    net.requires_grad_(False)
    return net, meta
