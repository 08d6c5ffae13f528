from __future__ import annotations

import pytest

from classifiers.abuse import abuse_recognizers
from classifiers.judgement import Flag, Judgement
from classifiers.pipeline import Scorer


class Judge:
    """The scorer with only the abuse recognizers, plus helpers for the assertions."""

    def __init__(self) -> None:
        # the rules alone: no learned model, so these tests state what the rules do
        self.scorer = Scorer(recognizers=abuse_recognizers(), model_path=None)

    def __call__(self, text: str) -> Judgement:
        return self.scorer.score(text)

    def categories(self, text: str) -> set[str]:
        return {f.category for f in self(text).flags}

    def flag(self, text: str, category: str) -> Flag:
        flags = [f for f in self(text).flags if f.category == category]
        assert flags, f"no {category} flag for {text!r}: {self(text).to_dict()}"
        return flags[0]

    def flagged_words(self, text: str, category: str) -> list[str]:
        return [text[s.start : s.end] for s in self.flag(text, category).spans]


@pytest.fixture(scope="session")
def judge() -> Judge:
    return Judge()
