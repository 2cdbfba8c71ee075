"""Analysis on a Dask cluster: the batch's articles go to Dask workers, the results come back to be stored.

``DaskAnalyser`` has the shape of the batch's process pool (``submit_batch`` a list
of documents, get a ``concurrent.futures.Future`` of their analyses; ``slots``; ``close``), so
``batch.ingest_batch`` reads, deduplicates and writes exactly as it does on one
machine: only the analysis moves. Each worker process loads the pipeline once
(``geo.analysis.pipeline.for_process``) from its own settings (its own GEO_GAZETTEER and GEO_SPACY_MODEL: a worker on
another host has its own paths), and keeps it for every later task.

Nothing is written by the workers. The client stores the analyses as they
return, one transaction per returned batch, idempotent by content hash; a task whose
worker dies is run again by the scheduler on another worker, and its result
still reaches the store once. Each task's key is a hash of its articles' ids, so a
batch submitted twice (two ingests of one corpus at once) is analysed once.
"""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from geo.errors import GeoError

if TYPE_CHECKING:
    from geo.sources.ingest import RawDocument
    from geo.types import Analysis

BATCHES_PER_THREAD = 2  # batches queued per worker thread: keeps every worker busy without flooding the scheduler

# Dask's housekeeping, made rarer for a cluster whose tasks each take seconds: on a machine with as many
# cores as workers, every millisecond the scheduler, the nannies (both in the ingesting process) and the
# workers spend on it is taken from the analysis. Defaults: a worker samples its own stack every 10 ms for
# the dashboard's profile, each server checks its event loop every 20 ms, the nannies read their
# workers' memory every 100 ms, the system monitors every 500 ms. Workers started elsewhere
# (``dask worker``) keep their own configuration: see the README.
QUIET_DASK = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.worker.memory.monitor-interval": "1s",
}


def load_pipeline(config: Any = None) -> None:
    """A worker process's initializer: load its pipeline before the first batch."""
    from geo.analysis.pipeline import for_process

    for_process(config)


def analyse_batch(documents: list[RawDocument]) -> list[Analysis | GeoError]:
    """A worker's task: the batch's analyses (or failures) with the worker process's pipeline.

    Defined here, not in ``geo.analysis.pipeline``: a task's function is pickled by reference, and
    naming it here keeps the ingesting process (which only reads and writes) from importing spaCy.
    """
    from geo.analysis.pipeline import analyse_in_process

    return analyse_in_process(documents)


class DaskAnalyser:
    """Send analyses to the Dask scheduler at ``address``, or to a local cluster of ``workers`` processes."""

    def __init__(self, address: str | None, *, workers: int = 2, timeout: float = 30.0) -> None:
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError as error:  # pragma: no cover - a dependency of the project
            raise GeoError("Distributed ingest needs the 'distributed' package (pip install distributed).") from error
        self._cluster: Any = None
        self._running: dict[str, Any] = {}  # Dask forgets a task whose future nobody holds: hold each until done
        self._lock = threading.Lock()
        dask.config.set(QUIET_DASK)  # before the cluster starts: the nannies pass it on to their workers
        try:
            if address is None:
                self._cluster = LocalCluster(
                    n_workers=max(1, workers), threads_per_worker=1, processes=True, dashboard_address=None
                )
                self._client = Client(self._cluster, timeout=timeout)
            else:
                self._client = Client(address, timeout=timeout)
        except OSError as error:
            self.close(abort=True)
            raise GeoError(f"Cannot reach the Dask scheduler at {address}: {error}.") from error
        except BaseException:  # interrupted while the cluster starts: stop what has started
            self.close(abort=True)
            raise
        threads = sum(self._client.nthreads().values()) or 1
        self.slots = threads * BATCHES_PER_THREAD

    def submit_batch(self, documents: list[RawDocument]) -> Future[list[Analysis | GeoError]]:
        """The batch's analyses (or each one's failure), computed by one task on one worker."""
        from geo.sources.ingest import article_id

        result: Future[list[Analysis | GeoError]] = Future()
        ids = "".join(article_id(document.text) for document in documents)
        key = f"analyse-{hashlib.sha256(ids.encode('ascii')).hexdigest()[:24]}"
        task = self._client.submit(analyse_batch, documents, key=key, retries=2)
        with self._lock:
            self._running[key] = task

        def done(finished: Any) -> None:  # on the client's thread, once the task has an outcome
            with self._lock:
                self._running.pop(key, None)
            try:
                result.set_result(finished.result())
            except BaseException as error:  # the batch's own failure, reported with each of its articles
                result.set_exception(error)

        task.add_done_callback(done)
        return result

    def close(self, *, abort: bool = False) -> None:
        """Disconnect (the scheduler forgets this client's tasks: another client's, of the same keys, go
        on); a local cluster's workers stop, ``abort`` or not."""
        with self._lock:
            self._running.clear()
        client, cluster = getattr(self, "_client", None), self._cluster
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
