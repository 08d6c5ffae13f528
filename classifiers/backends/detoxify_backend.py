"""Optional backend: a Detoxify checkpoint, loaded offline.

`Detoxify(model_type, checkpoint=path, huggingface_config_path=dir)`: the checkpoint file
holds the training config and the state dict, the directory holds the Hugging Face config
and tokenizer files. Detoxify's labels are mapped to our categories (DEFAULT_LABEL_MAP
unless given).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from classifiers.backends.base import BackendError, check_label_map, fold, offline

DEFAULT_LABEL_MAP: dict[str, str | None] = {
    "toxicity": "bullying",
    "severe_toxicity": "bullying",
    "insult": "bullying",
    "threat": "bullying",
    "identity_attack": "discrimination",
    "obscene": "profanity",
    "sexual_explicit": "bullying",
}


class DetoxifyBackend:
    def __init__(
        self,
        checkpoint: Path | str,
        huggingface_config_path: Path | str,
        *,
        model_type: str = "multilingual",
        label_map: Mapping[str, str | None] | None = None,
        name: str | None = None,
    ) -> None:
        try:
            from detoxify import Detoxify
        except ImportError as exc:  # optional dependency: pip install denkna[detoxify]
            raise BackendError(
                "Detoxify is niet geïnstalleerd (pip install 'denkna[detoxify]')."
            ) from exc
        checkpoint, config_dir = Path(checkpoint), Path(huggingface_config_path)
        if not checkpoint.is_file():
            raise BackendError(f"Detoxify-checkpoint {checkpoint} bestaat niet.")
        if not config_dir.is_dir():
            raise BackendError(f"Map met Hugging Face-configuratie {config_dir} bestaat niet.")
        try:
            with offline():
                self.detox = Detoxify(
                    model_type,
                    checkpoint=str(checkpoint),
                    huggingface_config_path=str(config_dir),
                )
        except (OSError, ValueError, KeyError) as exc:
            raise BackendError(f"Kan Detoxify-checkpoint {checkpoint} niet laden: {exc}") from exc
        known = set(self.detox.class_names)
        wanted = label_map if label_map is not None else DEFAULT_LABEL_MAP
        self.label_map = check_label_map({k: v for k, v in wanted.items() if k in known})
        self.name = name or f"detoxify:{checkpoint.stem}"

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        if not texts:
            return []
        results = self.detox.predict(list(texts))
        out = []
        for i in range(len(texts)):
            row = {}
            for label, scores in results.items():
                row[label] = scores[i] if isinstance(scores, list) else scores
            out.append(fold(row, self.label_map))
        return out
