"""tuned_for_serving: startup objects frozen, young collections rarer, all undone on exit.

Each test runs in a fresh interpreter: the collector is process-wide, and the test session's
own app (tests/conftest.py) keeps it tuned while it runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap


def _run(code: str) -> dict:
    script = textwrap.dedent("""
        import gc, json
        from usersnack.gc_tuning import YOUNG_GENERATION_THRESHOLD, tuned_for_serving

        def state():
            return {"frozen": gc.get_freeze_count(), "thresholds": list(gc.get_threshold())}

        seen = {"limit": YOUNG_GENERATION_THRESHOLD}
        """) + textwrap.dedent(code) + "\nprint(json.dumps(seen))\n"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(result.stdout)


def test_serving_freezes_what_startup_made_and_exit_restores_the_defaults():
    seen = _run("""
        import weakref

        class Node:
            pass

        seen["before"] = state()
        with tuned_for_serving():
            seen["serving"] = state()
            cycle = Node()
            cycle.itself = cycle
            watch = weakref.ref(cycle)
            del cycle
            gc.collect()
            seen["cycle_made_while_serving_collected"] = watch() is None
        seen["after"] = state()
        """)
    before, serving, after = seen["before"], seen["serving"], seen["after"]
    assert before["frozen"] == 0
    assert serving["frozen"] > 1000  # everything the interpreter held when serving began
    assert serving["thresholds"] == [seen["limit"], *before["thresholds"][1:]]
    assert seen["cycle_made_while_serving_collected"]
    assert after == before


def test_overlapping_apps_keep_the_tuning_until_the_last_one_stops():
    seen = _run("""
        first, second = tuned_for_serving(), tuned_for_serving()
        seen["before"] = state()
        first.__enter__()
        second.__enter__()
        first.__exit__(None, None, None)  # not in the order they started
        seen["one_still_serving"] = state()
        second.__exit__(None, None, None)
        seen["after"] = state()
        """)
    assert seen["one_still_serving"]["thresholds"][0] == seen["limit"]
    assert seen["one_still_serving"]["frozen"] > 0
    assert seen["after"] == seen["before"]
