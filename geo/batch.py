"""Ingest many articles: read in the parent, analyse in a pool of worker processes, write in the parent.

``ingest_batch`` streams the targets (``geo.sources.ingest.expand``: a corpus is
read one line at a time), reads each item (files, corpus records, fetched
pages), skips text that is already stored or already seen in the batch (the
content hash is the article id, so a duplicate costs no analysis), sends the
rest in batches of ``GEO_BATCH_SIZE`` to ``workers`` processes that each load the
pipeline once and parse a batch with one ``nlp.pipe`` call, and saves the
analyses as they come back, those ready together in one transaction
(``Store.save_many``). Only a bounded window of articles is held at any time,
so memory does not grow with the corpus. Results are reported in input order,
one ``Outcome`` per item; a failure is reported with its reason and the batch
goes on.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from tqdm import tqdm

from geo import settings as settings_module
from geo.distributed import DaskAnalyser, analyse_batch, load_pipeline
from geo.errors import AnalysisTimeout, GeoError
from geo.sources.ingest import Failure, Item, RawDocument, article_id, count_hint, describe, expand, is_url, load
from geo.store import Store

if TYPE_CHECKING:
    from geo.analysis.pipeline import Pipeline
    from geo.sources.fetch import Fetcher
    from geo.types import Analysis

DEFAULT_WORKERS = min(2, os.cpu_count() or 1)
BATCHES_IN_FLIGHT_PER_WORKER = 2  # one being analysed, one waiting: no worker idles between batches
SAVE_RUN = 64  # analyses stored in one transaction at most


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one item: its article id (new or already stored), or the reason it failed."""

    name: str
    article_id: str | None = None
    duplicate: bool = False
    error: str | None = None


def ingest_batch(
    targets: Iterable[str | Path | Item],
    store: Store,
    *,
    config: settings_module.Settings | None = None,
    workers: int = DEFAULT_WORKERS,
    fetcher: Fetcher | None = None,
    progress: bool = True,
    report: Callable[[Outcome], None] | None = None,
    pipeline: Pipeline | None = None,
    urls_only: bool = False,
    scheduler: str | None = None,
    analyse: Callable[[RawDocument], Analysis] | None = None,
) -> list[Outcome]:
    """Read, analyse and store every article the targets name; ``report`` sees each outcome in input order.

    ``workers`` > 1 analyses in that many processes; otherwise the parent
    analyses, with ``analyse`` (one article at a time) or ``pipeline`` if given
    (else it loads one). ``urls_only`` refuses every target that is not an
    http(s) URL (see ``ingest.expand``). ``scheduler`` sends the analyses to a
    Dask cluster instead: a scheduler's address (``tcp://host:8786``), or
    ``"local"`` for a local cluster of ``workers`` processes
    (``geo.distributed``); reading and writing stay here.
    """
    config = config or settings_module.load()
    targets = list(targets)  # the command line's targets (not their articles): looked at more than once
    own_fetcher = fetcher is None and any(is_url(t) for t in targets)
    if own_fetcher:
        from geo.sources.fetch import Fetcher

        fetcher = Fetcher(config)
    try:
        items = expand(targets, fetcher=fetcher, limits=config, urls_only=urls_only)
        first = list(itertools.islice(items, 2))
        items = itertools.chain(first, items)
        outcomes: list[Outcome] = []
        total = count_hint(targets) if progress else 0
        bar = tqdm(total=total, unit="article", file=sys.stderr, disable=not progress, dynamic_ncols=True)
        engine: _Engine
        size = max(1, config.batch_size)
        if scheduler is not None:
            address = None if scheduler == "local" else scheduler
            engine = DaskAnalyser(address, workers=workers, timeout=config.timeout)
        elif analyse is not None:
            engine, size = _InProcess(lambda batch: [_one(analyse, d) for d in batch]), 1  # its own deadline each
        elif workers > 1 and len(first) > 1:  # a pool costs a model load per worker: not for a single article
            engine = _Pool(config, workers)
        else:
            from geo.analysis.pipeline import for_process

            engine = _InProcess((pipeline or for_process(config)).analyze_many)
        analyser = _Batcher(engine, size)

        def finish(outcome: Outcome) -> None:
            outcomes.append(outcome)
            if progress and bar.n >= bar.total:  # a feed held more entries than the estimate
                bar.total = bar.n + 1
            bar.update(1)
            if report is not None:
                report(outcome)

        pending: deque[tuple[str, str | None, Future[Analysis] | Outcome]] = deque()
        seen: set[str] = set()
        try:
            for item in items:
                if isinstance(item, Failure):
                    pending.append((item.name, None, Outcome(item.name, error=item.reason)))
                else:
                    try:
                        document = load(item, fetcher=fetcher, limits=config)
                    except Exception as error:  # one item's failure, whatever it is, is its own
                        pending.append((item.name, None, Outcome(item.name, error=describe(error))))
                    else:
                        ident = article_id(document.text)
                        if ident in seen or store.has_article(ident):
                            pending.append((item.name, ident, Outcome(item.name, ident, duplicate=True)))
                        else:
                            seen.add(ident)
                            pending.append((item.name, ident, analyser.submit(document)))
                while pending and (not isinstance(pending[0][2], Future) or len(pending) > analyser.capacity):
                    for outcome in _settle(pending, store, analyser):
                        finish(outcome)
            while pending:
                for outcome in _settle(pending, store, analyser):
                    finish(outcome)
        except BaseException:  # Ctrl-C, SIGTERM (geo.cli), a failing store: stop the workers, not wait for them
            engine.close(abort=True)
            raise
        else:
            engine.close()
        finally:
            bar.close()
        return outcomes
    finally:
        if own_fetcher and fetcher is not None:
            fetcher.close()


