"""Analysis on a Dask cluster: the batch's articles go to Dask workers, the results come back to be stored.

``DaskAnalyser`` has the shape of the batch's process pool (``submit`` a document,
get a ``concurrent.futures.Future`` of its analysis; ``capacity``; ``close``), so
``batch.ingest_batch`` reads, deduplicates and writes exactly as it does on one
machine: only the analysis moves. Each worker process loads the pipeline once,
from its own settings (its own GEO_GAZETTEER and GEO_SPACY_MODEL: a worker on
another host has its own paths), and keeps it for every later task.

Nothing is written by the workers. The client stores each analysis as it
returns, one transaction per article, idempotent by content hash; a task whose
worker dies is run again by the scheduler on another worker, and its result
still reaches the store once. Each task's key is the article id, so a document
submitted twice is analysed once.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from geo import settings as settings_module
from geo.errors import GeoError

if TYPE_CHECKING:
    from geo.analysis.pipeline import Pipeline
    from geo.sources.ingest import RawDocument
    from geo.types import Analysis

IN_FLIGHT_PER_THREAD = 4  # tasks queued per worker thread: keeps every worker busy without flooding the scheduler

_PIPELINE: Pipeline | None = None
_PIPELINE_LOCK = threading.Lock()


def analyse_on_worker(document: RawDocument) -> Analysis:
    """Run on a Dask worker: the pipeline is loaded at the first task and kept for the worker's life."""
    global _PIPELINE
    with _PIPELINE_LOCK:
        if _PIPELINE is None:
            from geo.analysis.pipeline import Pipeline

            _PIPELINE = Pipeline.load(settings_module.load())
        pipeline = _PIPELINE
    return pipeline.analyze(document)


class DaskAnalyser:
    """Send analyses to the Dask scheduler at ``address``, or to a local cluster of ``workers`` processes."""

    def __init__(self, address: str | None, *, workers: int = 2, timeout: float = 30.0) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as error:  # pragma: no cover - a dependency of the project
            raise GeoError("Distributed ingest needs the 'distributed' package (pip install distributed).") from error
        self._cluster: Any = None
        try:
            if address is None:
                self._cluster = LocalCluster(
                    n_workers=max(1, workers), threads_per_worker=1, processes=True, dashboard_address=None
                )
                self._client = Client(self._cluster, timeout=timeout)
            else:
                self._client = Client(address, timeout=timeout)
        except OSError as error:
            raise GeoError(f"Cannot reach the Dask scheduler at {address}: {error}.") from error
        threads = sum(self._client.nthreads().values()) or 1
        self.capacity = threads * IN_FLIGHT_PER_THREAD
        self._running: dict[str, Any] = {}  # Dask forgets a task whose future nobody holds: hold each until done
        self._lock = threading.Lock()

    def submit(self, document: RawDocument) -> Future[Analysis]:
        from geo.sources.ingest import article_id

        result: Future[Analysis] = Future()
        key = f"analyse-{article_id(document.text)}"
        task = self._client.submit(analyse_on_worker, document, key=key, retries=2)
        with self._lock:
            self._running[key] = task

        def done(finished: Any) -> None:  # on the client's thread, once the task has an outcome
            with self._lock:
                self._running.pop(key, None)
            try:
                result.set_result(finished.result())
            except BaseException as error:  # the article's own failure, reported with it
                result.set_exception(error)

        task.add_done_callback(done)
        return result

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()
