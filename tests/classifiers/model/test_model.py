"""The learned model: features, training, the safetensors artefact and inference."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from classifiers.document import Context, Document
from classifiers.model.artefact import ArtefactError, load_artefact, read_metadata, save_artefact
from classifiers.model.data import corpus_sha256, load_examples
from classifiers.model.features import FeatureHasher, HashSettings
from classifiers.model.predictor import Predictor
from classifiers.model.train import TrainConfig, train_model
from tests.classifiers.model.tiny_corpus import tiny_model, write_tiny_corpus

SMALL = dict(
    dim=16, hidden=16, feature_dropout=0.1, dropout=0.1, hash_settings=HashSettings(buckets=1 << 14)
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_tiny_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def model_path(tmp_path_factory) -> Path:
    return tiny_model(tmp_path_factory.mktemp("model"))


def test_features_are_stable_and_owned_by_tokens() -> None:
    hasher = FeatureHasher(HashSettings(buckets=1 << 18))
    a = hasher.extract(["jij", "bent", "dom"])
    b = FeatureHasher(HashSettings(buckets=1 << 18)).extract(["jij", "bent", "dom"])
    assert a.ids == b.ids  # CRC-32, not Python's salted hash()
    assert all(0 <= i < 1 << 18 for i in a.ids)
    owners = a.owners
    assert len(owners) == 3
    # the middle token shares both bigrams, the outer tokens one each
    shared = set(owners[0]) & set(owners[1])
    assert len(shared) == 1 and len(set(owners[1]) & set(owners[2])) == 1
    # context tags add features that belong to no token
    tagged = hasher.extract(["jij"], ["account=private"])
    assert len(tagged.ids) == len(hasher.extract(["jij"]).ids) + 1
    assert 0 not in tagged.owners[0]


def test_training_learns_and_is_deterministic(corpus: Path) -> None:
    train = load_examples(corpus / "train.jsonl")
    dev = load_examples(corpus / "dev.jsonl")
    config = TrainConfig(epochs=8, seed=3, lr_embedding=0.05, **SMALL)
    first = train_model(train, dev, config)
    losses = [h["train_loss"] for h in first.history]
    assert losses[-1] < losses[0] * 0.6
    second = train_model(train, dev, config)
    assert [h["train_loss"] for h in second.history] == losses
    predictor = Predictor(first.net, first.meta)
    bully = predictor.predict(Document("Bram jij bent echt een sukkel")).probs["bullying"]
    calm = predictor.predict(Document("de ouderavond begint om zeven uur")).probs["bullying"]
    assert bully > 0.8 and calm < 0.2


def test_artefact_roundtrip_keeps_predictions_and_metadata(model_path: Path, tmp_path) -> None:
    net, meta = load_artefact(model_path)
    assert meta.corpus_sha256 and meta.version.endswith(meta.corpus_sha256[:8])
    assert meta.trained_at.endswith("Z")
    assert set(meta.calibration) >= {"bullying", "discrimination", "personal_data"}
    assert set(meta.thresholds) >= {"bullying", "discrimination", "personal_data"}
    assert meta.hash_settings.buckets == 1 << 14
    copy = tmp_path / "copy.safetensors"
    save_artefact(net, meta, copy)
    assert read_metadata(copy).to_json() == meta.to_json()
    a, b = Predictor.load(model_path), Predictor.load(copy)
    text = Document("Fleur jij bent echt een eikel", Context(account_type="official"))
    assert a.predict(text).probs == pytest.approx(b.predict(text).probs, abs=1e-6)
    # only touched embedding rows are stored; the rest are zero
    assert int((net.embedding.weight.abs().sum(dim=1) > 0).sum()) < (1 << 14)


def test_corpus_hash_names_the_data(corpus: Path) -> None:
    files = [corpus / "train.jsonl", corpus / "dev.jsonl"]
    assert read_metadata(tiny_model(corpus.parent)).corpus_sha256 != ""
    assert corpus_sha256(files) == corpus_sha256(files)
    assert corpus_sha256(files) != corpus_sha256(files[:1])


def test_a_file_that_is_not_a_model_is_refused(tmp_path) -> None:
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"not a model at all")
    with pytest.raises(ArtefactError):
        read_metadata(bad)


def test_inference_needs_no_autograd(model_path: Path) -> None:
    predictor = Predictor.load(model_path)
    out = predictor.predict(Document("alle vluchtelingen moeten weg uit dit land"))
    assert not out.logits.requires_grad
    assert out.probs["discrimination"] > 0.5
    assert out.best_subtype("discrimination") == "exclusion"
    contrib = predictor.token_contributions(out, "discrimination")
    assert len(contrib) == 7 and max(contrib) > 0
    assert torch.is_inference_mode_enabled() is False


def test_batched_prediction_is_bit_for_bit_the_single_one(model_path: Path) -> None:
    """predict_many (one gather for a micro-batch) gives exactly what predict gives per text,
    blank and long texts included, so batching can never change a judgement."""
    predictor = Predictor.load(model_path)
    texts = ["alle vluchtelingen moeten weg uit dit land", "Fleur jij bent echt een eikel",
             "de ouderavond begint om zeven uur", "ok", "!!!", "Bram " * 300]
    docs = [Document(t, Context(account_type="private" if i % 2 else "official"))
            for i, t in enumerate(texts)]
    singles = [predictor.predict(Document(d.text, d.context)) for d in docs]
    batched = predictor.predict_many(docs)
    for one, many in zip(singles, batched, strict=True):
        assert one.probs == many.probs
        assert one.subtype_probs == many.subtype_probs
        assert torch.equal(one.logits, many.logits)
    assert predictor.predict_many([]) == []