def _settle(
    pending: deque[tuple[str, str | None, Future[Analysis] | Outcome]], store: Store, analyser: _Batcher
) -> list[Outcome]:
    """The outcomes of the oldest entry and of every entry after it that is settled already (up to a
    batch): their analyses are stored in one transaction (``Store.save_many``), idempotent by content
    hash as one article's is."""
    first = pending[0][2]
    if isinstance(first, Future) and not first.done():
        analyser.flush()  # its batch may still be filling: send it rather than wait for more articles
        wait([first])
    run = [pending.popleft()]
    while pending and len(run) < SAVE_RUN:
        work = pending[0][2]
        if isinstance(work, Future) and not work.done():
            break
        run.append(pending.popleft())
    outcomes: list[Outcome | None] = []
    analyses: list[Analysis] = []
    for name, ident, work in run:
        if isinstance(work, Outcome):
            outcomes.append(work)
            continue
        try:
            analyses.append(work.result())
            outcomes.append(None)  # stored below
        except Exception as error:  # a bug in one article must not stop the batch
            outcomes.append(Outcome(name, ident, error=describe(error)))
    saved = iter(store.save_many(analyses) if analyses else [])
    settled = []
    for (name, ident, _), outcome in zip(run, outcomes, strict=True):
        if outcome is None:
            result = next(saved)
            outcome = Outcome(name, result) if isinstance(result, str) else Outcome(name, ident, error=describe(result))
        settled.append(outcome)
    return settled


# -- where batches are analysed: this process, a process pool, a Dask cluster ----------------------


class _Engine(Protocol):
    slots: int  # batches that may be out at once

    def submit_batch(self, documents: list[RawDocument]) -> Future[list[Analysis | GeoError]]: ...

    def close(self, *, abort: bool = False) -> None: ...  # abort: stop the workers now, their batches lost


class _Batcher:
    """Collect articles into batches for an engine and hand back one future per article."""

    def __init__(self, engine: _Engine, size: int) -> None:
        self._engine = engine
        self._size = size
        self._buffer: list[tuple[RawDocument, Future[Analysis]]] = []
        self.capacity = (engine.slots + 1) * size  # articles held before the oldest is waited for

    def submit(self, document: RawDocument) -> Future[Analysis]:
        future: Future[Analysis] = Future()
        self._buffer.append((document, future))
        if len(self._buffer) >= self._size:
            self.flush()
        return future

    def flush(self) -> None:
        batch, self._buffer = self._buffer, []
        if not batch:
            return
        try:
            done = self._engine.submit_batch([document for document, _ in batch])
        except Exception as error:
            for _, future in batch:
                future.set_exception(error)
            return

        def fan_out(finished: Future[list[Analysis | GeoError]]) -> None:
            try:
                results = finished.result()
            except BaseException as error:  # the whole batch failed (a worker died): each article says so
                for _, future in batch:
                    future.set_exception(error)
                return
            for (_, future), result in zip(batch, results, strict=True):
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)

        done.add_done_callback(fan_out)


def _one(analyse: Callable[[RawDocument], Analysis], document: RawDocument) -> Analysis | GeoError:
    try:
        return analyse(document)
    except GeoError as error:
        return error
    except Exception as error:
        return GeoError(describe(error))


class _InProcess:
    """Analyse each batch here, at once."""

    slots = 1

    def __init__(self, analyse_many: Callable[[list[RawDocument]], list[Analysis | GeoError]]) -> None:
        self._analyse_many = analyse_many

    def submit_batch(self, documents: list[RawDocument]) -> Future[list[Analysis | GeoError]]:
        future: Future[list[Analysis | GeoError]] = Future()
        try:
            future.set_result(self._analyse_many(documents))
        except Exception as error:
            future.set_exception(error)
        return future

    def close(self, *, abort: bool = False) -> None:
        pass


