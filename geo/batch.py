"""Ingest many articles: read in the parent, analyse in a pool of worker processes, write in the parent.

``ingest_batch`` expands the targets (``geo.sources.ingest.expand``), reads each item
(files, corpus records, fetched pages), skips text that is already stored or
already seen in the batch (the content hash is the article id, so a duplicate
costs no analysis), sends the rest to ``workers`` processes that each load the
pipeline once, and saves each analysis in one transaction as it comes back.
Results are reported in input order, one ``Outcome`` per item; a failure is
reported with its reason and the batch goes on.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from geo import settings as settings_module
from geo.distributed import DaskAnalyser
from geo.errors import AnalysisTimeout
from geo.sources.ingest import Failure, Item, RawDocument, article_id, describe, expand, is_url, load
from geo.store import Store

if TYPE_CHECKING:
    from geo.analysis.pipeline import Pipeline
    from geo.sources.fetch import Fetcher
    from geo.types import Analysis

DEFAULT_WORKERS = min(2, os.cpu_count() or 1)
IN_FLIGHT_PER_WORKER = 4  # articles queued per worker: keeps both busy without holding the whole batch


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
    analyses, with ``analyse`` or ``pipeline`` if given (else it loads one).
    ``urls_only`` refuses every target that is not an http(s) URL (see ``ingest.expand``).
    ``scheduler`` sends the analyses to a Dask cluster instead: a scheduler's
    address (``tcp://host:8786``), or ``"local"`` for a local cluster of
    ``workers`` processes (``geo.distributed``); reading and writing stay here.
    """
    config = config or settings_module.load()
    targets = list(targets)  # read twice below: a generator would be spent by the first look
    own_fetcher = fetcher is None and any(is_url(t) for t in targets)
    if own_fetcher:
        from geo.sources.fetch import Fetcher

        fetcher = Fetcher(config)
    try:
        items = list(expand(targets, fetcher=fetcher, limits=config, urls_only=urls_only))
        outcomes: list[Outcome] = []
        bar = tqdm(total=len(items), unit="article", file=sys.stderr, disable=not progress, dynamic_ncols=True)
        # A pool costs a model load per worker: not worth it for a single article.
        analyser: _Analyser | DaskAnalyser
        if scheduler is not None:
            address = None if scheduler == "local" else scheduler
            analyser = DaskAnalyser(address, workers=workers, timeout=config.timeout)
        else:
            analyser = _Analyser(config, min(workers, len(items)), pipeline, analyse)

        def finish(outcome: Outcome) -> None:
            outcomes.append(outcome)
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
                    finish(_settle(pending.popleft(), store))
            while pending:
                finish(_settle(pending.popleft(), store))
        finally:
            analyser.close()
            bar.close()
        return outcomes
    finally:
        if own_fetcher and fetcher is not None:
            fetcher.close()


def _settle(entry: tuple[str, str | None, Future[Analysis] | Outcome], store: Store) -> Outcome:
    name, ident, work = entry
    if isinstance(work, Outcome):
        return work
    try:
        analysis = work.result()
        return Outcome(name, store.save(analysis))
    except Exception as error:  # a bug in one article must not stop the batch
        return Outcome(name, ident, error=describe(error))


# -- the worker side ---------------------------------------------------------------------------

_PIPELINE: Pipeline | None = None


def _load_pipeline(config: settings_module.Settings) -> None:
    global _PIPELINE
    from geo.analysis.pipeline import Pipeline

    _PIPELINE = Pipeline.load(config)


def _analyse(document: RawDocument) -> Analysis:
    assert _PIPELINE is not None, "the worker's pipeline is not loaded"
    return _PIPELINE.analyze(document)


class _Analyser:
    """A process pool whose workers each load the pipeline once; with ``workers <= 1``, the parent analyses."""

    def __init__(
        self,
        config: settings_module.Settings,
        workers: int,
        pipeline: Pipeline | None = None,
        analyse: Callable[[RawDocument], Analysis] | None = None,
    ) -> None:
        self._config = config
        self._pipeline = pipeline
        self._analyse = analyse
        if analyse is not None:
            workers = 1  # the callable brings its own processes (AnalysisWorkers)
        self._pool: ProcessPoolExecutor | None = None
        self._workers = max(1, workers)
        self.capacity = self._workers * IN_FLIGHT_PER_WORKER if workers > 1 else 0

    def submit(self, document: RawDocument) -> Future[Analysis]:
        if self._workers <= 1:
            future: Future[Analysis] = Future()
            try:
                if self._analyse is not None:
                    future.set_result(self._analyse(document))
                    return future
                if self._pipeline is None:
                    if _PIPELINE is None:
                        _load_pipeline(self._config)
                    self._pipeline = _PIPELINE
                assert self._pipeline is not None
                future.set_result(self._pipeline.analyze(document))
            except Exception as error:
                future.set_exception(error)
            return future
        if self._pool is not None:
            try:
                return self._pool.submit(_analyse, document)
            except BrokenProcessPool:
                # A worker died (killed, out of memory): its articles fail with that reason; start afresh.
                self._pool.shutdown(wait=False, cancel_futures=True)
        # fork: workers start in milliseconds and share the parent's imported modules.
        context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
        self._pool = ProcessPoolExecutor(
            self._workers, mp_context=context, initializer=_load_pipeline, initargs=(self._config,)
        )
        return self._pool.submit(_analyse, document)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


# -- the page's workers: a deadline per article --------------------------------------------------


def _ready() -> bool:
    return _PIPELINE is not None


class AnalysisWorkers:
    """Worker processes that analyse one article each within ``GEO_ANALYSIS_TIMEOUT`` seconds.

    The page shares one among its sessions: a runaway input burns a worker's
    core, not the server's, and after its deadline the workers are stopped and
    started afresh (an analysis cannot be interrupted inside spaCy any other
    way). The workers start from a fork server, not from the page's threaded
    process, and each loads the pipeline once before its first article.
    """

    def __init__(self, config: settings_module.Settings | None = None, workers: int = DEFAULT_WORKERS) -> None:
        self.config = config or settings_module.load()
        self._workers = max(1, workers)
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    def _current(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                method = "forkserver" if sys.platform == "linux" else "spawn"
                pool = ProcessPoolExecutor(
                    self._workers,
                    mp_context=multiprocessing.get_context(method),
                    initializer=_load_pipeline,
                    initargs=(self.config,),
                )
                # Load the model before the first deadline starts: it is not the article's time.
                for ready in [pool.submit(_ready) for _ in range(self._workers)]:
                    ready.result()
                self._pool = pool
            return self._pool

    def analyse(self, document: RawDocument) -> Analysis:
        """The analysis of ``document``, or ``AnalysisTimeout`` once its deadline has passed."""
        limit = self.config.analysis_timeout
        for attempt in range(2):
            pool = self._current()
            future = pool.submit(_analyse, document)
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
