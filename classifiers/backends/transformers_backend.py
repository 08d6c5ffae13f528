"""Optional backend: any local sequence-classification model directory (transformers).

Loaded with local_files_only (no downloads). The model's labels (config.id2label) are
mapped to our categories with a label map; multi-label models (problem_type
"multi_label_classification") use a sigmoid per label, others a softmax.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from classifiers.backends.base import BackendError, check_label_map, fold, offline


class TransformersBackend:
    def __init__(
        self,
        model_dir: Path | str,
        label_map: Mapping[str, str | None],
        *,
        name: str | None = None,
        max_length: int = 256,
        batch_size: int = 16,
    ) -> None:
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self.model_dir = Path(model_dir)
        if not (self.model_dir / "config.json").exists():
            raise BackendError(f"Geen modelmap met config.json gevonden op {self.model_dir}.")
        self.label_map = check_label_map(label_map)
        self.name = name or f"transformers:{self.model_dir.name}"
        self.max_length = max_length
        self.batch_size = batch_size
        self._torch = torch
        try:
            with offline():
                self.tokenizer = AutoTokenizer.from_pretrained(
                    self.model_dir, local_files_only=True
                )
                self.model = AutoModelForSequenceClassification.from_pretrained(
                    self.model_dir, local_files_only=True
                )
        except (OSError, ValueError) as exc:
            raise BackendError(f"Kan het model in {self.model_dir} niet laden: {exc}") from exc
        self.model.eval()
        self.labels = [
            self.model.config.id2label[i] for i in range(self.model.config.num_labels)
        ]
        unknown = sorted(set(self.label_map) - set(self.labels))
        if unknown:
            raise BackendError(
                f"De labelkoppeling noemt labels die het model niet kent: {', '.join(unknown)}."
            )
        self.multi_label = self.model.config.problem_type == "multi_label_classification"

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        out: list[dict[str, float]] = []
        torch = self._torch
        for start in range(0, len(texts), self.batch_size):
            chunk = list(texts[start : start + self.batch_size])
            enc = self.tokenizer(
                chunk,
                return_tensors="pt",
                truncation=True,
                padding=True,
                max_length=self.max_length,
            )
            with torch.inference_mode():
                logits = self.model(**enc).logits
            probs = torch.sigmoid(logits) if self.multi_label else torch.softmax(logits, dim=-1)
            for row in probs.tolist():
                out.append(fold(dict(zip(self.labels, row, strict=True)), self.label_map))
        return out