class _Pool:
    """A process pool whose workers each load the pipeline once (``pipeline.for_process``)."""

    def __init__(self, config: settings_module.Settings, workers: int) -> None:
        self._config = config
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self.slots = workers * BATCHES_IN_FLIGHT_PER_WORKER

    def submit_batch(self, documents: list[RawDocument]) -> Future[list[Analysis | GeoError]]:
        # Functions of geo.distributed, not of the pipeline's module: the parent only reads and writes,
        # and importing spaCy would cost it 90 MB.
        if self._pool is not None:
            try:
                return self._pool.submit(analyse_batch, documents)
            except BrokenProcessPool:
                # A worker died (killed, out of memory): its articles fail with that reason; start afresh.
                self._pool.shutdown(wait=False, cancel_futures=True)
        # spawn, not fork: a forked worker starts as a copy of the parent (its store, its pandas, the reads
        # in flight) and, counted by RSS, costs that again per worker; a spawned one imports only the
        # pipeline. The second or two it takes is paid once per worker, not per article.
        self._pool = ProcessPoolExecutor(
            self._workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=load_pipeline,
            initargs=(self._config,),
        )
        return self._pool.submit(analyse_batch, documents)

    def close(self, *, abort: bool = False) -> None:
        if self._pool is None:
            return
        if abort:  # no public way to stop a running task
            for process in list((getattr(self._pool, "_processes", None) or {}).values()):
                process.kill()
        self._pool.shutdown(wait=True, cancel_futures=True)


# -- the page's workers: a deadline per article --------------------------------------------------


def _load(config: settings_module.Settings) -> None:
    from geo.analysis.pipeline import for_process

    for_process(config)


def _ready() -> bool:
    from geo.analysis.pipeline import for_process

    return for_process() is not None


def _analyse(document: RawDocument) -> Analysis:
    from geo.analysis.pipeline import for_process

    return for_process().analyze(document)


# What a worker imports before it can load the model (about 1.2 s of CPU): the fork server imports it
# once, and each worker it forks, after a deadline's stop too, pays only the model load (about 0.4 s).
WORKER_PRELOAD = ["geo.batch", "geo.analysis.pipeline"]


def _worker_context() -> multiprocessing.context.BaseContext:
    if sys.platform != "linux":
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(WORKER_PRELOAD)  # read when the fork server starts (once per process)
    return context


class AnalysisWorkers:
    """Worker processes that analyse one article each within ``GEO_ANALYSIS_TIMEOUT`` seconds.

    The page shares one among its sessions: a runaway input burns a worker's
    core, not the server's, and after its deadline the workers are stopped and
    started afresh (an analysis cannot be interrupted inside spaCy any other
    way). The workers start from a fork server, not from the page's threaded
    process, and each loads the pipeline once before its first article.
    """

    def __init__(
        self,
        config: settings_module.Settings | None = None,
        workers: int = DEFAULT_WORKERS,
        task: Callable[[RawDocument], Analysis] = _analyse,
    ) -> None:
        self.config = config or settings_module.load()
        self._workers = max(1, workers)
        self._task = task  # a module-level function: the workers unpickle it by name
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        # An article waits here for a free worker, so its deadline counts its own analysis only, not
        # the analyses of other sessions queued before it (whose timeout would stop it with theirs).
        self._free = threading.BoundedSemaphore(self._workers)

    def _current(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                pool = ProcessPoolExecutor(
                    self._workers,
                    mp_context=_worker_context(),
                    initializer=_load,
                    initargs=(self.config,),
                )
                # Load the model before the first deadline starts: it is not the article's time.
                for ready in [pool.submit(_ready) for _ in range(self._workers)]:
                    ready.result()
                self._pool = pool
            return self._pool

    def analyse(self, document: RawDocument) -> Analysis:
        """The analysis of ``document``, or ``AnalysisTimeout`` once its deadline has passed.

        The deadline starts when a worker is free to take the article; waiting for one (other sessions'
        articles) is bounded by the same limit and, past it, the article is refused, not stopped."""
        limit = self.config.analysis_timeout
        if not self._free.acquire(timeout=limit):
            raise AnalysisTimeout(
                f"Every analysis worker stayed busy with other articles for {limit:g} s (GEO_ANALYSIS_TIMEOUT). "
                "Try again in a moment."
            )
        try:
            return self._run(document, limit)
        finally:
            self._free.release()

    def _run(self, document: RawDocument, limit: float) -> Analysis:
        for attempt in range(2):
            pool = self._current()
            future = pool.submit(self._task, document)
            try:
                return future.result(timeout=limit)
            except FutureTimeout:
                self._stop(pool)
                raise AnalysisTimeout(
                    f"The analysis took longer than {limit:g} s (GEO_ANALYSIS_TIMEOUT) and was stopped. "
                    "Split the article, or raise the limit."
                ) from None
            except BrokenProcessPool:
                replaced = self._pool is not pool  # stopped for another article's deadline: try once more
                self._stop(pool)
                if not replaced or attempt:
                    raise AnalysisTimeout(
                        "The analysis stopped: its worker process died (out of memory?). Try a shorter article."
                    ) from None
        raise AssertionError("unreachable")

    def _stop(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        for process in list(getattr(pool, "_processes", {}).values()):  # no public way to stop a running task
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
