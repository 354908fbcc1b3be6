"""Garbage-collector settings for a process that serves requests.

Measured under the benchmark's order load (BENCHMARKS.md): with Python's defaults the collector
ran a full collection about every 0.4 s, each one walking the hundred thousand objects the app
holds from startup on (modules, the ORM, pydantic schemas, FastAPI's routes) for some 30 ms in
which no request moved. Those pauses were the orders' p99 (about 40 ms against a p50 of 6 ms);
with the young collections, the collector took about a tenth of the app's CPU time.

While the app runs, two things change, and both are undone when it stops:

* what is alive when startup ends is frozen (`gc.freeze`): it lives as long as the process, so
  no collection walks it again;
* the youngest generation is collected after YOUNG_GENERATION_THRESHOLD new container objects
  instead of 700. A few dozen requests in flight hold a few thousand such objects between them,
  which set off a collection every few requests. Reference cycles are still collected, only in
  larger batches; the memory that waits for that is a few megabytes at most.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_GENERATION_THRESHOLD = 10_000

# Apps running in this process inside tuned_for_serving (tests run several at once): the first
# to start tunes, the last to stop restores the thresholds the first one found.
_serving = 0
_thresholds_before: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def tuned_for_serving() -> Iterator[None]:
    """Freeze the objects alive now and collect young objects less often, until exit."""
    global _serving, _thresholds_before
    if _serving == 0:
        _thresholds_before = gc.get_threshold()
        gc.collect()  # what is garbage already is freed, not frozen
        gc.freeze()
        gc.set_threshold(YOUNG_GENERATION_THRESHOLD, *_thresholds_before[1:])
    _serving += 1
    try:
        yield
    finally:
        _serving -= 1
        if _serving == 0:
            gc.set_threshold(*_thresholds_before)
            gc.unfreeze()
