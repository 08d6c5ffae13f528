"""Scenario files drive the fakes; bad files get a clear Dutch error."""

from __future__ import annotations

from pathlib import Path

import pytest

from denkna_demo.fakes import FakePlatformServer, FakeWorld
from denkna_demo.fakes.scenario import Scenario, ScenarioRun
from server.platforms.facebook import FacebookConnector


async def test_derailing_thread_scenario_plays_into_the_fake() -> None:
    scenario = Scenario.load("ontsporende-draad")
    world = FakeWorld()
    run = ScenarioRun(world, scenario)
    await run.play(speed=200.0)
    assert run.applied == len(scenario.steps)
    account = world.accounts[run.keys["school"]]
    async with FakePlatformServer(world, "facebook") as server:
        conn = FacebookConnector(account_external_id=account.id, token=account.token,
                                 account_settings={"base_url": server.url,
                                                   "retry_base_delay": 0.001})
        async with conn:
            items, _ = await conn.list_new(None)
    texts = [c.text for c in items]
    assert len(items) == 8 and not world.faults[account.id]
    assert "Inderdaad, en die juf is ook niet best." in texts  # the edit
    replies = [c for c in items if c.parent_id == run.keys["c4"]]
    assert len(replies) == 2
    assert sum(c.author_id == account.id for c in items) == 1  # the school's own answer


def test_bad_scenario_files_explain_themselves(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\naccounts: [{key: a, platform: myspace}]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"accounts\.0\.platform"):
        Scenario.load(bad)
    bad.write_text("name: x\naccounts: []\nsteps: [{at: 1, edit: {comment: c, text: t}, "
                   "delete: {comment: c}}]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="precies één actie"):
        Scenario.load(bad)
    with pytest.raises(ValueError, match="bestaat niet"):
        Scenario.load(tmp_path / "nergens.yaml")
    bad.write_text("name: x\naccounts: [{key: a, platform: facebook}]\n"
                   "steps: [{at: 0, comment: {post: onbekend, text: hoi}}]\n", encoding="utf-8")
    run = ScenarioRun(FakeWorld(), Scenario.load(bad))
    with pytest.raises(ValueError, match="onbekende sleutel 'onbekend'"):
        run.apply_all()
