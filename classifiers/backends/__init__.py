"""Optional extra scorers, off by default. Configure them with `load_backends`:

    [{"kind": "transformers", "path": "/models/nl-tox", "label_map": {"TOXIC": "bullying"}},
     {"kind": "detoxify", "checkpoint": "/models/m.ckpt", "config_dir": "/models/xlmr"}]

and pass the result to `Scorer(backends=...)`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from classifiers.backends.base import BackendError


def load_backends(config: Sequence[Mapping[str, Any]]) -> list[Any]:
    backends: list[Any] = []
    for n, entry in enumerate(config, start=1):
        kind = entry.get("kind")
        if kind == "transformers":
            from classifiers.backends.transformers_backend import TransformersBackend

            if "path" not in entry or "label_map" not in entry:
                raise BackendError(f"Backend {n}: 'transformers' vraagt 'path' en 'label_map'.")
            backends.append(
                TransformersBackend(entry["path"], entry["label_map"], name=entry.get("name"))
            )
        elif kind == "detoxify":
            from classifiers.backends.detoxify_backend import DetoxifyBackend

            if "checkpoint" not in entry or "config_dir" not in entry:
                raise BackendError(f"Backend {n}: 'detoxify' vraagt 'checkpoint' en 'config_dir'.")
            backends.append(
                DetoxifyBackend(
                    entry["checkpoint"],
                    entry["config_dir"],
                    model_type=entry.get("model_type", "multilingual"),
                    label_map=entry.get("label_map"),
                    name=entry.get("name"),
                )
            )
        else:
            raise BackendError(
                f"Backend {n}: onbekende soort {kind!r}; kies 'transformers' of 'detoxify'."
            )
    return backends


__all__ = ["BackendError", "load_backends"]
