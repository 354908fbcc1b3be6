from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from tests.factories import menu_changed
from usersnack.fixtures.loader import MENU_FILE, load_menu, read_menu

MEDIA_ROOT = Path(__file__).resolve().parents[2] / "media"


def test_fixture_menu_meets_the_brief():
    menu = read_menu()
    assert len(menu.pizzas) >= 12
    assert len(menu.extras) >= 6
    assert all(len(pizza.ingredients) >= 2 and pizza.images for pizza in menu.pizzas)
    assert any(offer.is_free for pizza in menu.pizzas for offer in pizza.extras)
    all_extras = {extra.name for extra in menu.extras}
    assert any({offer.name for offer in pizza.extras} < all_extras for pizza in menu.pizzas)


def test_fixture_images_are_real_images():
    for pizza in read_menu().pizzas:
        for key in pizza.images:
            with Image.open(MEDIA_ROOT / key) as image:
                image.verify()
                assert image.format in {"JPEG", "PNG", "WEBP"}


async def test_loading_twice_changes_nothing(client):
    first = await load_menu()
    menu_changed()
    assert first.counts["pizzas created"] == len(read_menu().pizzas)
    before = (await client.get("/v1/pizzas?limit=100")).json()

    second = await load_menu()

    assert not second.changed_anything, second.summary()
    assert (await client.get("/v1/pizzas?limit=100")).json() == before


async def test_loader_brings_changed_items_in_line(client, tmp_path):
    await load_menu()
    data = json.loads(MENU_FILE.read_text())
    data["pizzas"][0]["price"] = "42.00"
    changed = tmp_path / "menu.json"
    changed.write_text(json.dumps(data))

    report = await load_menu(changed)
    menu_changed()

    assert report.counts["pizzas updated"] == 1
    name = data["pizzas"][0]["name"]
    body = (await client.get("/v1/pizzas", params={"name": name})).json()
    assert [p["price"] for p in body["results"] if p["name"] == name] == ["42.00"]


async def test_fixture_menu_through_the_api(client):
    await load_menu()
    menu_changed()
    body = (await client.get("/v1/pizzas?name=meateor")).json()
    [meateor] = body["results"]
    assert meateor["price"] == "16.90"
    assert "ham" in {i["name"] for i in meateor["ingredients"]}
    image = await client.get(meateor["images"][0])
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
