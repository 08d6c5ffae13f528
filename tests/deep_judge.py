"""A stand-in for the deep mode's encoder judge (classifiers.encoder.judge.EncoderJudge), for
the server and extension tests of the two modes. The real judge needs the trained artefact and
is tested by the classifiers' own tests; these tests check the wiring around it.

`TestJudge` recognises contempt without a swear word ("hekel aan jou", "walgelijk") that the
quick pipeline does not flag, so a test can tell a deep answer from a quick one by what a user
sees: a flag. Its stacker is a real `classifiers.encoder.stacker.Stacker` that only listens to
the encoder. `DeepTestScorer` builds `Scorer(mode="deep", encoder=TestJudge(...))`; it is
picklable (module level, plain fields), so scorer processes can build it too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from classifiers.categories import CATEGORIES, Category, Severity
from classifiers.document import Document
from classifiers.encoder.stacker import FEATURES, Stacker
from classifiers.judgement import Flag, Span
from classifiers.pipeline import Scorer

HOSTILE = ("hekel aan jou", "walgelijk")
# quick does not flag it (no swear word, no slur); the test judge does
CONTEMPT = "Ik heb een hekel aan jou en iedereen vindt je een last"
JUDGE_NAME = "test-encoder-1"
WARM_UP_MARK = "Hoi allemaal"  # the pool's warm-up text (server.scoring_pool.WARM_UP_TEXT)


def _stacker() -> Stacker:
    only_encoder = [1.0 if f == "encoder" else 0.0 for f in FEATURES]
    return Stacker(weights={c: list(only_encoder) for c in ("bullying", "discrimination")},
                   bias={"bullying": 0.0, "discrimination": 0.0},
                   operating_points={"bullying": 0.5, "discrimination": 0.5})


class TestJudge:
    """What the Scorer needs of a judge: name, categories, predict, stacker, flag.
    `delay`: seconds every prediction takes (not the warm-up's), a slow encoder; with `slow`,
    only while that event is set."""

    __test__ = False  # not a pytest test class

    name = JUDGE_NAME
    categories = ("bullying", "discrimination")

    def __init__(self, delay: float = 0.0, slow: threading.Event | None = None) -> None:
        self.delay = delay
        self.slow = slow
        self.stacker = _stacker()

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        slow = self.delay and (self.slow is None or self.slow.is_set())
        if slow and not any(WARM_UP_MARK in t for t in texts):
            time.sleep(self.delay)
        return [{"bullying": 0.97 if any(h in t.lower() for h in HOSTILE) else 0.02,
                 "discrimination": 0.02} for t in texts]

    def flag(self, category: str, score: float, doc: Document | None) -> Flag:
        text = doc.text if doc is not None else ""
        info = CATEGORIES[Category(category)]
        return Flag(category=category, subtype="encoder",
                    severity=Severity.HIGH if score >= 0.9 else Severity.MEDIUM, score=score,
                    spans=[Span(0, len(text))] if text else [],
                    reason="Deze zin klinkt minachtend tegenover een persoon.",
                    protocol_ref=info.protocol_ref, subtypes=["encoder"])


@dataclass(frozen=True)
class DeepTestScorer:
    """A factory for the deep pool: `Scorer(mode="deep")` with the test judge. `gate`: the
    build waits until it is set (a deep pool that is still loading). `delay`, `slow`: see
    TestJudge (threads only: an Event does not cross into a process)."""

    delay: float = 0.0
    gate: threading.Event | None = field(default=None, compare=False)
    slow: threading.Event | None = field(default=None, compare=False)

    def __call__(self) -> Scorer:
        if self.gate is not None:
            self.gate.wait(60)
        return Scorer(mode="deep", encoder=TestJudge(self.delay, self.slow))
