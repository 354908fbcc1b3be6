"""The app's lifespan tunes the garbage collector for serving (usersnack/gc_tuning.py)."""

from __future__ import annotations

import gc

from usersnack.gc_tuning import YOUNG_GENERATION_THRESHOLD


async def test_a_running_app_has_frozen_its_startup_objects(client):
    assert (await client.get("/health")).status_code == 200
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == YOUNG_GENERATION_THRESHOLD
