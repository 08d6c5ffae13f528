"""Scoring off the event loop.

`workers >= 1`: that many scorer processes (spawned), each loading one `Scorer` (and its
model) once. The event loop talks to each process directly over a socket pair with
length-prefixed pickle frames: no executor, no manager or feeder thread, one write and one
read-ready callback per round trip. A slow text never blocks other requests.
`workers == 0`: one thread in the server process with one Scorer (tests, tiny installs).

Single checks that arrive while the workers are busy are sent together (micro-batching: one
round trip per batch instead of one per text); each worker has at most one job in flight.
Per-school thresholds are applied per text on a shallow copy of the process's Scorer.

A worker that dies (killed, out of memory) fails only the job it had in flight, with a clean
503 (`ScoringUnavailable`); it is restarted in the background while the other workers (or,
after the restart, the new one) take the queue. A worker that cannot start again a few times
in a row is given up, and checks then get the same 503 instead of waiting forever.
Closing the pool lets the workers finish their current job, then stops them.
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

_SCORER: Scorer | None = None  # one per worker process


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
    return scorer.score_many([text for text, _ in items], [ctx for _, ctx in items])


def score_mixed(
    items: list[tuple[str, Context | None, dict[str, float] | None]],
) -> list[Judgement]:
    """Several requests' texts in one round trip to the worker (each with its thresholds).
    Texts with the same thresholds are scored together (one batched model call)."""
    groups: dict[tuple[tuple[str, float], ...], list[int]] = {}
    for i, (_, _, thresholds) in enumerate(items):
        groups.setdefault(tuple(sorted((thresholds or {}).items())), []).append(i)
    out: list[Judgement | None] = [None] * len(items)
    for idx in groups.values():
        scorer = _with_thresholds(items[idx[0]][2])
        judged = scorer.score_many([items[i][0] for i in idx], [items[i][1] for i in idx])
        for i, j in zip(idx, judged, strict=True):
            out[i] = j
    return out  # type: ignore[return-value]


def model_name() -> str:
    return _scorer().model_name


def _warm_up() -> str:
    """Load the model and every lexicon before the first request (and say what scores)."""
    _scorer().score("Hoi allemaal, tot morgen!")
    return model_name()


_OPS: dict[str, Callable[..., Any]] = {
    "mixed": score_mixed,
    "batch": score_batch,
    "warm_up": _warm_up,
}


# ----- the worker process ------------------------------------------------------------------
_HEADER = 4  # big-endian length of the pickled frame that follows


def _frame(obj: object) -> bytes:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return len(data).to_bytes(_HEADER, "big") + data


def _worker_main(sock: socket.socket, log_level: int = logging.WARNING) -> None:
    """Serve jobs `(op, args)` from the socket until the server closes it (or dies)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server: it stops us
    # The server's log level, on stderr. Configured before the lexicons load: deduce calls
    # logging.basicConfig(stdout, DEBUG) on import, which would otherwise win here.
    logging.basicConfig(level=log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    rfile = sock.makefile("rb")
    try:
        while True:
            header = rfile.read(_HEADER)
            if len(header) < _HEADER:
                return  # the server closed the channel
            op, args = pickle.loads(rfile.read(int.from_bytes(header, "big")))
            try:
                reply = _frame((True, _OPS[op](*args)))
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

    def __init__(self, index: int) -> None:
        self.index = index
        self.process: multiprocessing.process.BaseProcess | None = None
        self.channel: _Channel | None = None

    async def start(self) -> str:
        loop = asyncio.get_running_loop()
        parent, child = socket.socketpair()
        ctx = multiprocessing.get_context("spawn")
        level = logging.getLogger().getEffectiveLevel()
        self.process = ctx.Process(target=_worker_main, args=(child, level), daemon=True,
                                   name=f"denkna-scorer-{self.index}")
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
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, proc.join, timeout)
        if proc.is_alive():
            proc.kill()
            await loop.run_in_executor(None, proc.join, 5.0)
        proc.close()
        self.process = None


class _ThreadWorker:
    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="denkna-score")
        self.lost: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def start(self) -> str:
        return await self.call("warm_up", ())

    async def call(self, op: str, args: tuple[Any, ...]) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._executor, _OPS[op], *args)

    async def stop(self, timeout: float = 10.0) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self._executor.shutdown, True)


@dataclass
class PoolInfo:
    kind: str
    workers: int
    model: str = ""
    ready: bool = False


MAX_MICRO_BATCH = 32
MAX_RESTARTS = 3  # failed starts in a row before a worker is given up
# a queued job: a single check (coalesced with others) or a list (sent alone)
_Single = tuple[str, Context | None, dict[str, float] | None, "asyncio.Future[Any]"]
_Many = tuple[list[tuple[str, Context | None]], dict[str, float] | None, "asyncio.Future[Any]"]


class ScorerPool:
    def __init__(self, workers: int = 1) -> None:
        self.info = PoolInfo(kind="process" if workers > 0 else "thread", workers=max(workers, 1))
        self._workers: list[_ProcessWorker | _ThreadWorker] = []
        self._idle: list[_ProcessWorker | _ThreadWorker] = []
        self._queue: collections.deque[_Single | _Many] = collections.deque()
        self._tasks: set[asyncio.Task[None]] = set()
        self._started = False
        self._closing = False

    # ----- life cycle ----------------------------------------------------------------------
    async def start(self) -> None:
        if self.info.kind == "process":
            workers: list[_ProcessWorker | _ThreadWorker] = [
                _ProcessWorker(i) for i in range(self.info.workers)]
        else:
            workers = [_ThreadWorker()]
        self._workers = workers
        try:
            names = await asyncio.gather(*(w.start() for w in workers))
        except BaseException:
            await asyncio.gather(*(w.stop(1.0) for w in workers), return_exceptions=True)
            raise
        self.info.model = names[0]
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
        log.error("scorer process %d stopped unexpectedly; restarting it", worker.index)  # type: ignore[union-attr]
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
