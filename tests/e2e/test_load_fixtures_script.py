"""scripts/load_fixtures.py as a user runs it: a line per item, then a summary."""

from __future__ import annotations

import subprocess
import sys

from tests.e2e.conftest import REPO_ROOT
from usersnack.fixtures.loader import read_menu


def _run(env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "scripts/load_fixtures.py"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


async def test_progress_and_summary_on_first_and_second_run(clean_db, subprocess_env):
    menu = read_menu()
    pizzas = len(menu.pizzas)
    extras = len(menu.extras)
    ingredients = len(set(menu.ingredients) | {i for p in menu.pizzas for i in p.ingredients})

    first = _run(subprocess_env())

    for pizza in menu.pizzas:
        assert f"created    pizza       {pizza.name}\n" in first
    assert f"  pizzas       {pizzas} created, 0 updated, 0 unchanged" in first
    assert f"  extras       {extras} created, 0 updated, 0 unchanged" in first
    assert f"  ingredients  {ingredients} created, 0 updated, 0 unchanged" in first
    assert "the database now matches the fixture menu" in first

    from usersnack.menu.repository import MenuRepository

    meateor = await MenuRepository().get_pizza_by_name("Meateor")
    await MenuRepository().update_pizza(meateor, price=meateor.price + 1, images=meateor.images)

    second = _run(subprocess_env())

    assert "updated    pizza       Meateor\n" in second
    assert f"  pizzas       0 created, 1 updated, {pizzas - 1} unchanged" in second
    assert f"  extras       0 created, 0 updated, {extras} unchanged" in second

    third = _run(subprocess_env())
    assert "nothing to do: the database already matched the fixture menu" in third
    assert "created" not in third.split("fixture menu")[0]
