"""JSON-lines scoring: one output per input line, in order, bad lines become Dutch errors."""

from __future__ import annotations

import json

from classifiers.batch import CHUNK, score_lines
from classifiers.categories import Severity
from classifiers.document import Document
from classifiers.judgement import Finding, Span
from classifiers.pipeline import Scorer
from classifiers.recognizer import Recognizer


class Sukkel(Recognizer):
    name = "test.sukkel"

    def analyze(self, doc: Document) -> list[Finding]:
        return [
            Finding("bullying", "insult", 0.9, Severity.HIGH, [Span(t.start, t.end)],
                    "Scheldwoord.", "000 A.4")
            for t in doc.tokens
            if t.text == "sukkel"
        ]


def run(lines: list[bytes]) -> list[dict]:
    scorer = Scorer(recognizers=[Sukkel()], model_path=None)
    return list(score_lines(lines, scorer))


def test_each_bad_line_gets_its_own_error_in_place() -> None:
    lines = [
        b'{"id": 1, "text": "jij sukkel"}\n',
        b"{not json\n",
        b"[1, 2]\n",
        b'{"id": "x"}\n',
        b'{"id": 5, "text": 42}\n',
        b'{"id": 6, "text": "   "}\n',
        b'{"id": 7, "text": "caf\xe9"}\n',  # latin-1 byte: invalid UTF-8
        b"\n",
        b'{"id": 9, "text": "hoi", "context": "prive"}\n',
        b'{"id": 10, "text": "hoi sukkel", "context": {"account_type": "private"}}\n',
    ]
    out = run(lines)
    assert len(out) == len(lines)
    assert out[0]["id"] == 1 and out[0]["flags"][0]["spans"] == [{"start": 4, "end": 10}]
    errors = {o["line"]: o for o in out if "error" in o}
    assert sorted(errors) == [2, 3, 4, 5, 6, 7, 8, 9]
    assert "geen geldige JSON" in errors[2]["error"] and errors[2]["id"] is None
    assert "geen JSON-object" in errors[3]["error"]
    assert errors[4]["id"] == "x" and 'mist het veld "text"' in errors[4]["error"]
    assert errors[5]["id"] == 5 and "moet een tekst zijn" in errors[5]["error"]
    assert errors[6]["id"] == 6 and "is leeg" in errors[6]["error"]
    assert "UTF-8" in errors[7]["error"] and errors[7]["id"] == 7
    assert "leeg" in errors[8]["error"]
    assert errors[9]["id"] == 9 and '"context"' in errors[9]["error"]
    assert out[9]["id"] == 10 and out[9]["flags"][0]["category"] == "bullying"
    # the text itself never shows up in an error
    assert not any("caf" in o["error"] for o in errors.values())


def test_order_is_kept_across_chunks() -> None:
    lines = []
    for i in range(CHUNK * 2 + 5):
        if i % 7 == 3:
            lines.append(b"kapot\n")
        else:
            lines.append(json.dumps({"id": i, "text": f"tekst {i} sukkel"}).encode() + b"\n")
    out = run(lines)
    assert len(out) == len(lines)
    for i, o in enumerate(out):
        if i % 7 == 3:
            assert o["line"] == i + 1 and "error" in o
        else:
            assert o["id"] == i and o["flags"]


def test_long_text_is_truncated_and_marked() -> None:
    text = "x" * 1_000_000 + " sukkel"
    (out,) = run([json.dumps({"id": "big", "text": text}).encode()])
    assert out["truncated"] is True and out["flags"] == []
