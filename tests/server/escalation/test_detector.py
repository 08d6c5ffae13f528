"""Derailment detection over scripted threads, comment by comment (as the listener sees them)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from server.escalation.detector import (
    FlagInfo,
    ScoredComment,
    ThreadHeat,
    Thresholds,
    advance,
    score_thread,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
INSULT = FlagInfo("bullying", "insult", "high", 0.9)
THREAT = FlagInfo("bullying", "threat", "high", 0.95)
SWEAR = FlagInfo("profanity", "swearing", "medium", 0.7)


def friendly(i: int, minutes: float) -> ScoredComment:
    return ScoredComment(f"f{i}", f"ouder{i % 17}", "adult", T0 + timedelta(minutes=minutes))


def replay(comments: list[ScoredComment], t: Thresholds | None = None) -> list[str]:
    """Feed comments one at a time; return every transition the detector made."""
    t = t or Thresholds()
    heat, seen, events = ThreadHeat(), [], []
    for c in comments:
        seen.append(c)
        result = score_thread(seen, thresholds=t, normal_per_hour=4)
        heat, ev = advance(heat, result, c.created_at, t)
        if ev:
            events.append(ev)
    return events


def derailing_thread() -> list[ScoredComment]:
    out = [friendly(i, i) for i in range(6)]
    m = 6.0
    for i in range(24):
        m += 0.5
        author = f"boos{i % 5}"
        flags = (INSULT,) if i % 3 else (SWEAR,)
        if i == 15:
            flags = (THREAT,)
        out.append(ScoredComment(f"d{i}", author, "adult", T0 + timedelta(minutes=m), flags,
                                 reply_to_author="meester_jan"))
        if i % 4 == 0:
            out.append(friendly(100 + i, m + 0.1))
    return out


def test_scripted_derailing_thread_opens_exactly_once() -> None:
    assert replay(derailing_thread()) == ["opened"]


def test_derailing_reasons_are_dutch_and_name_the_pile_on() -> None:
    result = score_thread(derailing_thread(), normal_per_hour=4)
    assert result.score >= 0.6
    codes = {r.code for r in result.reasons}
    assert {"share", "pile_on", "threat"} <= codes
    assert any("verschillende personen" in r for r in result.reasons_nl)
    assert "d15" in result.triggering


def test_calm_thread_with_200_friendly_comments_opens_none() -> None:
    assert replay([friendly(i, i * 0.2) for i in range(200)]) == []


def test_one_rude_comment_among_50_friendly_opens_none() -> None:
    comments = [friendly(i, i) for i in range(50)]
    comments[25] = ScoredComment("rude", "iemand", "adult", comments[25].created_at, (INSULT,))
    assert replay(comments) == []
    assert score_thread(comments).score < 0.3


def test_hysteresis_needs_a_calm_period_before_reopening() -> None:
    t = Thresholds(calm_after_minutes=30)
    thread = derailing_thread()
    last = thread[-1].created_at
    # 15 friendly comments right after: still hot, no second "opened"
    calm = [friendly(500 + i, (last - T0).total_seconds() / 60 + 1 + i) for i in range(60)]
    events = replay(thread + calm, t)
    assert events == ["opened", "calmed"]


def test_staff_replying_in_heated_thread_is_a_reason() -> None:
    thread = derailing_thread()[:14]
    thread.append(ScoredComment("staff", "juf_ans", "staff", T0 + timedelta(minutes=30)))
    result = score_thread(thread)
    assert "staff_reply" in {r.code for r in result.reasons}


def test_personal_data_about_pupils_is_a_reason() -> None:
    thread = [friendly(i, i) for i in range(10)]
    thread.append(ScoredComment("pd", "x", "adult", T0 + timedelta(minutes=11),
                                (FlagInfo("personal_data", "pupil_name", "medium"),)))
    result = score_thread(thread)
    assert "personal_data" in {r.code for r in result.reasons}
    assert result.score < 0.6  # alone it does not open a case


def test_bad_thresholds_give_a_clear_error() -> None:
    import pytest

    with pytest.raises(ValueError, match="calm_below"):
        Thresholds.from_mapping({"open_above": 0.2, "calm_below": 0.5})


def test_two_authors_escalating_against_each_other() -> None:
    thread = [friendly(i, i) for i in range(6)]
    for i in range(8):
        a, b = ("piet", "klaas") if i % 2 == 0 else ("klaas", "piet")
        thread.append(ScoredComment(f"x{i}", a, "adult", T0 + timedelta(minutes=10 + i),
                                    (SWEAR if i < 4 else INSULT,), reply_to_author=b))
    result = score_thread(thread)
    assert "duel" in {r.code for r in result.reasons}
    assert any("Twee personen" in r for r in result.reasons_nl)
    assert "pile_on" not in {r.code for r in result.reasons}  # two people is not a pile-on


def test_velocity_counts_only_against_the_normal_pace() -> None:
    burst = derailing_thread()
    fast = score_thread(burst, normal_per_hour=2)
    usual = score_thread(burst, normal_per_hour=500)
    assert "velocity" in {r.code for r in fast.reasons}
    assert "velocity" not in {r.code for r in usual.reasons}
    assert fast.score > usual.score
