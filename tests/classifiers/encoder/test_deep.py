"""The deep judge end to end on a tiny encoder written by the test: train, save, load (sha256
of the base file checked by the loader's caller), predict, stack, flag; and the fallbacks a
school's IT would meet (missing or corrupt files: deep answers as quick, the log names the file).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from classifiers.encoder.artefact import load_encoder_artefact
from classifiers.encoder.build import fit_stacker
from classifiers.encoder.dataset import OUTPUTS, Sample, _sample
from classifiers.encoder.judge import EncoderJudge, sentences
from classifiers.encoder.stacker import FEATURES, Stacker
from classifiers.encoder.train import EncoderTrainConfig, train_encoder
from classifiers.pipeline import Scorer
from tests.classifiers.encoder.tiny_e5 import write_tiny_e5

HOSTILE = ["hallo wereld", "hallo hallo", "wereld hallo wereld", "hallo je", "een hallo",
           "hallo de wereld", "je hallo", "wereld wereld hallo"]
CLEAN = ["de school is een school", "het is de school", "een school", "de school en het",
         "school is school", "het is een", "de het een school", "is het de school"]


def _samples() -> list[Sample]:
    out = []
    for t in HOSTILE:
        out.append(_sample(t, ["bullying"], ["bullying/insult"], "natural:test", ("bullying",
                                                                                  "discrimination",
                                                                                  "profanity")))
    for t in CLEAN:
        out.append(_sample(t, [], [], "natural:test", ("bullying", "discrimination", "profanity")))
    return out * 3


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> tuple[Path, Path, EncoderJudge]:
    from classifiers.encoder.artefact import EncoderMetadata, save_encoder_artefact
    from classifiers.encoder.network import load_encoder

    root = tmp_path_factory.mktemp("deep")
    base = write_tiny_e5(root / "tiny.bin").path
    tokenizer, network = load_encoder(base)
    samples = _samples()
    cfg = EncoderTrainConfig(trainable=1, epochs=12, lr=3e-3, head_lr=5e-2, batch=8, threads=1,
                             corpus_fraction=1.0)
    result = train_encoder(samples, samples, tokenizer, network, cfg, progress=lambda m: None)
    meta = EncoderMetadata(version="tiny-test", categories=list(OUTPUTS), base_package="test",
                           base_version="0", base_file=base.name, base_sha256="",
                           trainable_layers=sorted(result.layers), calibration=result.calibration)
    path = root / "tiny.safetensors"
    save_encoder_artefact(path, meta, range(len(tokenizer.pieces)), result.layers, result.head)
    judge = EncoderJudge.load(path, base=base)
    judge.stacker = fit_stacker(samples, judge.predict([s.text for s in samples]))
    return base, path, judge


def test_training_learns_and_the_saved_judge_predicts_the_same(tiny) -> None:
    base, path, judge = tiny
    probs = judge.predict(HOSTILE + CLEAN)
    hostile = [p["bullying"] for p in probs[: len(HOSTILE)]]
    clean = [p["bullying"] for p in probs[len(HOSTILE):]]
    assert min(hostile) > max(clean), (hostile, clean)
    assert set(probs[0]) == set(OUTPUTS)
    assert all(0.0 <= v <= 1.0 for p in probs for v in p.values())
    again = EncoderJudge.load(path, base=base).predict(HOSTILE[:2])
    assert again[0]["bullying"] == pytest.approx(probs[0]["bullying"], abs=1e-4)


def test_artefact_holds_only_what_training_changed(tiny) -> None:
    _, path, _ = tiny
    meta, keep, layers, head = load_encoder_artefact(path)
    assert keep == list(range(len(keep)))  # the ids the test kept, stored as given
    assert sorted(layers) == [1]  # the top layer of two: the frozen one is not copied
    assert head["weight"].shape[0] == len(OUTPUTS) == len(meta.categories)


def test_deep_scorer_answers_deep_and_flags_what_the_encoder_sees(tiny) -> None:
    _, _, judge = tiny
    deep = Scorer(mode="deep", encoder=judge, model_path=None)
    j = deep.score("hallo wereld")
    assert j.mode == "deep" and j.to_dict()["mode"] == "deep"
    assert "tiny-test" in j.model
    assert "bullying" in {f.category for f in j.flags}
    assert "bullying" not in {f.category for f in deep.score("de school is een school").flags}
    quick = Scorer(model_path=None)
    assert quick.score("hallo wereld").mode == "quick"
    assert quick.score("hallo wereld").to_dict()["mode"] == "quick"


def test_encoder_only_flag_marks_the_carrying_sentence_with_a_dutch_reason(tiny) -> None:
    _, _, judge = tiny
    trusting = Stacker(
        weights={c: [0.0] * 5 + [4.0] + [0.0] * (len(FEATURES) - 6)
                 for c in ("bullying", "discrimination")},
        bias={"bullying": 0.0, "discrimination": -50.0}, operating_points={})
    judge = EncoderJudge(judge.meta, judge.tokenizer, judge.network, judge.head, trusting)
    text = "De school is een school. Hallo wereld hallo!"
    j = Scorer(mode="deep", encoder=judge, model_path=None).score(text)
    flag = next(f for f in j.flags if f.category == "bullying")
    assert len(flag.spans) == 1
    marked = text[flag.spans[0].start:flag.spans[0].end]
    assert marked == "Hallo wereld hallo!"
    assert marked in flag.reason and flag.protocol_ref
    assert flag.raised_by == "model:encoder" and flag.to_dict()["raised_by"] == "model:encoder"
    rule_flag = next(f for f in Scorer(model_path=None).score("jij bent een vieze loser").flags
                     if f.category == "bullying")
    assert rule_flag.raised_by == "rule:abuse"
    assert [text[s.start:s.end] for s in sentences(text)] == [
        "De school is een school.", "Hallo wereld hallo!"]


def test_missing_encoder_file_answers_quick_and_names_the_file(tmp_path, caplog) -> None:
    missing = tmp_path / "geen-encoder.safetensors"
    with caplog.at_level(logging.WARNING):
        j = Scorer(mode="deep", encoder_path=missing, model_path=None).score("hallo")
    assert j.mode == "quick" and j.to_dict()["mode"] == "quick"
    assert str(missing) in caplog.text


def test_corrupt_encoder_file_answers_quick_and_names_the_file(tmp_path, caplog) -> None:
    bad = tmp_path / "kapot.safetensors"
    bad.write_bytes(b"\x00\x01 dit is geen safetensors-bestand")
    with caplog.at_level(logging.WARNING):
        scorer = Scorer(mode="deep", encoder_path=bad, model_path=None)
        j = scorer.score("jij bent echt dom")
    assert j.mode == "quick" and str(bad) in caplog.text
    assert scorer.mode == "quick"


def test_corrupt_base_model_answers_quick_and_names_it(tiny, tmp_path, caplog) -> None:
    base, path, _ = tiny
    broken = tmp_path / "tiny.bin"
    broken.write_bytes(base.read_bytes()[:200])
    from classifiers.encoder.source import EncoderUnavailable

    with pytest.raises(EncoderUnavailable, match=str(broken)):
        EncoderJudge.load(path, base=broken)
