"""The lexicon matcher: inflection, squeeze, wildcard, fuzzy, compounds, glued words."""

from __future__ import annotations

import pytest

from classifiers.abuse.engine import default_engine
from classifiers.abuse.lexicon import Lexicon, squeeze
from classifiers.abuse.phrases import compile_pattern, load_phrases


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return default_engine().lexicon


def kinds(lexicon: Lexicon, token: str) -> set[str]:
    return {e.kind for p in lexicon.match(token) for e in p.entries}


def test_squeeze_collapses_every_repeat() -> None:
    assert squeeze("looser") == "loser"


@pytest.mark.parametrize(
    ("token", "lemma", "how"),
    [
        ("kankerlijer", "kankerlijer", "exact"),
        ("domme", "dom", "inflection"),
        ("looser", "loser", "squeeze"),
        ("k_nker", "kanker", "wildcard"),
        ("mongoool", "mongool", "squeeze"),
        ("idoot", "idioot", "fuzzy"),  # dropped letter
        ("sukekl", "sukkel", "fuzzy"),  # swapped letters
    ],
)
def test_readings(lexicon: Lexicon, token: str, lemma: str, how: str) -> None:
    pieces = lexicon.match(token)
    assert [(p.lemma, p.how) for p in pieces] == [(lemma, how)]


def test_ordinary_words_are_not_fuzzy_matched(lexicon: Lexicon) -> None:
    for word in ("banken", "janken", "dicht", "negeren", "kleren", "pesten"):
        assert not kinds(lexicon, word) & {"disease", "slur", "insult"}, word


def test_judgement_words_match_as_written_or_inflected_never_by_typo(lexicon: Lexicon) -> None:
    # judgements.tsv: "egocentrisch" and its inflection are read, a word one letter away is not
    assert "negadj" in kinds(lexicon, "egocentrisch")
    assert "negadj" in kinds(lexicon, "egocentrische")
    assert "negadj" not in kinds(lexicon, "egocentriesch")
    assert "negadj" not in kinds(lexicon, "gehaald")


def test_judgement_words_said_of_a_group_derogate_it() -> None:
    from classifiers.abuse import abuse_recognizers
    from classifiers.pipeline import Scorer

    scorer = Scorer(recognizers=abuse_recognizers(), model_path=None)
    flags = scorer.score("Die Turken zijn zo egocentrisch en hooghartig").flags
    assert [f.subtype for f in flags if f.category == "discrimination"] == ["derogation"]
    assert not scorer.score("Ik stuur het even naar de mentor van Bilal").flags


def test_curse_compounds(lexicon: Lexicon) -> None:
    printer = lexicon.match("kankerprinter")[0]
    assert printer.curse_prefix == "kanker" and printer.how == "compound"
    assert "health" in kinds(lexicon, "borstkanker")
    assert "health" in kinds(lexicon, "kankerbestrijding")
    assert "slur" in kinds(lexicon, "rotjood")
    assert "slur" in kinds(lexicon, "moslimtuig")


def test_glued_words_are_split_with_offsets(lexicon: Lexicon) -> None:
    pieces = lexicon.match("jijbentzodom")
    assert [p.lemma for p in pieces] == ["jij", "bent", "zo", "dom"]
    assert [(p.start, p.end) for p in pieces][-1] == (9, 12)


def test_slurs_carry_their_group(lexicon: Lexicon) -> None:
    entries = [e for p in lexicon.match("flikker") for e in p.entries if e.kind == "slur"]
    assert entries and entries[0].group == "orientation"


def test_every_phrase_in_the_data_compiles_and_has_a_message() -> None:
    engine = default_engine()
    for phrase in load_phrases():
        if phrase.category != "stance":
            assert (phrase.category, phrase.subtype) in engine.messages, phrase.id


def test_pattern_language() -> None:
    regex = compile_pattern("ik ..2 <you> dood|kapot")
    assert regex.search(",:ik ,:maak ,you,:je ,:kapot ")
    assert not regex.search(",:ik ,:maak ,:hem ,:kapot ")
    assert not regex.search(",:ik ,:maak # ,you,:je ,:kapot ")  # never across sentences


def test_bad_phrase_file_gives_a_clear_error(tmp_path) -> None:
    path = tmp_path / "phrases.tsv"
    path.write_text("x\tbullying\tinsult\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"phrases\.tsv:1"):
        load_phrases(path)
