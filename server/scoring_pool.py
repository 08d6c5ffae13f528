"""Scoring off the event loop, in two pools: quick and deep (`Scoring`, at the end).

A pool (`ScorerPool`) has `workers >= 1`: that many scorer processes (spawned), each loading
one `Scorer` (and its model) once. The event loop talks to each process directly over a
socket pair with length-prefixed pickle frames: no executor, no manager or feeder thread, one
write and one read-ready callback per round trip. A slow text never blocks other requests.
`workers == 0`: one thread in the server process with one Scorer (tests, tiny installs).

Single checks that arrive while the workers are busy are sent together (micro-batching: one
round trip per batch instead of one per text); each worker has at most one job in flight.
Per-school thresholds are applied per text on a variant of the worker's Scorer that shares
its loaded models (`Scorer.with_thresholds`). Each worker keeps its own Scorer (`WorkerState`):
a process builds it from a picklable `ScorerSpec`, a thread from any factory.

A worker that dies (killed, out of memory) fails only the job it had in flight, with a clean
503 (`ScoringUnavailable`); it is restarted in the background while the other workers (or,
after the restart, the new one) take the queue. A worker that cannot start again a few times
in a row is given up, and checks then get the same 503 instead of waiting forever.
Closing the pool lets the workers finish their current job, then stops them.

`Scoring` holds the quick pool (today's pipeline) and the deep pool (adds the encoder): the
quick pool is started at once, the deep one in the background; deep requests are answered by
the quick pool (and say `"mode": "quick"`) until it is ready, or for good when the encoder file
is missing or unusable.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import multiprocessing
import pickle
import signal
import socket
import sys
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from classifiers.document import Context
from classifiers.judgement import Judgement
from classifiers.pipeline import Scorer
from server.errors import ApiError

log = logging.getLogger("denkna.scoring")

MODES = ("quick", "deep")
WARM_UP_TEXT = "Hoi allemaal, tot morgen!"
MAX_VARIANTS = 64  # threshold variants kept per worker
ScorerFactory = Callable[[], Scorer]


@dataclass(frozen=True)
class ScorerSpec:
    """What each worker of a pool builds: a Scorer in one mode. Picklable, so that a spawned
    worker process builds its own. `encoder_path` None: the shipped encoder artefact."""

    mode: str = "quick"
    encoder_path: str | None = None

    def __call__(self) -> Scorer:
        if self.encoder_path is None:
            return Scorer(mode=self.mode)
        return Scorer(mode=self.mode, encoder_path=self.encoder_path)


class _Captured(logging.Handler):
    """Keeps the warnings the scorer logs while it loads (the reason deep is unavailable)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class WorkerState:
    """One worker's Scorer (built on first use) and its variants with other thresholds, which
    share its recognizers and loaded models (`Scorer.with_thresholds`)."""

    def __init__(self, factory: ScorerFactory) -> None:
        self._factory = factory
        self._scorer: Scorer | None = None
        self._variants: dict[tuple[tuple[str, float], ...], Scorer] = {}

    @property
    def scorer(self) -> Scorer:
        if self._scorer is None:
            self._scorer = self._factory()
        return self._scorer

    def with_thresholds(self, thresholds: dict[str, float] | None) -> Scorer:
        if not thresholds:
            return self.scorer
        key = tuple(sorted(thresholds.items()))
        scorer = self._variants.get(key)
        if scorer is None:
            if len(self._variants) >= MAX_VARIANTS:
                self._variants.clear()
            scorer = self._variants[key] = self.scorer.with_thresholds(thresholds)
        return scorer

    def score_batch(
        self, items: list[tuple[str, Context | None]], thresholds: dict[str, float] | None
    ) -> list[Judgement]:
        scorer = self.with_thresholds(thresholds)
        return scorer.score_many([text for text, _ in items], [ctx for _, ctx in items])

    def score_mixed(
        self, items: list[tuple[str, Context | None, dict[str, float] | None]],
    ) -> list[Judgement]:
        """Several requests' texts in one round trip to the worker (each with its thresholds).
        Texts with the same thresholds are scored together (one batched model call)."""
        groups: dict[tuple[tuple[str, float], ...], list[int]] = {}
        for i, (_, _, thresholds) in enumerate(items):
            groups.setdefault(tuple(sorted((thresholds or {}).items())), []).append(i)
        out: list[Judgement | None] = [None] * len(items)
        for idx in groups.values():
            scorer = self.with_thresholds(items[idx[0]][2])
            judged = scorer.score_many([items[i][0] for i in idx], [items[i][1] for i in idx])
            for i, j in zip(idx, judged, strict=True):
                out[i] = j
        return out  # type: ignore[return-value]

    def warm_up(self) -> dict[str, str]:
        """Load the models (the encoder too, in deep mode) and every lexicon before the first
        request. Says what scores, the mode it really answers in and, when a deep scorer
        answers quick, why (the Dutch warning the scorer logged, naming the file)."""
        captured = _Captured()
        pipeline_log = logging.getLogger(Scorer.__module__)
        pipeline_log.addHandler(captured)
        try:
            scorer = self.scorer
            scorer.score(WARM_UP_TEXT)
            mode = scorer.mode
        finally:
            pipeline_log.removeHandler(captured)
        reason = ""
        if scorer.requested_mode == "deep" and mode != "deep":
            reason = next((m for m in captured.messages if "encoder" in m.lower()),
                          "De encoder kon niet worden geladen; zie het log van de server.")
        return {"model": scorer.model_name, "mode": mode, "reason": reason}

    def run(self, op: str, args: tuple[Any, ...]) -> Any:
        if op == "mixed":
            return self.score_mixed(*args)
        if op == "batch":
            return self.score_batch(*args)
        if op == "warm_up":
            return self.warm_up()
        raise ValueError(f"unknown scoring operation {op!r}")


