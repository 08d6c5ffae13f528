"""The scorer: runs the registered recognizers, the learned model (when its artefact is
present) and any configured optional backends, and folds them into one Judgement per text,
per the scoring contract.

Combination, per category:
- rule score r = the highest score of the category's rule findings;
- learned score p = the highest calibrated probability of the model and the backends;
- combined = max(r, p), except when the rules signal a *stance guard* for the category
  (see below) and have no flagging finding of their own: then the learned score is damped
  (p * GUARD_FACTOR), so a model can never override a clear rule decision such as
  counter-speech, health talk or abuse of an object.
A category is flagged only when the combined score passes its threshold. Thresholds come
from the model metadata (tuned on dev) unless overridden by the caller.

Stance guards: a recognizer that sees loaded words but decides they are not meant (quoted,
rejected, about a disease, about a thing) reports a Finding with score 0 whose subtype starts
with "guard:" (e.g. "guard:counter_speech"), or a finding with `source` ending in ":guard".
Guards never become flags; they only damp the learned score of their category.
The abuse analysis (classifiers/abuse) also yields guards: when its lexicon tags a stance
word in the text (counter-speech, reported speech, health talk, an object, a negation) and
no recognizer's rule found bullying/discrimination, those two categories are guarded. Every
abuse guard (this stance guard, the benign group mention, denial, intensifier) is built in
classifiers/abuse/rules/guards.py; GUARD_FACTOR below is the one place where a guard acts.

Modes: `quick` is the above. `deep` adds the fine-tuned encoder (classifiers/encoder) for
the categories it judges (bullying, discrimination): per category a small stacker, fitted on
texts the rules were not written from, turns the rule score, the rule's guards, the fastText
probability and the encoder probability into one calibrated probability. That probability
decides the category, so the encoder can flag what no rule knows and overrule a rule's
false alarm. When the encoder file is missing or corrupt, deep answers as quick (the
Judgement says `mode: "quick"`) and the log names the file.

Spans come from the rule findings. When only the learned score flags a category, the spans
are the tokens that contribute most to the model's decision (occlusion: the drop in the
category's logit when a token and its n-grams are left out).
"""

from __future__ import annotations

import importlib
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

from classifiers.categories import (
    ALL_CATEGORIES,
    CATEGORIES,
    SEVERITY_RANK,
    Category,
    Severity,
)
from classifiers.document import Context, Document
from classifiers.judgement import Finding, Flag, Judgement, Span
from classifiers.recognizer import Recognizer, registered

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 100_000
PIPELINE_VERSION = "denkna-rules-0.1"
RULES_NAME = "denkna-rules"
GUARD_PREFIX = "guard:"
# the learned score of a guarded category is multiplied by this in Scorer.combine (the
# categories the deep encoder judges get their guards as stacker features instead)
GUARD_FACTOR = 0.3
MAX_MODEL_SPANS = 3
# Categories whose flags must rest on something a recognizer found in the text: personal
# data is a concrete name, number or record, a protocol rule is a specific rule with its
# own advice. The model may confirm such a finding, never flag one on its own (it cannot
# tell "[naam] uit 2B" from "Sanne uit 2B", nor say which staff rule is broken).
RULE_ANCHORED = frozenset({"personal_data", "protocol"})

# Packages whose import registers recognizers. Adding a detector package = one line here.
RECOGNIZER_PACKAGES: tuple[str, ...] = (
    "classifiers.abuse",
    "classifiers.personal_data",
    "classifiers.staff_protocol",
)

_DEFAULT_MODEL = object()  # sentinel: "use the shipped artefact"
MODES = ("quick", "deep")
# Deep may drop a rule's flag without a guard of the rule's own only when the stacker is this
# sure it is wrong. Chosen on the development suites (bullying_3, bullying_5, school_life, the
# natural dev batches): 0.25 kept bullying_5 at 0.853 (0.833 when the encoder may always
# overrule) with school_life flagged 2.5%; never overruling flagged 5.6% of school_life.
OVERRULE_BELOW = 0.25
_PREDICT = object()  # sentinel: "run the model on this document now"


class Backend(Protocol):
    """An optional extra scorer (classifiers/backends): probabilities per category."""

    name: str

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]: ...


def default_recognizers() -> list[Recognizer]:
    for pkg in RECOGNIZER_PACKAGES:
        importlib.import_module(pkg)
    return [factory() for factory in registered().values()]


