"""Uploading and removing pizza pictures through HTTP: real files, real multipart, hostile input."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from tests.factories import make_pizza
from tests.pictures import SVG_WITH_SCRIPT, picture, png_declaring, solid_png
from usersnack.admin.images import MAX_IMAGE_BYTES
from usersnack.admin.uploads import UPLOAD_BODY_LIMIT

ADMIN = "/v1/admin"


@pytest.fixture
async def pizza(client):
    return await make_pizza(name="Bufala", images=[])


@pytest.fixture
def media_root(settings):
    return settings.media_root


def upload_path(pizza) -> str:  # noqa: ANN001
    return f"{ADMIN}/pizzas/{pizza.id}/images"


def files(media_root) -> set[str]:  # noqa: ANN001
    return {
        path.relative_to(media_root).as_posix() for path in media_root.rglob("*") if path.is_file()
    }


async def upload(
    staff, pizza, data: bytes, *, filename: str = "pizza.jpg", content_type: str = "image/jpeg"
):  # noqa: ANN001, ANN201, E501
    return await staff.post(upload_path(pizza), files={"file": (filename, data, content_type)})


@pytest.mark.parametrize(
    "image_format, media_type, extension",
    [("JPEG", "image/jpeg", "jpg"), ("PNG", "image/png", "png"), ("WEBP", "image/webp", "webp")],
)
async def test_an_uploaded_picture_is_served_and_on_the_public_menu(
    staff, client, pizza, media_root, image_format, media_type, extension
):
    response = await upload(staff, pizza, picture(image_format=image_format, secret="GPS 48.2N"))

    assert response.status_code == 201, response.text
    url = response.json()["url"]
    assert response.headers["location"] == url
    name = url.removeprefix("/media/pizzas/")
    digest, _, suffix = name.partition(".")
    assert suffix == extension and len(digest) == 64
    assert response.json()["pizza"]["images"] == [url]

    served = await client.get(url)
    assert served.status_code == 200 and served.headers["content-type"] == media_type
    assert hashlib.sha256(served.content).hexdigest() == digest
    assert b"GPS" not in served.content
    with Image.open(io.BytesIO(served.content)) as image:
        assert image.format == image_format and not image.getexif()
    assert (media_root / "pizzas" / name).read_bytes() == served.content

    public = (await client.get(f"/v1/pizzas/{pizza.id}")).json()
    assert public["images"] == [url]


async def test_the_same_picture_twice_is_one_file_and_one_entry(staff, pizza, media_root):
    other = await make_pizza(name="Other", images=[])
    before = files(media_root)

    first = await upload(staff, pizza, picture())
    again = await upload(staff, pizza, picture(), filename="another-name.jpg")
    elsewhere = await upload(staff, other, picture())

    assert (first.status_code, again.status_code, elsewhere.status_code) == (201, 200, 201)
    assert first.json()["url"] == again.json()["url"] == elsewhere.json()["url"]
    assert again.json()["pizza"]["images"] == [first.json()["url"]]
    assert len(files(media_root) - before) == 1


async def test_pictures_keep_their_upload_order(staff, pizza):
    urls = [
        (await upload(staff, pizza, picture(color=color))).json()["url"]
        for color in [(250, 0, 0), (0, 250, 0), (0, 0, 250)]
    ]
    shown = (await staff.get(f"{ADMIN}/pizzas/{pizza.id}")).json()["images"]
    assert shown == urls


# ---- hostile uploads ----------------------------------------------------------------------


async def assert_refused(
    response, status: int, code: str, media_root, before
) -> None:  # noqa: ANN001
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert files(media_root) == before, "a refused upload left a file behind"


async def test_a_text_file_named_jpg_is_refused(staff, client, pizza, media_root):
    before = files(media_root)
    response = await upload(staff, pizza, b"I am plain text, honest.\n" * 20, filename="photo.jpg")
    await assert_refused(response, 422, "VALIDATION_ERROR", media_root, before)
    assert response.json()["details"][0]["field"] == "body.file"
    assert (await client.get(f"/v1/pizzas/{pizza.id}")).json()["images"] == []


async def test_an_svg_with_a_script_is_refused(staff, pizza, media_root):
    before = files(media_root)
    for filename, content_type in [("x.svg", "image/svg+xml"), ("x.png", "image/png")]:
        response = await upload(
            staff, pizza, SVG_WITH_SCRIPT, filename=filename, content_type=content_type
        )
        await assert_refused(response, 422, "VALIDATION_ERROR", media_root, before)


@pytest.mark.parametrize("width, height", [(100_000, 100_000), (5000, 5000), (4097, 1)])
async def test_decompression_bombs_are_refused(staff, pizza, media_root, width, height):
    before = files(media_root)
    bomb = png_declaring(width=width, height=height)
    assert len(bomb) < 200
    response = await upload(staff, pizza, bomb, filename="bomb.png", content_type="image/png")
    await assert_refused(response, 422, "VALIDATION_ERROR", media_root, before)


async def test_a_big_solid_picture_at_the_pixel_limit_is_accepted(staff, pizza):
    response = await upload(staff, pizza, solid_png(width=4096, height=4096), filename="big.png")
    assert response.status_code == 201


async def test_a_file_over_five_megabytes_is_413(staff, pizza, media_root):
    before = files(media_root)
    # A real JPEG start, padded past the cap: size alone decides.
    oversized = picture() + b"\x00" * (MAX_IMAGE_BYTES + 1)
    response = await upload(staff, pizza, oversized)
    await assert_refused(response, 413, "PAYLOAD_TOO_LARGE", media_root, before)


async def test_an_upload_over_the_body_cap_is_cut_off_while_streaming(staff, pizza, media_root):
    before = files(media_root)
    sent = 0

    async def body():
        nonlocal sent
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n'
        for _ in range(UPLOAD_BODY_LIMIT // 65536 + 50):
            sent += 65536
            yield b"\xff" * 65536
        yield b"\r\n--b--\r\n"

    response = await staff.post(
        upload_path(pizza),
        content=body(),
        headers={"content-type": "multipart/form-data; boundary=b"},
    )
    await assert_refused(response, 413, "PAYLOAD_TOO_LARGE", media_root, before)
    assert sent < UPLOAD_BODY_LIMIT + 2 * 65536, "the server kept reading past the cap"


async def test_a_declared_length_over_the_cap_is_refused_unread(staff, pizza):
    response = await staff.post(
        upload_path(pizza),
        content=b"x" * 10,
        headers={
            "content-type": "multipart/form-data; boundary=b",
            "content-length": str(UPLOAD_BODY_LIMIT + 1),
        },
    )
    assert response.status_code == 413


async def test_other_admin_routes_keep_the_small_body_cap(staff):
    response = await staff.post(
        f"{ADMIN}/ingredients", json={"name": "x", "padding": "y" * (70 * 1024)}
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "filename",
    [
        "../../../../etc/cron.d/evil.jpg",
        "..\\..\\windows\\evil.jpg",
        "evil\x00.jpg",
        "/absolute/path/evil.jpg",
        "%2e%2e%2fevil.jpg",
    ],
)
async def test_the_client_file_name_never_reaches_the_filesystem(
    staff, pizza, media_root, filename
):
    before = files(media_root)

    response = await upload(staff, pizza, picture(), filename=filename)

    assert response.status_code == 201, response.text
    added = files(media_root) - before
    assert len(added) == 1
    [path] = added
    assert path.startswith("pizzas/") and "evil" not in path and "/" not in path[7:]
    assert response.json()["url"] == "/media/" + path
    assert not (media_root.parent / "etc").exists()


async def test_an_upload_needs_a_file_in_the_field_file(staff, pizza):
    wrong_field = await staff.post(
        upload_path(pizza), files={"image": ("a.jpg", picture(), "image/jpeg")}
    )
    assert wrong_field.status_code == 422
    assert wrong_field.json()["details"][0]["field"] == "body.file"
    text_field = await staff.post(upload_path(pizza), data={"file": "not a file"})
    assert text_field.status_code in (415, 422)
    two_files = await staff.post(
        upload_path(pizza),
        files=[
            ("file", ("a.jpg", picture(), "image/jpeg")),
            ("file", ("b.jpg", picture(), "image/jpeg")),
        ],
    )
    assert two_files.status_code == 422
    as_json = await staff.post(upload_path(pizza), json={"file": "aGVsbG8="})
    assert as_json.status_code == 415 and as_json.json()["code"] == "UNSUPPORTED_MEDIA_TYPE"
    broken = await staff.post(
        upload_path(pizza),
        content=b"--b\r\nnonsense",
        headers={"content-type": "multipart/form-data; boundary=b"},
    )
    assert broken.status_code == 422


async def test_uploading_to_an_unknown_or_retired_pizza(staff, pizza, media_root):
    import uuid

    missing = await staff.post(
        f"{ADMIN}/pizzas/{uuid.uuid4()}/images", files={"file": ("a.jpg", picture(), "image/jpeg")}
    )
    assert missing.status_code == 404
    await staff.delete(f"{ADMIN}/pizzas/{pizza.id}")
    retired = await upload(staff, pizza, picture())
    assert retired.status_code == 409


# ---- removing pictures --------------------------------------------------------------------


async def test_removing_a_picture_deletes_the_file_when_no_pizza_uses_it(
    staff, client, pizza, media_root
):
    other = await make_pizza(name="Other", images=[])
    url = (await upload(staff, pizza, picture())).json()["url"]
    await upload(staff, other, picture())
    name = url.rpartition("/")[2]
    path = media_root / "pizzas" / name

    first = await staff.delete(f"{ADMIN}/pizzas/{pizza.id}/images/{name}")
    assert first.status_code == 200 and first.json()["images"] == []
    assert (await client.get(f"/v1/pizzas/{pizza.id}")).json()["images"] == []
    assert path.exists(), "another pizza still uses it"

    await staff.delete(f"{ADMIN}/pizzas/{other.id}/images/{name}")
    assert not path.exists()
    assert (await client.get(url)).status_code == 404
    assert not [p for p in (media_root / "pizzas").iterdir() if p.name.startswith(".")]

    again = await staff.delete(f"{ADMIN}/pizzas/{pizza.id}/images/{name}")
    assert again.status_code == 404


async def test_a_retired_pizzas_picture_is_kept_for_its_orders(staff, pizza, media_root):
    other = await make_pizza(name="Other", images=[])
    url = (await upload(staff, pizza, picture())).json()["url"]
    await upload(staff, other, picture())
    await staff.delete(f"{ADMIN}/pizzas/{pizza.id}")

    await staff.delete(f"{ADMIN}/pizzas/{other.id}/images/{url.rpartition('/')[2]}")

    assert (media_root / url.removeprefix("/media/")).exists()


async def test_fixture_pictures_are_unlinked_but_never_deleted(staff, media_root):
    pizza = await make_pizza(name="Margherita", images=["pizzas/margherita.jpg"])

    response = await staff.delete(f"{ADMIN}/pizzas/{pizza.id}/images/margherita.jpg")

    assert response.status_code == 200 and response.json()["images"] == []
    assert (media_root / "pizzas" / "margherita.jpg").exists()


@pytest.mark.parametrize(
    "name", ["..%2F..%2Fsettings.py", "%00", "margherita.jpg%00.png", "%2E%2E"]
)
async def test_removing_by_a_hostile_name_touches_nothing(staff, media_root, name):
    pizza = await make_pizza(name="Margherita", images=["pizzas/margherita.jpg"])
    before = files(media_root)

    response = await staff.delete(f"{ADMIN}/pizzas/{pizza.id}/images/{name}")

    assert response.status_code in (404, 422)
    assert files(media_root) == before
