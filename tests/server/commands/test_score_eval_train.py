"""`denkna score`, `denkna eval` and `denkna train` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from classifiers.model.artefact import read_metadata
from server.cli import main
from tests.classifiers.model.tiny_corpus import tiny_model, write_tiny_corpus

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_tiny_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def model_path(tmp_path_factory) -> Path:
    return tiny_model(tmp_path_factory.mktemp("model"))


def test_score_from_stdin_end_to_end() -> None:
    data = (
        b'{"id":1,"text":"jij bent echt een kankerlijer"}\n'
        b'{"id":2,"text":"caf\xe9 morgen?"}\n'
        b"niet eens json\n"
        b'{"id":4,"text":"Morgen is de sportdag, neem je gymspullen mee."}\n'
    )
    proc = subprocess.run(
        [sys.executable, "-m", "server.cli", "score"],
        input=data,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    lines = [json.loads(x) for x in proc.stdout.decode("utf-8").splitlines()]
    assert [x.get("id") for x in lines] == [1, 2, None, 4]
    text = "jij bent echt een kankerlijer"
    bullying = [f for f in lines[0]["flags"] if f["category"] == "bullying"]
    assert bullying, lines[0]
    start = text.index("kankerlijer")
    assert any(s["start"] <= start and s["end"] >= len(text) for s in bullying[0]["spans"])
    assert set(lines[0]) >= {"scores", "flags", "language", "model"}
    assert lines[1]["line"] == 2 and "UTF-8" in lines[1]["error"]
    assert lines[2]["line"] == 3 and "JSON" in lines[2]["error"]
    assert "scores" in lines[3]
    assert b"Traceback" not in proc.stderr


def test_score_reads_a_file_and_keeps_order(tmp_path, capsys) -> None:
    src = tmp_path / "in.jsonl"
    rows = [{"id": i, "text": f"bericht nummer {i}"} for i in range(5)]
    rows.insert(2, {"id": "leeg", "text": ""})
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    assert main(["score", "--rules-only", "--input", str(src)]) == 0
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [o["id"] for o in out] == [0, 1, "leeg", 2, 3, 4]
    assert "is leeg" in out[2]["error"] and out[2]["line"] == 3


def test_score_missing_input_file_is_a_clear_error(tmp_path, capsys) -> None:
    assert main(["score", "--input", str(tmp_path / "nope.jsonl")]) == 2
    assert "kan" in capsys.readouterr().err


def test_eval_prints_metrics_and_json(corpus: Path, model_path: Path, capsys) -> None:
    assert main(["eval", str(corpus / "test.jsonl"), "--model", str(model_path)]) == 0
    text = capsys.readouterr().out
    for needle in ("precisie", "bullying/insult", "Verwarringstabel", "p95"):
        assert needle in text
    assert main(["eval", str(corpus / "test.jsonl"), "--model", str(model_path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] == 40
    assert report["categories"]["bullying"]["f1"] > 0.8
    assert report["categories"]["discrimination"]["support"] == 10
    assert "personal_data/phone" in report["subtypes"]
    assert report["confusion"]["bullying"]["bullying"] >= 8
    assert report["latency"]["p95_ms"] >= report["latency"]["p50_ms"] > 0


def test_eval_of_a_missing_file_says_so(tmp_path, capsys) -> None:
    assert main(["eval", str(tmp_path / "weg.jsonl")]) == 2
    assert "bestaat niet" in capsys.readouterr().err


def test_train_writes_an_artefact_with_metadata(corpus: Path, tmp_path, capsys) -> None:
    out = tmp_path / "m.safetensors"
    code = main(["train", "--data-dir", str(corpus), "--out", str(out), "--epochs", "2",
                 "--seed", "5"])
    assert code == 0
    assert "geschreven naar" in capsys.readouterr().out
    meta = read_metadata(out)
    assert meta.seed == 5 and meta.corpus_sha256 and set(meta.thresholds) >= {"bullying"}
    assert main(["train", "--data-dir", str(tmp_path / "geen"), "--out", str(out)]) == 2
    assert "ontbreekt" in capsys.readouterr().err