def is_guard(finding: Finding) -> bool:
    return finding.subtype.startswith(GUARD_PREFIX) or finding.source.endswith(":guard")


class Scorer:
    """Scores texts. Loads the model artefact once, lazily, per Scorer instance.

    model_path: path to a model artefact; default the shipped one; None = rules only.
    predictor: an already loaded classifiers.model.predictor.Predictor (tests, training).
    backends: optional extra scorers (see classifiers/backends), off by default.
    num_threads: torch threads for inference (None leaves torch's setting alone).
    """

    def __init__(
        self,
        recognizers: Sequence[Recognizer] | None = None,
        thresholds: dict[str, float] | None = None,
        *,
        model_path: Path | str | object | None = _DEFAULT_MODEL,
        predictor: object | None = None,
        backends: Sequence[Backend] = (),
        num_threads: int | None = 1,
        stance_guard: bool = True,
        mode: str = "quick",
        encoder_path: Path | str | object | None = _DEFAULT_MODEL,
        encoder: object | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        self.requested_mode = mode
        if encoder_path is _DEFAULT_MODEL:
            from classifiers.encoder.artefact import DEFAULT_ENCODER_PATH

            encoder_path = DEFAULT_ENCODER_PATH
        self._encoder_path = Path(encoder_path) if encoder_path is not None else None  # type: ignore[arg-type]
        self._encoder = encoder
        self._encoder_loaded = encoder is not None or mode != "deep" or encoder_path is None
        self.recognizers = list(recognizers) if recognizers is not None else default_recognizers()
        self._explicit_thresholds = dict(thresholds or {})
        self.backends = list(backends)
        self.num_threads = num_threads
        self.stance_guard = stance_guard
        if model_path is _DEFAULT_MODEL:
            from classifiers.model.artefact import DEFAULT_MODEL_PATH

            model_path = DEFAULT_MODEL_PATH
        self._model_path = Path(model_path) if model_path is not None else None  # type: ignore[arg-type]
        self._predictor = predictor
        self._model_loaded = predictor is not None or self._model_path is None
        self._thresholds: dict[str, float] | None = None

    # ----- model loading -------------------------------------------------------------------
    @property
    def predictor(self):  # -> Predictor | None
        if not self._model_loaded:
            self._model_loaded = True
            self._predictor = self._load_model()
        return self._predictor

    def _load_model(self):
        path = self._model_path
        assert path is not None
        if not path.exists():
            log.warning("Geen modelbestand op %s: Denkna scoort alleen met regels.", path)
            return None
        import torch

        from classifiers.model.artefact import ArtefactError
        from classifiers.model.predictor import Predictor

        if self.num_threads:
            torch.set_num_threads(self.num_threads)
        try:
            predictor = Predictor.load(path)
        except (ArtefactError, OSError, KeyError, RuntimeError) as exc:
            log.error("Modelbestand %s is onbruikbaar (%s): Denkna scoort alleen met regels.",
                      path, exc)
            return None
        log.info("Model %s geladen uit %s.", predictor.version, path)
        return predictor

    @property
    def encoder(self):  # -> EncoderJudge | None
        """The deep mode's encoder judge, loaded once; None in quick mode or when its file is
        missing or unusable (then deep answers as quick, and the log says which file)."""
        if not self._encoder_loaded:
            self._encoder_loaded = True
            self._encoder = self._load_encoder()
        return self._encoder

    def _load_encoder(self):
        path = self._encoder_path
        assert path is not None
        from classifiers.encoder.judge import EncoderJudge
        from classifiers.encoder.source import EncoderUnavailable

        try:
            judge = EncoderJudge.load(path, num_threads=self.num_threads)
        except (EncoderUnavailable, OSError, KeyError, ValueError, RuntimeError) as exc:
            log.warning("Diepe controle niet beschikbaar (%s): Denkna beoordeelt snel, "
                        "zonder encoder.", exc)
            return None
        log.info("Encoder %s geladen uit %s.", judge.name, path)
        return judge

    @property
    def mode(self) -> str:
        """The mode this scorer really answers in."""
        return "deep" if self.requested_mode == "deep" and self.encoder is not None else "quick"

    def with_thresholds(self, thresholds: dict[str, float] | None) -> Scorer:
        """This scorer with other thresholds, sharing its recognizers and loaded models."""
        if not thresholds:
            return self
        return Scorer(self.recognizers, thresholds, predictor=self.predictor, model_path=None,
                      backends=self.backends, num_threads=self.num_threads,
                      stance_guard=self.stance_guard, mode=self.requested_mode,
                      encoder=self.encoder, encoder_path=None)

    @property
    def thresholds(self) -> dict[str, float]:
        """Category thresholds on the combined score (defaults, or the caller's)."""
        if self._thresholds is None:
            values = {c: CATEGORIES[Category(c)].default_threshold for c in ALL_CATEGORIES}
            values.update(self._explicit_thresholds)
            self._thresholds = values
        return self._thresholds

    @property
    def model_thresholds(self) -> dict[str, float]:
        """The model's operating point per category, tuned on dev (model metadata)."""
        predictor = self.predictor
        return dict(predictor.meta.thresholds) if predictor is not None else {}

    @property
    def model_name(self) -> str:
        predictor = self.predictor
        if predictor is None and not self.backends and self.mode == "quick":
            return PIPELINE_VERSION
        name = RULES_NAME
        if predictor is not None:
            name += f"+fasttext {predictor.version}"
        for b in self.backends:
            name += f"+{b.name}"
        if self.mode == "deep":
            name += f"+{self.encoder.name}"
        return name

    # ----- scoring -------------------------------------------------------------------------
    def score(self, text: str, context: Context | None = None) -> Judgement:
        return self._score(text, context, None)

    def score_many(
        self, texts: Iterable[str], contexts: Iterable[Context | None] | None = None
    ) -> list[Judgement]:
        texts = list(texts)
        ctxs = list(contexts) if contexts is not None else [None] * len(texts)
        backend_probs: list[list[dict[str, float]]] = [[] for _ in texts]
        if self.backends and texts:
            truncated = [t[:MAX_TEXT_CHARS] for t in texts]
            for b in self.backends:
                for i, probs in enumerate(b.predict(truncated)):
                    backend_probs[i].append(probs)
        docs = [Document(t[:MAX_TEXT_CHARS], c) for t, c in zip(texts, ctxs, strict=True)]
        model_outs = self._predict_many(docs)
        encoder_outs = self._encode_many(docs)
        return [
            self._judge(doc, len(t) > MAX_TEXT_CHARS,
                        backend_probs[i] if self.backends else None, model_outs[i],
                        encoder_outs[i])
            for i, (t, doc) in enumerate(zip(texts, docs, strict=True))
        ]

    def _encode_many(self, docs: list[Document]) -> list[dict[str, float] | None]:
        """The encoder's probabilities per document in deep mode (None for a blank text or in
        quick mode), in one batched call."""
        outs: list[dict[str, float] | None] = [None] * len(docs)
        encoder = self.encoder if self.requested_mode == "deep" else None
        if encoder is None:
            return outs
        todo = [i for i, doc in enumerate(docs) if doc.text.strip()]
        if todo:
            for i, probs in zip(todo, encoder.predict([docs[i].text for i in todo]), strict=True):
                outs[i] = probs
        return outs

    def _predict_many(self, docs: list[Document]) -> list[object | None]:
        """The model's output per document (None for a blank text), in one batched call:
        the same numbers as one `predict` per document."""
        predictor = self.predictor
        outs: list[object | None] = [None] * len(docs)
        if predictor is None:
            return outs
        todo = [i for i, doc in enumerate(docs) if doc.text.strip()]
        many = getattr(predictor, "predict_many", None)
        if many is not None:
            results = many([docs[i] for i in todo]) if todo else []
        else:
            results = [predictor.predict(docs[i]) for i in todo]
        for i, out in zip(todo, results, strict=True):
            outs[i] = out
        return outs

    def _score(
        self,
        text: str,
        context: Context | None,
        backend_probs: list[dict[str, float]] | None,
    ) -> Judgement:
        truncated = len(text) > MAX_TEXT_CHARS
        if truncated:
            text = text[:MAX_TEXT_CHARS]
        doc = Document(text, context)
        return self._judge(doc, truncated, backend_probs, _PREDICT, self._encode_many([doc])[0])

    def _judge(
        self,
        doc: Document,
        truncated: bool,
        backend_probs: list[dict[str, float]] | None,
        model_out: object | None,
        encoder_out: dict[str, float] | None = None,
    ) -> Judgement:
        findings, learned, model_out = self.components(doc, backend_probs, model_out)
        judgement = self.combine(findings, learned, doc, model_out, encoder_out)
        judgement.truncated = truncated
        judgement.mode = self.mode
        return judgement

    def components(
        self, doc: Document, backend_probs: list[dict[str, float]] | None = None,
        model_out: object | None = _PREDICT,
    ) -> tuple[list[Finding], dict[str, float], object | None]:
        """Rule findings (stance guards included) and learned probabilities of one text.
        `model_out`: the model's output for this document if already computed (batched)."""
        text = doc.text
        findings: list[Finding] = []
        for rec in self.recognizers:
            findings.extend(rec.analyze(doc))
        learned: dict[str, float] = {}
        predictor = self.predictor
        if model_out is _PREDICT:
            model_out = None
            if predictor is not None and text.strip():
                model_out = predictor.predict(doc)
        if model_out is not None:
            learned.update(model_out.probs)  # type: ignore[attr-defined]
        if backend_probs is None and self.backends:
            backend_probs = [b.predict([text])[0] for b in self.backends]
        for probs in backend_probs or []:
            for cat, p in probs.items():
                if cat in ALL_CATEGORIES:
                    learned[cat] = max(learned.get(cat, 0.0), float(p))
        if self.stance_guard and learned:
            findings.extend(_stance_guards(doc, findings))
        return findings, learned, model_out

    def combine(
        self,
        findings: list[Finding],
        learned: dict[str, float] | None = None,
        doc: Document | None = None,
        model_out: object | None = None,
        encoder_out: dict[str, float] | None = None,
    ) -> Judgement:
        learned = learned or {}
        encoder = self.encoder if encoder_out is not None else None
        thresholds = self.thresholds
        operating = self.model_thresholds
        by_cat, guarded, stance = split_findings(findings)
        scores = {c: 0.0 for c in ALL_CATEGORIES}
        flags: list[Flag] = []
        for cat in ALL_CATEGORIES:
            group = by_cat.get(cat, [])
            threshold = thresholds[cat]
            rule = max(f.score for f in group) if group else 0.0  # (most groups are empty)
            if encoder is not None and cat in encoder.categories:
                flag = self._deep_category(cat, group, rule, cat in guarded, cat in stance,
                                           learned, encoder_out, doc, scores)
                if flag is not None:
                    flags.append(flag)
                continue
            p = learned.get(cat, 0.0)
            if (cat in guarded or cat in stance) and rule < threshold:
                p *= GUARD_FACTOR
            p = rescale(p, operating.get(cat, threshold), threshold)
            if cat in RULE_ANCHORED and not group:
                p = min(p, threshold * 0.9)
            scores[cat] = max(rule, p)
            if scores[cat] < threshold:
                continue
            passing = [f for f in group if f.score >= threshold]
            if not passing and group and p >= threshold:
                # the model confirms what the rules saw below their own threshold
                passing = group
            if passing:
                flags.append(self._rule_flag(cat, passing, scores[cat]))
            else:
                flags.append(self._model_flag(cat, scores[cat], doc, model_out))
        return Judgement(scores=scores, flags=flags, model=self.model_name)

    def _deep_category(
        self, cat: str, group: list[Finding], rule: float, guarded: bool, stance: bool,
        learned: dict[str, float], encoder_out: dict[str, float], doc: Document | None,
        scores: dict[str, float],
    ) -> Flag | None:
        """One category in deep mode: the stacker's calibrated probability decides."""
        encoder = self.encoder
        threshold = self.thresholds[cat]
        default = CATEGORIES[Category(cat)].default_threshold
        p = encoder.stacker.probability(cat, rule=rule, rule_threshold=default, guarded=guarded,
                                        stance=stance, fasttext=learned.get(cat, 0.0),
                                        encoder=encoder_out.get(cat, 0.0),
                                        encoder_other=encoder_out,
                                        group=doc is not None and mentions_group(doc))
        score = rescale(p, encoder.stacker.operating(cat), default)
        if score < threshold and rule >= threshold and not guarded and \
                p >= OVERRULE_BELOW:
            # the encoder may overrule a rule only where the rule's own guards are unsure, or
            # when it is sure itself
            score = rule
        scores[cat] = score
        if score < threshold:
            return None
        if group:
            passing = [f for f in group if f.score >= threshold] or group
            flag = self._rule_flag(cat, passing, score)
            return flag
        return encoder.flag(cat, score, doc)

    @staticmethod
    def _rule_flag(cat: str, passing: list[Finding], score: float) -> Flag:
        top = max(passing, key=lambda f: (f.score, SEVERITY_RANK[f.severity]))
        return Flag(
            category=cat,
            subtype=top.subtype,
            severity=max((f.severity for f in passing), key=lambda s: SEVERITY_RANK[s]),
            score=score,
            spans=_merge_spans(s for f in passing for s in f.spans),
            reason=top.reason,
            protocol_ref=top.protocol_ref,
            suggestion=next((f.suggestion for f in passing if f.suggestion), None),
            reason_en=top.reason_en,
            subtypes=sorted({f.subtype for f in passing}),
            raised_by="rule:" + top.source.split(":")[0].split(".")[0],
        )

    def _model_flag(self, cat: str, score: float, doc: Document | None, model_out) -> Flag:
        info = CATEGORIES[Category(cat)]
        spans: list[Span] = []
        subtype = "model"
        predictor = self.predictor
        if model_out is not None and doc is not None and predictor is not None:
            subtype = model_out.best_subtype(cat) or subtype
            contrib = predictor.token_contributions(model_out, cat)
            spans = _top_token_spans(doc, contrib)
        severity = Severity.HIGH if score >= 0.9 else Severity.MEDIUM
        if cat in ("profanity", "protocol") and score < 0.9:
            severity = Severity.LOW
        return Flag(
            category=cat,
            subtype=subtype,
            severity=severity,
            score=score,
            spans=spans,
            reason=(
                f"Het model herkent deze tekst als {info.label_nl}. "
                "Lees de gemarkeerde woorden nog eens voordat je plaatst."
            ),
            protocol_ref=info.protocol_ref,
            reason_en=f"The model recognises this text as {info.label_en}.",
            subtypes=[subtype],
            raised_by="model:fasttext",
        )


def split_findings(
    findings: Iterable[Finding],
) -> tuple[dict[str, list[Finding]], set[str], set[str]]:
    """(rule findings per category, categories a rule's guard covers, categories only the
    stance words guard)."""
    by_cat: dict[str, list[Finding]] = defaultdict(list)
    guarded: set[str] = set()
    stance: set[str] = set()
    for f in findings:
        if is_guard(f):
            (stance if f.source == "stance" else guarded).add(f.category)
        else:
            by_cat[f.category].append(f)
    return by_cat, guarded, stance


GROUP_TAGS = frozenset({"group", "slur"})


def mentions_group(doc: Document) -> bool:
    """Whether the abuse lexicon sees a protected group or a slur anywhere in the text."""
    try:
        from classifiers.abuse.engine import default_engine
    except ImportError:
        return False
    return any(not t.tags.isdisjoint(GROUP_TAGS) for t in default_engine().analysis(doc).tagged)


def rescale(p: float, operating: float, threshold: float) -> float:
    """Map a learned probability so that its operating point lands on the threshold
    (monotone, piecewise linear, 0 -> 0 and 1 -> 1)."""
    if operating <= 0.0 or operating >= 1.0 or operating == threshold:
        return p
    if p <= operating:
        return p * threshold / operating
    return threshold + (p - operating) * (1.0 - threshold) / (1.0 - operating)


def _stance_guards(doc: Document, findings: list[Finding]) -> list[Finding]:
    """The abuse analysis' stance guard (classifiers/abuse/rules/guards.py) for the
    categories that no recognizer's rule flagged."""
    flagged = {f.category for f in findings if not is_guard(f) and f.score > 0}
    try:
        from classifiers.abuse.engine import default_engine
    except ImportError:
        return []
    return default_engine().stance_guards(doc, flagged)


def _top_token_spans(doc: Document, contrib: list[float]) -> list[Span]:
    if not contrib:
        return []
    best = max(contrib)
    if best <= 0:
        return []
    ranked = sorted(range(len(contrib)), key=lambda i: -contrib[i])
    chosen = [i for i in ranked[:MAX_MODEL_SPANS] if contrib[i] >= 0.5 * best]
    tokens = doc.tokens
    return _merge_spans(Span(tokens[i].start, tokens[i].end) for i in chosen)


def _merge_spans(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for s in sorted(set(spans)):
        if merged and s.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = Span(last.start, max(last.end, s.end))
        else:
            merged.append(s)
    return merged
