"""Scoring off the event loop.

`workers >= 1`: a ProcessPoolExecutor (spawn) whose initializer builds one `Scorer` per
process, so a slow text never blocks other requests and the model loads once per process.
`workers == 0`: one thread in the server process with one Scorer (tests, tiny installs).
Per-school thresholds are applied per call on a shallow copy of the process's Scorer.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass

from classifiers.document import Context
from classifiers.judgement import Judgement
from classifiers.pipeline import Scorer

_SCORER: Scorer | None = None  # one per worker process (set by the initializer)


def _init_worker() -> None:
    global _SCORER
    _SCORER = Scorer()


def _scorer() -> Scorer:
    global _SCORER
    if _SCORER is None:
        _SCORER = Scorer()
    return _SCORER


_VARIANTS: dict[tuple[tuple[str, float], ...], Scorer] = {}


def _with_thresholds(thresholds: dict[str, float] | None) -> Scorer:
    """The process's Scorer, or a variant with other thresholds sharing its recognizers and
    loaded model (public constructor arguments only; cached per threshold set)."""
    base = _scorer()
    if not thresholds:
        return base
    key = tuple(sorted(thresholds.items()))
    scorer = _VARIANTS.get(key)
    if scorer is None:
        if len(_VARIANTS) > 64:
            _VARIANTS.clear()
        scorer = Scorer(base.recognizers, thresholds, predictor=base.predictor,
                        model_path=None)
        _VARIANTS[key] = scorer
    return scorer


def score_one(text: str, context: Context | None, thresholds: dict[str, float] | None) -> Judgement:
    return _with_thresholds(thresholds).score(text, context)


def score_batch(
    items: list[tuple[str, Context | None]], thresholds: dict[str, float] | None
) -> list[Judgement]:
    scorer = _with_thresholds(thresholds)
    return [scorer.score(text, ctx) for text, ctx in items]


def score_mixed(
    items: list[tuple[str, Context | None, dict[str, float] | None]],
) -> list[Judgement]:
    """Several requests' texts in one round trip to the worker (each with its thresholds)."""
    return [_with_thresholds(t).score(text, ctx) for text, ctx, t in items]


def model_name() -> str:
    return _scorer().model_name


@dataclass
class PoolInfo:
    kind: str
    workers: int
    model: str = ""
    ready: bool = False


MAX_MICRO_BATCH = 32
Pending = tuple[str, Context | None, dict[str, float] | None, "asyncio.Future[Judgement]"]


class ScorerPool:
    """Single checks that arrive while the workers are busy are sent together (micro-batching:
    one round trip per batch instead of one per text); at most `workers` batches in flight."""

    def __init__(self, workers: int = 1) -> None:
        self.info = PoolInfo(kind="process" if workers > 0 else "thread", workers=max(workers, 1))
        self._executor: Executor | None = None
        self._queue: list[Pending] = []
        self._pump: asyncio.Task[None] | None = None
        self._slots: asyncio.Semaphore | None = None
        self._running: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        if self.info.kind == "process":
            self._executor = ProcessPoolExecutor(
                max_workers=self.info.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
            )
        else:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="denkna-score")
        loop = asyncio.get_running_loop()
        # Warm up every worker: the model is loaded before the first request is served.
        names = await asyncio.gather(
            *(loop.run_in_executor(self._executor, model_name) for _ in range(self.info.workers))
        )
        self.info.model = names[0]
        self.info.ready = True

    async def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        self.info.ready = False

    async def score(
        self, text: str, context: Context | None = None,
        thresholds: dict[str, float] | None = None,
    ) -> Judgement:
        assert self._executor is not None, "ScorerPool.start() was not awaited"
        future: asyncio.Future[Judgement] = asyncio.get_running_loop().create_future()
        self._queue.append((text, context, thresholds, future))
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.info.workers)
        while self._queue:
            await self._slots.acquire()
            batch = self._queue[:MAX_MICRO_BATCH]
            del self._queue[:MAX_MICRO_BATCH]
            task = asyncio.create_task(self._run(batch))
            self._running.add(task)
            task.add_done_callback(self._running.discard)

    async def _run(self, batch: list[Pending]) -> None:
        assert self._slots is not None
        live = [item for item in batch if not item[3].done()]
        try:
            if not live:
                return
            loop = asyncio.get_running_loop()
            try:
                results = await loop.run_in_executor(
                    self._executor, score_mixed, [(t, c, th) for t, c, th, _ in live]
                )
            except Exception as exc:
                for *_, future in live:
                    if not future.done():
                        future.set_exception(exc)
                return
            for (*_, future), judgement in zip(live, results, strict=True):
                if not future.done():
                    future.set_result(judgement)
        finally:
            self._slots.release()

    async def score_many(
        self, items: list[tuple[str, Context | None]],
        thresholds: dict[str, float] | None = None,
    ) -> list[Judgement]:
        assert self._executor is not None, "ScorerPool.start() was not awaited"
        if not items:
            return []
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, score_batch, items, thresholds)