# ----- the worker process ------------------------------------------------------------------
_HEADER = 4  # big-endian length of the pickled frame that follows


def _frame(obj: object) -> bytes:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return len(data).to_bytes(_HEADER, "big") + data


def _worker_main(sock: socket.socket, log_level: int = logging.WARNING,
                 factory: ScorerFactory = ScorerSpec()) -> None:
    """Serve jobs `(op, args)` from the socket until the server closes it (or dies)."""
    # Ctrl-C in a terminal and SIGTERM from systemd or `timeout` reach the whole process
    # group; they are for the server, which then closes our socket and we exit. Dying on them
    # ourselves made the server restart us while it shut down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # The server's log level, on stderr. Configured before the lexicons load: deduce calls
    # logging.basicConfig(stdout, DEBUG) on import, which would otherwise win here.
    logging.basicConfig(level=log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    state = WorkerState(factory)
    rfile = sock.makefile("rb")
    try:
        while True:
            header = rfile.read(_HEADER)
            if len(header) < _HEADER:
                return  # the server closed the channel
            op, args = pickle.loads(rfile.read(int.from_bytes(header, "big")))
            try:
                reply = _frame((True, state.run(op, args)))
            except Exception as exc:  # a bug in scoring: report it, keep serving
                # never the message or the arguments: they may contain the text
                where = traceback.extract_tb(exc.__traceback__)[-1]
                log.error("scoring failed: %s at %s:%s", type(exc).__name__, where.filename,
                          where.lineno)
                reply = _frame((False, RuntimeError(f"scoring failed: {type(exc).__name__}")))
            sock.sendall(reply)
    except (BrokenPipeError, ConnectionResetError):
        return
    finally:
        rfile.close()
        sock.close()


# ----- the server side ---------------------------------------------------------------------
class ScoringUnavailable(ApiError):
    """No scorer could take the job (a worker died with it, or none can start)."""

    def __init__(self) -> None:
        super().__init__(503, "scoring_unavailable",
                         "De controle is even niet beschikbaar; probeer het zo opnieuw.",
                         headers={"Retry-After": "1"})


class _WorkerLost(Exception):
    pass


class _Channel(asyncio.Protocol):
    """Parent end of a worker's socket: one reply frame per job, in order."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self._buf = bytearray()
        self._need = -1
        self._waiting: collections.deque[asyncio.Future[Any]] = collections.deque()
        self.lost = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        buf = self._buf
        buf += data
        while True:
            if self._need < 0:
                if len(buf) < _HEADER:
                    return
                self._need = int.from_bytes(buf[:_HEADER], "big")
                del buf[:_HEADER]
            if len(buf) < self._need:
                return
            ok, value = pickle.loads(buf[: self._need])
            del buf[: self._need]
            self._need = -1
            future = self._waiting.popleft()
            if future.done():
                continue
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

    def connection_lost(self, exc: Exception | None) -> None:
        while self._waiting:
            future = self._waiting.popleft()
            if not future.done():
                future.set_exception(_WorkerLost())
        if not self.lost.done():
            self.lost.set_result(None)

    @property
    def in_flight(self) -> list[asyncio.Future[Any]]:
        return [f for f in self._waiting if not f.done()]

    def call(self, op: str, args: tuple[Any, ...]) -> asyncio.Future[Any]:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if self.transport is None or self.transport.is_closing():
            future.set_exception(_WorkerLost())
            return future
        self._waiting.append(future)
        self.transport.write(_frame((op, args)))
        return future


class _ProcessWorker:
    START_TIMEOUT = 300.0  # loading the model on a busy machine can take a while

    def __init__(self, index: int, factory: ScorerFactory, name: str = "denkna-scorer") -> None:
        self.index = index
        self.factory = factory
        self.name = name
        self.process: multiprocessing.process.BaseProcess | None = None
        self.channel: _Channel | None = None

    async def start(self) -> dict[str, str]:
        loop = asyncio.get_running_loop()
        parent, child = socket.socketpair()
        ctx = multiprocessing.get_context("spawn")
        level = logging.getLogger().getEffectiveLevel()
        self.process = ctx.Process(target=_worker_main, args=(child, level, self.factory),
                                   daemon=True, name=f"{self.name}-{self.index}")
        try:
            self.process.start()
        finally:
            child.close()
        _, self.channel = await loop.connect_accepted_socket(_Channel, parent)
        return await asyncio.wait_for(self.call("warm_up", ()), self.START_TIMEOUT)

    async def call(self, op: str, args: tuple[Any, ...]) -> Any:
        assert self.channel is not None
        return await self.channel.call(op, args)

    @property
    def lost(self) -> asyncio.Future[None]:
        assert self.channel is not None
        return self.channel.lost

    async def stop(self, timeout: float = 10.0) -> None:
        """Let the job in flight finish, close the channel (the worker exits), reap it."""
        channel = self.channel
        if channel is not None and channel.transport is not None:
            if channel.in_flight:
                await asyncio.wait(channel.in_flight, timeout=timeout)
            channel.transport.close()
        proc = self.process
        if proc is None:
            return
        self.process = None  # ours to reap: a concurrent stop (close during a restart) skips it
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, proc.join, timeout)
        if proc.is_alive():
            proc.kill()
            await loop.run_in_executor(None, proc.join, 5.0)
        proc.close()


class _ThreadWorker:
    index = 0

    def __init__(self, factory: ScorerFactory, name: str = "denkna-score") -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._state = WorkerState(factory)
        self.lost: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def start(self) -> dict[str, str]:
        return await self.call("warm_up", ())  # type: ignore[no-any-return]

    async def call(self, op: str, args: tuple[Any, ...]) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._state.run,
                                                                op, args)

    async def stop(self, timeout: float = 10.0) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self._executor.shutdown, True)


@dataclass
class PoolInfo:
    kind: str
    workers: int
    model: str = ""
    ready: bool = False
    mode: str = "quick"  # the mode its scorers were asked for
    answers: str = ""  # the mode they really answer in (known once the first one started)
    reason: str = ""  # why a deep pool answers quick (Dutch, names the file)


MAX_MICRO_BATCH = 32
MAX_RESTARTS = 3  # failed starts in a row before a worker is given up
# a queued job: a single check (coalesced with others) or a list (sent alone)
_Single = tuple[str, Context | None, dict[str, float] | None, "asyncio.Future[Any]"]
_Many = tuple[list[tuple[str, Context | None]], dict[str, float] | None, "asyncio.Future[Any]"]


class ScorerPool:
    """`workers` scorer processes (0: one thread in this process), each with the Scorer that
    `factory` builds (default: quick, today's pipeline).

    A deep pool (`factory` builds deep scorers) starts one worker first: when that one cannot
    load the encoder (file missing or unusable) and would answer quick, it is stopped again and
    the pool stays not ready, with the reason in `info.reason`; the other workers are not
    started (the warning is logged once)."""

    def __init__(self, workers: int = 1, factory: ScorerFactory | None = None,
                 mode: str = "quick") -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        self.factory: ScorerFactory = factory if factory is not None else ScorerSpec(mode)
        self.info = PoolInfo(kind="process" if workers > 0 else "thread", workers=max(workers, 1),
                             mode=mode)
        self._workers: list[_ProcessWorker | _ThreadWorker] = []
        self._idle: list[_ProcessWorker | _ThreadWorker] = []
        self._queue: collections.deque[_Single | _Many] = collections.deque()
        self._tasks: set[asyncio.Task[None]] = set()
        self._started = False
        self._closing = False

    @property
    def started(self) -> bool:
        return self._started

    # ----- life cycle ----------------------------------------------------------------------
    def _make_workers(self) -> list[_ProcessWorker | _ThreadWorker]:
        name = f"denkna-{self.info.mode}"
        if self.info.kind == "process":
            return [_ProcessWorker(i, self.factory, name) for i in range(self.info.workers)]
        return [_ThreadWorker(self.factory, name)]

    async def start(self) -> None:
        workers = self._make_workers()
        self._workers = list(workers)
        try:
            first = await workers[0].start()
            self.info.model, self.info.answers = first["model"], first["mode"]
            if first["mode"] != self.info.mode:
                self.info.reason = first.get("reason", "")
                await workers[0].stop(1.0)
                self._workers = []
                self._started = True
                return
            await asyncio.gather(*(w.start() for w in workers[1:]))
        except BaseException:
            await asyncio.gather(*(w.stop(1.0) for w in workers), return_exceptions=True)
            self._workers = []
            raise
        for w in workers:
            self._watch(w)
        self._idle = list(workers)
        self._started = True
        self.info.ready = True

    async def close(self) -> None:
        self._closing = True
        self.info.ready = False
        self._fail_queue(ScoringUnavailable)
        await asyncio.gather(*(w.stop() for w in self._workers), return_exceptions=True)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._workers, self._idle = [], []

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _watch(self, worker: _ProcessWorker | _ThreadWorker) -> None:
        if isinstance(worker, _ProcessWorker):
            worker.lost.add_done_callback(lambda _: self._on_lost(worker))

    def _on_lost(self, worker: _ProcessWorker | _ThreadWorker) -> None:
        if self._closing:
            return
        if worker in self._idle:
            self._idle.remove(worker)
        log.error("scorer process %s-%d stopped unexpectedly; restarting it",
                  self.info.mode, worker.index)
        self._spawn(self._restart(worker))  # type: ignore[arg-type]

    async def _restart(self, worker: _ProcessWorker) -> None:
        for attempt in range(MAX_RESTARTS):
            with contextlib.suppress(Exception):
                await worker.stop(1.0)
            if self._closing:
                return
            try:
                await worker.start()
            except Exception:
                log.error("scorer process %d did not start (attempt %d)", worker.index,
                          attempt + 1)
                await asyncio.sleep(0.5 * (attempt + 1))
                continue
            if self._closing:
                with contextlib.suppress(Exception):
                    await worker.stop(1.0)
                return
            self._watch(worker)
            self._release(worker)
            return
        log.error("scorer process %d given up after %d failed starts", worker.index,
                  MAX_RESTARTS)
        with contextlib.suppress(Exception):
            await worker.stop(1.0)
        if worker in self._workers:
            self._workers.remove(worker)
        if not self._workers and not self._closing:
            self.info.ready = False
            self._fail_queue(ScoringUnavailable)

    def _fail_queue(self, error: type[Exception]) -> None:
        while self._queue:
            future = self._queue.popleft()[-1]
            if not future.done():
                future.set_exception(error())

    # ----- scoring -------------------------------------------------------------------------
    async def score(
        self, text: str, context: Context | None = None,
        thresholds: dict[str, float] | None = None,
    ) -> Judgement:
        future = self._enqueue((text, context, thresholds))
        return await future  # type: ignore[no-any-return]

    async def score_many(
        self, items: list[tuple[str, Context | None]],
        thresholds: dict[str, float] | None = None,
    ) -> list[Judgement]:
        if not items:
            return []
        future = self._enqueue((items, thresholds))
        return await future  # type: ignore[no-any-return]

    def _enqueue(self, job: tuple[Any, ...]) -> asyncio.Future[Any]:
        assert self._started, "ScorerPool.start() was not awaited"
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if self._closing or not self._workers:
            future.set_exception(ScoringUnavailable())
            return future
        self._queue.append((*job, future))  # type: ignore[arg-type]
        self._dispatch()
        return future

    def _dispatch(self) -> None:
        while self._idle and self._queue:
            head = self._queue[0]
            if len(head) == 3:  # a list: alone
                self._queue.popleft()
                items, thresholds, future = head  # type: ignore[misc]
                if future.done():
                    continue
                self._send(self._idle.pop(), "batch", (items, thresholds), [future], many=True)
                continue
            batch: list[_Single] = []
            while self._queue and len(batch) < MAX_MICRO_BATCH and len(self._queue[0]) == 4:
                single = self._queue.popleft()
                if not single[-1].done():
                    batch.append(single)  # type: ignore[arg-type]
            if batch:
                self._send(self._idle.pop(), "mixed", ([(t, c, th) for t, c, th, _ in batch],),
                           [f for *_, f in batch], many=False)

    def _send(self, worker: _ProcessWorker | _ThreadWorker, op: str, args: tuple[Any, ...],
              futures: list[asyncio.Future[Any]], many: bool) -> None:
        reply = asyncio.ensure_future(worker.call(op, args))

        def done(reply: asyncio.Future[Any]) -> None:
            lost = False
            if reply.cancelled():
                error: BaseException | None = ScoringUnavailable()
            else:
                error = reply.exception()
                if isinstance(error, _WorkerLost):
                    lost = True
                    error = ScoringUnavailable()
            if error is not None:
                for future in futures:
                    if not future.done():
                        future.set_exception(error)
            elif many:
                if not futures[0].done():
                    futures[0].set_result(reply.result())
            else:
                for future, judgement in zip(futures, reply.result(), strict=True):
                    if not future.done():
                        future.set_result(judgement)
            if not lost:
                self._release(worker)

        reply.add_done_callback(done)

    def _release(self, worker: _ProcessWorker | _ThreadWorker) -> None:
        if self._closing or worker not in self._workers:
            return
        self._idle.append(worker)
        self._dispatch()


# ----- the two pools -----------------------------------------------------------------------
DEEP_OFF = "De diepe controle staat uit in de instellingen (scoring.deep = false)."
DEEP_START_FAILED = ("De diepe controle kon niet starten ({error}); Denkna beoordeelt snel, "
                     "zonder encoder.")


class Scoring:
    """The server's scoring: a quick pool (rules and fastText, milliseconds) and a deep pool
    (adds the encoder, tens of milliseconds), both behind `score` / `score_many` with a mode.

    Only the quick pool is awaited at start. The deep pool loads in the background; until it is
    ready, deep requests are scored by the quick pool and their judgements say `"mode":
    "quick"`. So they are when the deep pool cannot load its encoder (missing or unusable file:
    the warning naming it is logged once), when deep is switched off, and when a deep worker is
    lost with the job (the quick pool answers instead of a 503)."""

    def __init__(self, quick: ScorerPool, deep: ScorerPool | None = None,
                 deep_off: str = DEEP_OFF) -> None:
        self.quick = quick
        self.deep = deep
        self.deep_reason = "" if deep is not None else deep_off
        self._deep_task: asyncio.Task[None] | None = None

    @property
    def info(self) -> PoolInfo:
        """The quick pool's info: without it nothing is scored."""
        return self.quick.info

    async def start(self) -> None:
        await self.quick.start()
        if self.deep is not None:
            self._deep_task = asyncio.create_task(self._start_deep(self.deep))

    async def _start_deep(self, deep: ScorerPool) -> None:
        try:
            await deep.start()
        except Exception as exc:
            self.deep_reason = DEEP_START_FAILED.format(error=type(exc).__name__)
            log.warning("%s", self.deep_reason)
            with contextlib.suppress(Exception):
                await deep.close()
            return
        if not deep.info.ready:
            self.deep_reason = deep.info.reason or "De encoder kon niet worden geladen."
            await deep.close()

    async def wait_deep(self) -> None:
        """Until the deep pool has started or given up (tests, benchmarks)."""
        if self._deep_task is not None:
            await asyncio.shield(self._deep_task)

    async def close(self) -> None:
        task = self._deep_task
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.deep is not None:
            await self.deep.close()
        await self.quick.close()

    @property
    def deep_state(self) -> str:
        """`loaded`, `loading` or `unavailable`."""
        if self.deep is None or self.deep_reason:
            return "unavailable"
        if self.deep.info.ready:
            return "loaded"
        return "unavailable" if self.deep.started else "loading"

    def deep_status(self) -> dict[str, Any]:
        state = self.deep_state
        out: dict[str, Any] = {"status": state}
        if state == "loaded" and self.deep is not None:
            out.update(name=self.deep.info.model, workers=self.deep.info.workers,
                       kind=self.deep.info.kind)
        elif state == "unavailable":
            out["reason"] = self.deep_reason or ("De diepe controle is uitgevallen; Denkna "
                                                 "beoordeelt snel, zonder encoder.")
        return out

    def _pool(self, mode: str) -> ScorerPool:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        if mode == "deep" and self.deep is not None and self.deep.info.ready:
            return self.deep
        return self.quick

    async def score(
        self, text: str, context: Context | None = None,
        thresholds: dict[str, float] | None = None, mode: str = "quick",
    ) -> Judgement:
        pool = self._pool(mode)
        try:
            return await pool.score(text, context, thresholds)
        except ScoringUnavailable:
            if pool is self.quick:
                raise
        return await self.quick.score(text, context, thresholds)

    async def score_many(
        self, items: list[tuple[str, Context | None]],
        thresholds: dict[str, float] | None = None, mode: str = "quick",
    ) -> list[Judgement]:
        pool = self._pool(mode)
        try:
            return await pool.score_many(items, thresholds)
        except ScoringUnavailable:
            if pool is self.quick:
                raise
        return await self.quick.score_many(items, thresholds)


def scoring_from_settings(settings: Any, deep_factory: ScorerFactory | None = None) -> Scoring:
    """Both pools as `[scoring]` says (server.config.ScoringSettings). `deep_factory`: what a
    deep worker builds instead of `Scorer(mode="deep")` (tests; picklable for processes)."""
    quick = ScorerPool(settings.workers, ScorerSpec("quick"), mode="quick")
    if not settings.deep:
        return Scoring(quick)
    factory = deep_factory or ScorerSpec("deep", settings.encoder_path)
    return Scoring(quick, ScorerPool(settings.deep_workers, factory, mode="deep"))
