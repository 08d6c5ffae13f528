"""Normalisation undoes teen spelling and keeps every character traceable to the original."""

from __future__ import annotations

import random
import re

import pytest

from classifiers.document import Document
from classifiers.normalise import _WORDISH, normalise


def _span_of(text: str, word: str) -> tuple[int, int]:
    nt = normalise(text)
    start = nt.text.index(word)
    return nt.to_original(start, start + len(word))


def test_case_and_accents_are_folded() -> None:
    assert normalise("KÁNKER Één").text == "kanker een"


@pytest.mark.parametrize(
    ("text", "word", "original"),
    [
        ("jij k4nk3r lijer", "kanker", "k4nk3r"),
        ("wat een l00ser", "looser", "l00ser"),
        ("$let!", "slet", "$let"),
        ("jij bent een m0ng00l ja", "mongool", "m0ng00l"),
    ],
)
def test_leet_is_undone_and_spans_point_into_the_original(
    text: str, word: str, original: str
) -> None:
    start, end = _span_of(text, word)
    assert text[start:end] == original


def test_exclamation_mark_at_the_end_of_a_word_stays_punctuation() -> None:
    assert normalise("loser!").text == "loser!"
    assert normalise("d!k").text == "dik"


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("jij k a n k e r lijer", "kanker"),
        ("wat een m.o.n.g.o.o.l", "mongool"),
        ("k-a-n-k-e-r", "kanker"),
        ("t_e_r_i_n_g", "tering"),
    ],
)
def test_spaced_out_letters_are_joined_with_the_full_original_span(
    text: str, joined: str
) -> None:
    start, end = _span_of(text, joined)
    assert text[start:end].replace(" ", "").replace(".", "").replace("-", "").replace(
        "_", ""
    ) == joined


def test_repeated_letters_are_cut_to_two_and_span_covers_the_whole_run() -> None:
    text = "jij loooooser"
    assert normalise(text).text == "jij looser"
    start, end = _span_of(text, "looser")
    assert text[start:end] == "loooooser"


def test_masked_letter_becomes_a_wildcard() -> None:
    assert normalise("k*nker").text == "k_nker"
    assert normalise("k#nker").text == "k_nker"


def test_zero_width_characters_are_removed_but_offsets_still_fit() -> None:
    text = "kan\u200bker jij"
    nt = normalise(text)
    assert nt.text == "kanker jij"
    start, end = nt.to_original(0, 6)
    assert text[start:end] == "kan\u200bker"


def test_emoji_become_words_pointing_at_the_emoji() -> None:
    text = "jij 🐷 en 🤡"
    nt = normalise(text)
    assert "varken" in nt.text and "clown" in nt.text
    start = nt.text.index("varken")
    assert nt.to_original(start, start + len("varken")) == (4, 5)


def test_email_addresses_and_numbers_are_not_leet_decoded() -> None:
    text = "mail jan123@school.nl of bel 0612345678, IBAN NL91ABNA0417164300"
    nt = normalise(text)
    assert "jan123@school.nl" in nt.text
    assert "0612345678" in nt.text
    assert "nl91abna0417164300" in nt.text


def test_document_tokens_carry_original_offsets_after_normalisation() -> None:
    text = "Jij bent een K4NK3R-lijer 🤡"
    doc = Document(text)
    words = {t.text: text[t.start : t.end] for t in doc.tokens}
    assert words["kanker-lijer"] == "K4NK3R-lijer"
    assert words["clown"] == "🤡"


def test_linear_on_long_text() -> None:
    text = "jij k a n k e r lijer 🐷 loooser " * 3000
    nt = normalise(text)
    assert len(nt.origin) == len(nt.text)
    assert nt.to_original(len(nt.text) - 1, len(nt.text))[1] <= len(text)


def test_leet_candidates_are_the_runs_of_the_plain_pattern() -> None:
    """_WORDISH is written not to backtrack; it must find what the plain pattern finds."""
    plain = re.compile(r"[a-z0-9$@!*#]*[0-9$@!*#][a-z0-9$@!*#]*")
    rng = random.Random(7)
    samples = ["k4nk3r", "h0er en $let", "groep 7b", "06-12345678", "abc", "a1 b2c3!", ""]
    samples += ["".join(rng.choice("ab1$@!*# .-x9") for _ in range(rng.randint(0, 24)))
                for _ in range(5000)]
    for s in samples:
        assert [m.span() for m in _WORDISH.finditer(s)] == [m.span() for m in plain.finditer(s)]
