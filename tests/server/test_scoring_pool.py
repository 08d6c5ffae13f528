"""The scorer pool: worker processes on a socket channel, micro-batching, crash and shutdown."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from classifiers.document import Context
from classifiers.pipeline import Scorer
from server.scoring_pool import ScorerPool, ScoringUnavailable, _ProcessWorker

TEXTS = [
    "Morgen is de ouderavond om 19:30 in de aula.",
    "Jij bent echt een kankerlijer, ik maak je af",
    "Bel Sanne even op 0612345678 over de excursie.",
    "Wat een mooie sportdag, dank aan alle ouders die hielpen!",
]
BIG = "Jij bent een vieze kankerlijer en ik weet waar je woont. " * 1700


def _pid(pool: ScorerPool) -> int:
    worker = pool._workers[0]
    assert isinstance(worker, _ProcessWorker) and worker.process is not None
    pid = worker.process.pid
    assert pid is not None
    return pid


@pytest.fixture(scope="module")
def reference() -> Scorer:
    return Scorer()


@pytest.mark.slow
async def test_process_pool_answers_like_the_scorer_and_batches(reference: Scorer) -> None:
    pool = ScorerPool(1)
    await pool.start()
    try:
        assert pool.info.ready and pool.info.kind == "process" and pool.info.model
        ctxs = [Context(account_type="private"), None, Context(account_type="official"), None]
        thresholds = [None, {"bullying": 0.99}, None, {"profanity": 0.2}]
        jobs = [pool.score(TEXTS[i % 4], ctxs[i % 4], thresholds[i % 4]) for i in range(40)]
        got = await asyncio.gather(*jobs)
        for i, j in enumerate(got):
            scorer = (reference if thresholds[i % 4] is None else
                      Scorer(reference.recognizers, thresholds[i % 4],
                             predictor=reference.predictor, model_path=None))
            assert j == scorer.score(TEXTS[i % 4], ctxs[i % 4]), i
        many = await pool.score_many([(t, None) for t in TEXTS])
        assert many == [reference.score(t) for t in TEXTS]
        assert await pool.score_many([]) == []
        # a bug while scoring: a clean error without the text, and the worker goes on
        secret = "GEHEIMCONCEPT"
        with pytest.raises(RuntimeError) as info:
            await pool.score_many([(secret, None), (123, None)])  # type: ignore[list-item]
        assert "TypeError" in str(info.value) and secret not in repr(info.value.args)
        assert (await pool.score(TEXTS[1])).flags
    finally:
        await pool.close()


@pytest.mark.slow
async def test_a_killed_worker_fails_its_job_cleanly_and_comes_back() -> None:
    pool = ScorerPool(1)
    await pool.start()
    try:
        old = _pid(pool)
        slow = asyncio.ensure_future(pool.score_many([(BIG[:100_000], None)] * 4))
        waiting = asyncio.ensure_future(pool.score(TEXTS[1]))  # queued behind the slow job
        await asyncio.sleep(0.5)
        os.kill(old, signal.SIGKILL)
        with pytest.raises(ScoringUnavailable) as info:
            await asyncio.wait_for(slow, 30)
        assert info.value.status == 503
        # the queued check is answered by the restarted worker, not failed or hung
        j = await asyncio.wait_for(waiting, 120)
        assert any(f.category == "bullying" for f in j.flags)
        assert _pid(pool) != old and pool.info.ready
        assert (await pool.score(TEXTS[0])).flags == []
    finally:
        await pool.close()


@pytest.mark.slow
async def test_close_finishes_the_job_in_flight_and_stops_the_worker() -> None:
    pool = ScorerPool(1)
    await pool.start()
    pid = _pid(pool)
    job = asyncio.ensure_future(pool.score_many([(BIG[:100_000], None)]))
    await asyncio.sleep(0.3)
    await asyncio.wait_for(pool.close(), 60)
    assert len(job.result()) == 1  # answered, not dropped
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not pool.info.ready
    with pytest.raises(ScoringUnavailable):
        await pool.score(TEXTS[0])


async def test_thread_pool_scores_and_closes(reference: Scorer) -> None:
    pool = ScorerPool(0)
    await pool.start()
    try:
        assert pool.info.kind == "thread" and pool.info.ready
        got = await asyncio.gather(*(pool.score(t) for t in TEXTS * 3))
        assert got == [reference.score(t) for t in TEXTS * 3]
    finally:
        await pool.close()


@pytest.mark.slow
async def test_deep_processes_answer_deep_and_a_lost_deep_job_is_answered_quick() -> None:
    """The deep pool as deployed (a spawned process that builds the test judge): deep
    answers; when the deep worker dies with a job, that job is scored quick instead of a 503."""
    from server.scoring_pool import Scoring
    from tests.deep_judge import CONTEMPT, DeepTestScorer

    scoring = Scoring(ScorerPool(0), ScorerPool(1, DeepTestScorer(), mode="deep"))
    await scoring.start()
    try:
        assert scoring.deep_state in ("loading", "loaded")  # never blocks the start
        await asyncio.wait_for(scoring.wait_deep(), 120)
        assert scoring.deep_status()["status"] == "loaded"
        deep = await scoring.score(CONTEMPT, mode="deep")
        assert deep.mode == "deep" and any(f.category == "bullying" for f in deep.flags)
        quick = await scoring.score(CONTEMPT, mode="quick")
        assert quick.mode == "quick" and not quick.flags
        assert scoring.deep is not None
        pid = _pid(scoring.deep)
        job = asyncio.ensure_future(scoring.score_many([(BIG[:100_000], None)] * 4, mode="deep"))
        await asyncio.sleep(0.5)
        os.kill(pid, signal.SIGKILL)
        answered = await asyncio.wait_for(job, 120)
        assert [j.mode for j in answered] == ["quick"] * 4
    finally:
        await scoring.close()
