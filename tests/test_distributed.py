"""Ingest on a real Dask cluster: a scheduler and two workers as separate processes on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser_support import free_port

pytestmark = pytest.mark.slow

PORTS = ("Valletta", "Piraeus", "Heraklion", "Limassol", "Split", "Bari", "Genoa", "Marseille", "Tangier", "Oran")


def corpus(path: Path) -> list[str]:
    """Ten short articles written for this test, one bad line, and a repeat of the first article."""
    lines = [
        json.dumps(
            {
                "id": f"port-{n}",
                "title": f"Harbour works in {port}",
                "text": f"Harbour works in {port}\n\nOfficials in {port} said on Monday that the container "
                f"terminal would reopen next week, after repairs that took {n + 2} months.",
            }
        )
        for n, port in enumerate(PORTS)
    ]
    lines.insert(4, "{not json")
    lines.append(lines[0])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


@dataclass
class Cluster:
    address: str
    workers: list[subprocess.Popen]


def _dask(*args: str) -> subprocess.Popen:
    command = [str(Path(sys.executable).with_name("dask")), *args]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler = _dask("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")
    workers = [
        _dask("worker", address, "--nworkers", "1", "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard")
        for _ in range(2)
    ]
    try:
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield Cluster(address, workers)
    finally:
        for process in [*workers, scheduler]:
            process.terminate()
        for process in [*workers, scheduler]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def stored_ids(database: Path) -> list[str]:
    with sqlite3.connect(database) as db:
        return [row[0] for row in db.execute("SELECT id FROM articles ORDER BY id")]


def test_ingest_on_two_dask_workers_stores_each_article_once(cluster: Cluster, tmp_path: Path) -> None:
    corpus(tmp_path / "ports.jsonl")
    env = {**os.environ, "GEO_DATABASE": str(tmp_path / "db.sqlite")}
    command = [sys.executable, "-m", "geo", "ingest", str(tmp_path / "ports.jsonl"), "--scheduler", cluster.address]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert first.returncode == 1, first.stderr  # the bad line fails; the batch goes on
    assert "ports.jsonl:5: not JSON" in first.stderr
    ids = first.stdout.split()
    assert len(ids) == 11 and ids[0] == ids[-1]  # the repeat prints the stored id again
    assert stored_ids(tmp_path / "db.sqlite") == sorted(set(ids)) and len(set(ids)) == 10
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert again.stdout.split() == ids  # nothing analysed twice, nothing stored twice
    assert stored_ids(tmp_path / "db.sqlite") == sorted(set(ids))


def test_a_worker_killed_mid_ingest_loses_and_duplicates_nothing(cluster: Cluster, tmp_path: Path) -> None:
    corpus(tmp_path / "ports.jsonl")
    # Batches of two: the first is stored while the workers still hold the others.
    env = {**os.environ, "GEO_DATABASE": str(tmp_path / "db.sqlite"), "GEO_BATCH_SIZE": "2"}
    command = [sys.executable, "-m", "geo", "ingest", str(tmp_path / "ports.jsonl"), "--scheduler", cluster.address]
    # stderr to a file and stdout read through one buffer: communicate() after readline() would read the
    # pipe beneath the buffer and lose the lines readline() had already taken in.
    with (tmp_path / "stderr.txt").open("w") as err:
        run = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=err, text=True)
        assert run.stdout is not None
        first_id = run.stdout.readline().strip()  # one article is stored: the workers are busy with the rest
        assert len(first_id) == 16
        os.kill(cluster.workers[0].pid, signal.SIGKILL)
        rest = run.stdout.read()
        run.wait(timeout=600)
    errors = (tmp_path / "stderr.txt").read_text()
    ids = [first_id, *rest.split()]
    assert run.returncode == 1, errors  # only the bad line
    assert errors.count("error:") == 1 and "not JSON" in errors
    assert len(ids) == 11 and len(set(ids)) == 10, (ids, errors[-3000:])  # the repeat prints its id again
    assert stored_ids(tmp_path / "db.sqlite") == sorted(set(ids))
    assert not duplicated_rows(tmp_path / "db.sqlite")


def duplicated_rows(database: Path) -> list[tuple]:
    """Passages or mentions stored twice for one article."""
    with sqlite3.connect(database) as db:
        return [
            *db.execute("SELECT article_id, idx FROM passages GROUP BY 1, 2 HAVING count(*) > 1"),
            *db.execute('SELECT article_id, start, "end" FROM mentions GROUP BY 1, 2, 3 HAVING count(*) > 1'),
        ]


def test_two_ingests_at_once_store_each_article_once(cluster: Cluster, tmp_path: Path) -> None:
    corpus(tmp_path / "ports.jsonl")
    env = {**os.environ, "GEO_DATABASE": str(tmp_path / "db.sqlite"), "GEO_BATCH_SIZE": "3"}
    command = [sys.executable, "-m", "geo", "ingest", str(tmp_path / "ports.jsonl"), "--scheduler", cluster.address]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in "ab"]
    (first, first_err), (second, second_err) = (run.communicate(timeout=600) for run in runs)
    assert [run.returncode for run in runs] == [1, 1], first_err + second_err  # only the bad line fails
    assert first.split() == second.split() and len(set(first.split())) == 10  # each run reports every article
    assert stored_ids(tmp_path / "db.sqlite") == sorted(set(first.split()))
    with sqlite3.connect(tmp_path / "db.sqlite") as db:
        assert db.execute("SELECT count(*) FROM mentions").fetchone()[0] > 0
    assert not duplicated_rows(tmp_path / "db.sqlite")


def test_a_local_cluster_with_workers(tmp_path: Path) -> None:
    corpus(tmp_path / "ports.jsonl")
    env = {**os.environ, "GEO_DATABASE": str(tmp_path / "db.sqlite")}
    command = [sys.executable, "-m", "geo", "ingest", str(tmp_path / "ports.jsonl"), "--scheduler", "local"]
    started = time.monotonic()
    done = subprocess.run([*command, "--workers", "2"], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stderr
    assert len(set(done.stdout.split())) == 10, (done.stdout, done.stderr, time.monotonic() - started)


@pytest.mark.parametrize("engine", [["--scheduler", "local"], []], ids=["dask-local-cluster", "process-pool"])
def test_sigterm_stops_the_ingest_and_every_worker_process(engine: list[str], tmp_path: Path) -> None:
    """A service manager stops ``geo ingest`` with SIGTERM: its worker processes (a local Dask cluster's,
    or the process pool's) stop with it, none left running."""
    import threading

    import psutil

    texts = [
        f"Harbour works in {port}\n\nOfficials in {port} said on day {n} that the terminal would reopen after "
        f"repairs that took {n + 2} months."
        for n, port in ((n, PORTS[n % len(PORTS)]) for n in range(400))
    ]
    lines = [json.dumps({"text": text}) for text in texts]
    (tmp_path / "many.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {**os.environ, "GEO_DATABASE": str(tmp_path / "db.sqlite")}
    command = [sys.executable, "-m", "geo", "ingest", str(tmp_path / "many.jsonl"), "--no-progress", "--workers", "2"]
    log = (tmp_path / "stderr.txt").open("w")
    ingest = subprocess.Popen([*command, *engine], env=env, stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        first: list[str] = []
        reader = threading.Thread(target=lambda: first.append(ingest.stdout.readline()), daemon=True)  # type: ignore[union-attr]
        reader.start()
        reader.join(timeout=300)  # the first article stored: the workers are up and analysing
        assert first and first[0].strip(), (tmp_path / "stderr.txt").read_text()
        children = psutil.Process(ingest.pid).children(recursive=True)
        assert len(children) >= 2
        ingest.send_signal(signal.SIGTERM)
        code = ingest.wait(timeout=120)
    finally:
        if ingest.poll() is None:
            ingest.kill()
        log.close()
    _, alive = psutil.wait_procs(children, timeout=30)
    survivors = [" ".join(process.cmdline())[:120] for process in alive]
    for process in alive:
        process.kill()
    assert not survivors
    assert code == 128 + signal.SIGTERM, (tmp_path / "stderr.txt").read_text()[-2000:]
    assert len(stored_ids(tmp_path / "db.sqlite")) < len(lines)  # stopped before the end
