"""The optional backends load real (tiny, locally built) models from disk and score."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from classifiers.backends import BackendError, load_backends
from classifiers.backends.detoxify_backend import DetoxifyBackend
from classifiers.backends.transformers_backend import TransformersBackend
from classifiers.pipeline import Scorer

SENTENCES = [
    "jij bent echt een sukkel",
    "morgen is de sportdag op school",
    "alle nieuwkomers zijn welkom in onze klas",
    "wat een mooie voorstelling van groep acht",
]


def _tiny_bert(directory: Path, labels: list[str], multi_label: bool) -> Path:
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(
        vocab_size=200, special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    )
    tok.train_from_iterator(SENTENCES, trainer)
    fast = BertTokenizerFast(tokenizer_object=tok)
    config = BertConfig(
        vocab_size=tok.get_vocab_size(),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=37,
        max_position_embeddings=64,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={lab: i for i, lab in enumerate(labels)},
        problem_type="multi_label_classification" if multi_label else None,
    )
    torch.manual_seed(0)
    model = BertForSequenceClassification(config)
    with torch.no_grad():
        # make the first label fire strongly whatever the text: the test can then see
        # that the backend's probability reaches the judgement
        model.classifier.bias[:] = torch.tensor([4.0] + [-4.0] * (len(labels) - 1))
    model.save_pretrained(directory)
    fast.save_pretrained(directory)
    return directory


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    return _tiny_bert(tmp_path_factory.mktemp("bert"), ["TOXIC", "HATE", "OK"], True)


def test_transformers_backend_maps_labels_to_categories(tiny_model: Path) -> None:
    backend = TransformersBackend(
        tiny_model, {"TOXIC": "bullying", "HATE": "discrimination", "OK": None}
    )
    probs = backend.predict(SENTENCES[:3])
    assert len(probs) == 3
    for row in probs:
        assert set(row) == {"bullying", "discrimination"}
        assert row["bullying"] > 0.9 > 0.1 > row["discrimination"]


def test_scorer_combines_backend_with_rules(tiny_model: Path) -> None:
    backend = TransformersBackend(tiny_model, {"TOXIC": "bullying", "HATE": "discrimination"})
    plain = Scorer(recognizers=[], model_path=None)
    combined = Scorer(recognizers=[], model_path=None, backends=[backend])
    text = "wat een mooie voorstelling van groep acht"
    assert plain.score(text).flags == []
    j = combined.score(text)
    assert [f.category for f in j.flags] == ["bullying"]
    assert j.scores["bullying"] > 0.9
    assert "transformers:" in j.model
    # batch and single scoring agree
    many = combined.score_many([text, "morgen is de sportdag"])
    assert many[0].scores["bullying"] == pytest.approx(j.scores["bullying"], abs=1e-4)


def test_transformers_backend_rejects_bad_configuration(tiny_model: Path, tmp_path) -> None:
    with pytest.raises(BackendError, match="onbekende categorie"):
        TransformersBackend(tiny_model, {"TOXIC": "rudeness"})
    with pytest.raises(BackendError, match="niet kent"):
        TransformersBackend(tiny_model, {"INSULT": "bullying"})
    with pytest.raises(BackendError, match=r"config\.json"):
        TransformersBackend(tmp_path, {"TOXIC": "bullying"})


def test_detoxify_backend_loads_a_checkpoint_offline(tmp_path: Path) -> None:
    config_dir = _tiny_bert(tmp_path / "hf", ["a", "b", "c"], True)
    from transformers import BertForSequenceClassification

    model = BertForSequenceClassification.from_pretrained(config_dir)
    checkpoint = {
        "config": {
            "arch": {
                "args": {
                    "model_type": str(config_dir),
                    "model_name": "BertForSequenceClassification",
                    "tokenizer_name": "BertTokenizerFast",
                    "num_classes": 3,
                }
            },
            "dataset": {"args": {"classes": ["toxic", "identity_hate", "obscene"]}},
        },
        "state_dict": model.state_dict(),
    }
    path = tmp_path / "tiny.ckpt"
    torch.save(checkpoint, path)
    backend = DetoxifyBackend(path, config_dir)
    probs = backend.predict(SENTENCES[:2])
    assert len(probs) == 2
    assert probs[0]["bullying"] > 0.9  # "toxic" -> toxicity -> bullying
    assert probs[0]["discrimination"] < 0.1  # identity_hate -> identity_attack
    assert set(probs[0]) == {"bullying", "discrimination", "profanity"}

    (built,) = load_backends(
        [{"kind": "detoxify", "checkpoint": str(path), "config_dir": str(config_dir)}]
    )
    j = Scorer(recognizers=[], model_path=None, backends=[built]).score("hallo daar")
    assert j.scores["bullying"] > 0.9


def test_load_backends_reports_bad_entries() -> None:
    with pytest.raises(BackendError, match="onbekende soort"):
        load_backends([{"kind": "bert"}])
    with pytest.raises(BackendError, match="path"):
        load_backends([{"kind": "transformers"}])
