"""The always-on test tier's wall clock and CPU time, the CPU of every process it starts included.

    nice -n 5 .venv/bin/python bench/bench_tests.py [-- PYTEST ARGS]

Runs ``python -m pytest -ra -n 2 -m "<the Makefile's FAST>"`` as ``make test-fast`` does (two pytest-xdist
workers), or the pytest arguments after ``--`` (``-- -ra -m "..."`` for one process), as a
child subreaper (Linux ``prctl``), so processes orphaned by the tests (the page's analysis workers
live under a fork server that is never waited for) are waited for here and their CPU counted;
``/usr/bin/time`` misses them. Prints the wall clock, the CPU (user + system) of the whole tree and
the load average before and after: on a shared machine the wall clock says little, the CPU a lot.
"""

from __future__ import annotations

import ctypes
import os
import resource
import subprocess
import sys
import time

FAST = "not browser and not shared and not slow and not postgres"  # the Makefile's FAST
JOBS = "2"  # the Makefile's JOBS
PR_SET_CHILD_SUBREAPER = 36


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main(argv: list[str]) -> int:
    pytest_args = argv[argv.index("--") + 1 :] if "--" in argv else ["-ra", "-n", JOBS, "-m", FAST]
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        print("warning: not a subreaper; orphaned processes' CPU is not counted", file=sys.stderr)
    before = load_average()
    started = time.perf_counter()
    code = subprocess.call([sys.executable, "-m", "pytest", *pytest_args])
    while True:  # the orphans that were handed to this process
        try:
            os.wait()
        except ChildProcessError:
            break
    wall = time.perf_counter() - started
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"wall {wall:.1f} s, CPU {used.ru_utime + used.ru_stime:.1f} s (user {used.ru_utime:.1f}, "
        f"system {used.ru_stime:.1f}); load average before {before}, after {load_average()}; pytest exit {code}",
        file=sys.stderr,
    )
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
