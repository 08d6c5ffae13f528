"""The consent list as data (classifiers/personal_data/consent.py): which listed pupils a text
may name, the flag for a pupil without consent, and no flag for the name of one with consent.
A full name with a class, address or phone is marked even in a congratulation."""

from __future__ import annotations

from classifiers.document import Context
from classifiers.personal_data.consent import ConsentList, consented_spans, fold
from classifiers.pipeline import Scorer

SANNE = "Gefeliciteerd Sanne de Vries (groep 7, Lindenlaan 12 Utrecht, 06-12345678)!"
LISTED = ConsentList([("Sanne de Vries", False), ("Zoë Öztürk", True), ("Daan", False),
                      ("Emma Visser", True)])
_scorer: Scorer | None = None


def scorer() -> Scorer:
    global _scorer
    if _scorer is None:
        _scorer = Scorer(model_path=None)  # the rules: the list is a rule matter
    return _scorer


def marked(text: str, pupils: tuple[tuple[str, bool], ...] = ()) -> list[str]:
    j = scorer().score(text, Context(named_pupils=pupils))
    return [text[s.start:s.end] for f in j.flags for s in f.spans]


def test_fold_keeps_offsets() -> None:
    assert fold("Zoë ÖZTÜRK") == "zoe ozturk"
    assert len(fold("Ǆemal")) == len("Ǆemal")


def test_relevant_picks_only_the_named_pupils() -> None:
    assert LISTED.relevant(SANNE) == (("Sanne de Vries", False),)
    assert LISTED.relevant("Zoe ozturk won!") == (("Zoë Öztürk", True),)
    assert LISTED.relevant("Daan was er ook") == ()  # a first name alone names nobody
    assert LISTED.relevant("de Vries familie") == ()
    assert len(LISTED) == 3


def test_sanne_without_consent_with_consent_and_unlisted() -> None:
    assert "Sanne de Vries" in marked(SANNE)  # not on a list: full name + class and address
    assert "Sanne de Vries" in marked(SANNE, (("Sanne de Vries", False),))
    with_consent = marked(SANNE, (("Sanne de Vries", True),))
    assert "Sanne de Vries" not in with_consent and "06-12345678" in with_consent
    j = scorer().score(SANNE, Context(named_pupils=(("Sanne de Vries", False),)))
    assert "toestemmingslijst" in j.flags[0].reason and j.flags[0].severity == "high"


def test_the_name_alone() -> None:
    text = "Sanne de Vries heeft de tekenwedstrijd gewonnen!"
    assert marked(text, (("Sanne de Vries", True),)) == []
    assert marked(text, (("Sanne de Vries", False),)) == ["Sanne de Vries"]
    # case, accents and spacing as people type them
    typed = "gefeliciteerd sanne  de VRIES"
    assert marked(typed, (("Sanne de Vries", False),)) == ["sanne  de VRIES"]
    assert marked("Zoe Ozturk heeft gewonnen", (("Zoë Öztürk", False),)) == ["Zoe Ozturk"]


def test_two_pupils_with_one_name_no_consent_wins() -> None:
    from classifiers.document import Document

    doc = Document("Sanne de Vries", Context(named_pupils=(("Sanne de Vries", True),
                                                           ("Sanne de Vries", False))))
    assert consented_spans(doc) == []
