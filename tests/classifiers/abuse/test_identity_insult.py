"""A group word used as an insult at one person is bullying and discrimination at once
(rules.IdentityInsultRule); the same words in a question, a kind remark, a fact about
someone or said of oneself are neither."""

from __future__ import annotations

import pytest

INSULTS = [
    "Wat een homo ben jij",
    "Wat ben jij een homo zeg",
    "wat ben je toch een autist",
    "Jij bent zo'n mocro",
    "Daan is zo'n homo",
    "ben jij gehandicapt ofzo?",
    "ben je homo of zo",
    "doe niet zo gehandicapt",
    "doe nou niet zo homo man",
    "jij jood",
    "hé homo",
    "jij vieze homo",
]

NOT_INSULTS = [
    "Ik ben homo en trots",
    "Jij bent toch moslim? Kom je ook naar de iftar?",
    "Ben jij ook moslim?",
    "Is Daan joods?",
    "Ben je joods of zo? Ik wist het niet.",
    "Mijn broer is homo",
    "Daan is autist en krijgt extra tijd bij toetsen",
    "Jij bent echt een Marokkaan, je kookt zo lekker",
    "Wat een mooie moslima ben jij in die jurk",
    "Jij bent zo'n Turkse jongen die altijd helpt",
    "Ik zeg niet dat jij een homo bent",
    'Zij zei: "wat een homo ben jij", dat is gemeen',
    "Wat ben jij een goede vriend",
]


@pytest.mark.parametrize("text", INSULTS)
def test_identity_word_thrown_at_a_person_is_bullying_and_discrimination(judge, text) -> None:
    assert {"bullying", "discrimination"} <= judge.categories(text)
    flag = judge.flag(text, "discrimination")
    assert flag.subtype in {"slur", "derogation"}


@pytest.mark.parametrize("text", NOT_INSULTS)
def test_identity_word_in_a_question_fact_or_kind_remark_is_no_insult(judge, text) -> None:
    assert not {"bullying", "discrimination"} & judge.categories(text)


def test_the_span_is_the_identity_word(judge) -> None:
    assert judge.flagged_words("Wat een homo ben jij", "bullying") == ["homo"]
