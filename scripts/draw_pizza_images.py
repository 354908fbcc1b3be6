"""Draw the pizza pictures that belong to the fixture menu.

The images in ``media/pizzas/`` are not photos: they are generated from
``src/usersnack/fixtures/menu.json`` so that every fixture pizza has its own
recognisable picture and no third-party artwork is needed. Each pizza is drawn
top-down (crust, sauce, melted cheese, toppings picked from its ingredients)
with a random generator seeded from the pizza's name, so reruns produce
byte-identical files.

Rerun after editing the menu:

    python scripts/draw_pizza_images.py
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

REPO_ROOT = Path(__file__).resolve().parent.parent
MENU_PATH = REPO_ROOT / "src" / "usersnack" / "fixtures" / "menu.json"
MEDIA_ROOT = REPO_ROOT / "media"

SIZE = 640
U = 2  # supersampling factor: draw at double size, downsample for smooth edges
CANVAS = SIZE * U
CENTER = CANVAS / 2
PIZZA_RADIUS = 290 * U
SAUCE_RADIUS = 252 * U
TOPPING_RADIUS = 212 * U
PIECE = 1.4 * U  # size unit for topping pieces
JPEG_QUALITY = 85

Color = tuple[int, int, int]
Point = tuple[float, float]
Painter = Callable[[ImageDraw.ImageDraw, random.Random, Point], None]


@dataclass(frozen=True)
class Style:
    painter: Painter
    count: int
    layer: int  # 0 cheese dollops, 1 meat, 2 vegetables, 3 leaves, 4 sprinkles
    scatter: bool = False  # sprinkles ignore spacing between pieces
    centered: bool = False


def clamp(value: float) -> int:
    return max(0, min(255, int(value)))


def jitter(color: Color, rng: random.Random, amount: int = 14) -> Color:
    delta = rng.randint(-amount, amount)
    return (clamp(color[0] + delta), clamp(color[1] + delta), clamp(color[2] + delta))


def shade(color: Color, factor: float) -> Color:
    return (clamp(color[0] * factor), clamp(color[1] * factor), clamp(color[2] * factor))


def place(points: Sequence[Point], at: Point, angle: float) -> list[Point]:
    cos, sin = math.cos(angle), math.sin(angle)
    return [(at[0] + x * cos - y * sin, at[1] + x * sin + y * cos) for x, y in points]


def circle_box(at: Point, radius: float) -> tuple[float, float, float, float]:
    return (at[0] - radius, at[1] - radius, at[0] + radius, at[1] + radius)


def wobbly_circle(
    rng: random.Random, radius: float, wobble: float, steps: int = 180
) -> list[Point]:
    """Points of a hand-drawn looking circle around the canvas centre."""
    waves = [(k, rng.uniform(0, math.tau), rng.uniform(0.3, 1.0) / k) for k in range(2, 7)]
    points = []
    for i in range(steps):
        theta = math.tau * i / steps
        offset = sum(amp * math.sin(k * theta + phase) for k, phase, amp in waves)
        r = radius * (1 + wobble * offset)
        points.append((CENTER + r * math.cos(theta), CENTER + r * math.sin(theta)))
    return points


def lens(length: float, width: float, serrated: bool = False, steps: int = 14) -> list[Point]:
    """A pointed leaf outline along the x axis, centred on the origin."""
    top = []
    for i in range(steps + 1):
        u = i / steps
        half = width / 2 * math.sin(math.pi * u)
        if serrated and i % 2:
            half *= 0.45
        top.append((-length / 2 + length * u, -half))
    return top + [(x, -y) for x, y in reversed(top[1:-1])]


# --- topping painters --------------------------------------------------------


def slices(color: Color, radius: float, dot: Color, dots: int) -> Painter:
    def paint(draw: ImageDraw.ImageDraw, rng: random.Random, at: Point) -> None:
        r = radius * PIECE * rng.uniform(0.88, 1.12)
        draw.ellipse(
            circle_box(at, r),
            fill=jitter(color, rng),
            outline=shade(color, 0.7),
            width=round(2 * PIECE),
        )
        for _ in range(dots):
            angle, dist = rng.uniform(0, math.tau), r * 0.65 * math.sqrt(rng.random())
            spot = (at[0] + dist * math.cos(angle), at[1] + dist * math.sin(angle))
            draw.ellipse(circle_box(spot, r * rng.uniform(0.07, 0.13)), fill=dot)

    return paint


def rings(color: Color, radius: float, width: float, inside: Color | None = None) -> Painter:
    def paint(draw: ImageDraw.ImageDraw, rng: random.Random, at: Point) -> None:
        r = radius * PIECE * rng.uniform(0.9, 1.1)
        draw.ellipse(
            circle_box(at, r),
            fill=inside,
            outline=jitter(color, rng, 8),
            width=round(width * PIECE),
        )
        if inside is not None:
            for _ in range(4):
                angle = rng.uniform(0, math.tau)
                seed_at = (at[0] + r * 0.35 * math.cos(angle), at[1] + r * 0.35 * math.sin(angle))
                draw.ellipse(circle_box(seed_at, 1.6 * PIECE), fill=shade(inside, 0.8))

    return paint


def squares(color: Color, size: float) -> Painter:
    def paint(draw: ImageDraw.ImageDraw, rng: random.Random, at: Point) -> None:
        s = size * PIECE * rng.uniform(0.85, 1.15) / 2
        corners = [(-s, -s), (s, -s * 0.9), (s * 0.95, s), (-s, s * 0.95)]
        angle = rng.uniform(0, math.tau)
        draw.polygon(
            place(corners, at, angle), fill=jitter(color, rng, 10), outline=shade(color, 0.8)
        )
        streak = place([(-s * 0.6, -s * 0.2), (s * 0.5, s * 0.1)], at, angle)
        draw.line(streak, fill=shade(color, 1.12), width=round(2 * PIECE))

    return paint


def strips(
    color: Color, bend: float, span: float, width: float, stripe: Color | None = None
) -> Painter:
    def paint(draw: ImageDraw.ImageDraw, rng: random.Random, at: Point) -> None:
        radius = bend * PIECE * rng.uniform(0.85, 1.15)
        arc = [
            (
                radius * math.sin(a),
                radius * (1 - math.cos(a)) - radius / 2 * (1 - math.cos(span / 2)),
            )
            for a in (span * (i / 12 - 0.5) for i in range(13))
        ]
        points = place(arc, at, rng.uniform(0, math.tau))
        draw.line(points, fill=jitter(color, rng, 10), width=round(width * PIECE), joint="curve")
        if stripe is not None:
            draw.line(points, fill=stripe, width=round(width * PIECE / 3), joint="curve")

    return paint


def leaves(color: Color, length: float, width: float, serrated: bool = False) -> Painter:
    def paint(draw: ImageDraw.ImageDraw, rng: random.Random, at: Point) -> None:
        scale = PIECE * rng.uniform(0.85, 1.15)
        angle = rng.uniform(0, math.tau)
        outline = lens(length * scale, width * scale, serrated)
        fill = jitter(color, rng, 12)
        draw.polygon(place(outline, at, angle), fill=fill, outline=shade(fill, 0.75))
        vein = [(-length * scale * 0.42, 0), (length * scale * 0.45, 0)]
        draw.line(place(vein, at, angle), fill=shade(fill, 0.7), width=round(PIECE))

    return paint


def crumbs(color: Color, size: float, corners: int = 7, fleck: Color | None = None) -> Painter:
    def paint(draw: ImageDraw.ImageDraw, rng: random.Random, at: Point) -> None:
        shape = []
        for i in range(corners):
            r = size * PIECE / 2 * rng.uniform(0.6, 1.1)
            theta = math.tau * i / corners
            shape.append((r * math.cos(theta), r * math.sin(theta)))
        fill = jitter(color, rng, 10)
        draw.polygon(
            place(shape, at, rng.uniform(0, math.tau)), fill=fill, outline=shade(fill, 0.8)
        )
        if fleck is not None:
            for _ in range(3):
                spot = (
                    at[0] + rng.uniform(-0.25, 0.25) * size * PIECE,
                    at[1] + rng.uniform(-0.25, 0.25) * size * PIECE,
                )
                draw.ellipse(circle_box(spot, rng.uniform(1.2, 2.2) * PIECE), fill=fleck)

    return paint


def wedges(color: Color, size: float) -> Painter:
    def paint(draw: ImageDraw.ImageDraw, rng: random.Random, at: Point) -> None:
        s = size * PIECE * rng.uniform(0.85, 1.15)
        chunk = [(-s, -s * 0.45), (s, -s * 0.45), (s * 0.55, s * 0.6), (-s * 0.55, s * 0.6)]
        draw.polygon(
            place(chunk, at, rng.uniform(0, math.tau)),
            fill=jitter(color, rng, 8),
            outline=shade(color, 0.8),
        )

    return paint


def specks(color: Color, radius: float, stretch: float = 1.0) -> Painter:
    def paint(draw: ImageDraw.ImageDraw, rng: random.Random, at: Point) -> None:
        r = radius * PIECE * rng.uniform(0.75, 1.25)
        outline = [
            (r * stretch * math.cos(t), r * math.sin(t))
            for t in (math.tau * i / 10 for i in range(10))
        ]
        draw.polygon(place(outline, at, rng.uniform(0, math.tau)), fill=jitter(color, rng, 12))

    return paint


def mushroom(draw: ImageDraw.ImageDraw, rng: random.Random, at: Point) -> None:
    r = 19 * PIECE * rng.uniform(0.85, 1.15)
    cap = [
        (r * math.cos(t), 0.8 * r * math.sin(t))
        for t in (math.pi * (1 + i / 16) for i in range(17))
    ]
    stem = [(r * 0.32, 0), (r * 0.3, r * 0.85), (-r * 0.3, r * 0.85), (-r * 0.32, 0)]
    angle = rng.uniform(0, math.tau)
    fill = jitter((214, 190, 156), rng, 10)
    draw.polygon(
        place(cap + stem, at, angle), fill=fill, outline=(128, 96, 66), width=round(2 * PIECE)
    )
    gills = [
        (r * 0.85 * math.cos(t), 0.6 * r * math.sin(t))
        for t in (math.pi * (1.15 + i / 14) for i in range(10))
    ]
    draw.line(place(gills, at, angle), fill=(160, 128, 96), width=round(PIECE))


def fried_egg(draw: ImageDraw.ImageDraw, rng: random.Random, at: Point) -> None:
    white = []
    for i in range(24):
        theta = math.tau * i / 24
        r = 78 * U * (1 + 0.12 * math.sin(3 * theta + rng.uniform(0, 0.6)))
        white.append((at[0] + r * math.cos(theta), at[1] + r * math.sin(theta)))
    draw.polygon(white, fill=(252, 250, 242), outline=(226, 214, 190))
    yolk = (at[0] + rng.uniform(-8, 8) * U, at[1] + rng.uniform(-8, 8) * U)
    draw.ellipse(circle_box(yolk, 30 * U), fill=(250, 170, 30), outline=(222, 132, 20), width=2 * U)
    draw.ellipse(circle_box((yolk[0] - 9 * U, yolk[1] - 9 * U), 7 * U), fill=(255, 214, 120))


def blue_cheese(draw: ImageDraw.ImageDraw, rng: random.Random, at: Point) -> None:
    crumbs((238, 234, 214), 30, corners=8, fleck=(92, 118, 140))(draw, rng, at)


STYLES: dict[str, Style] = {
    # cheese dollops
    "ricotta": Style(slices((250, 250, 244), 20, (236, 236, 226), 3), 9, 0),
    "goat cheese": Style(crumbs((246, 244, 236), 32, corners=9), 9, 0),
    "gorgonzola": Style(blue_cheese, 10, 0),
    # meat and fish
    "salami": Style(slices((150, 32, 40), 27, (236, 190, 180), 9), 10, 1),
    "pepperoni": Style(slices((200, 56, 34), 21, (150, 34, 22), 6), 14, 1),
    "ham": Style(squares((238, 150, 158), 38), 10, 1),
    "bacon": Style(strips((168, 52, 48), 160, 0.5, 16, stripe=(244, 196, 184)), 7, 1),
    "spicy sausage": Style(crumbs((124, 60, 36), 22), 16, 1),
    "chicken": Style(crumbs((226, 196, 150), 34, corners=6), 12, 1),
    "tuna": Style(crumbs((200, 160, 130), 26, corners=9), 12, 1),
    "truffle": Style(slices((70, 52, 40), 15, (130, 108, 88), 8), 12, 1),
    # vegetables and fruit
    "mushrooms": Style(mushroom, 12, 2),
    "black olives": Style(rings((28, 26, 24), 10, 6), 12, 2),
    "jalapenos": Style(rings((60, 130, 40), 14, 5, inside=(190, 214, 140)), 10, 2),
    "zucchini": Style(rings((46, 104, 40), 19, 4, inside=(214, 224, 168)), 10, 2),
    "aubergine": Style(rings((70, 36, 78), 23, 5, inside=(226, 212, 170)), 8, 2),
    "green peppers": Style(strips((58, 142, 44), 30, 2.2, 9), 10, 2),
    "red peppers": Style(strips((214, 40, 30), 30, 2.2, 9), 10, 2),
    "red onion": Style(strips((150, 70, 140), 24, 2.6, 5), 12, 2),
    "cherry tomatoes": Style(slices((226, 44, 30), 16, (246, 200, 90), 5), 10, 2),
    "pineapple": Style(wedges((250, 214, 88), 16), 14, 2),
    "artichokes": Style(leaves((128, 140, 80), 40, 22), 8, 2),
    "garlic": Style(specks((244, 236, 212), 6, stretch=1.4), 14, 2),
    "egg": Style(fried_egg, 1, 2, centered=True),
    # leaves
    "basil": Style(leaves((52, 136, 48), 44, 24), 8, 3),
    "spinach": Style(leaves((34, 96, 38), 56, 32), 8, 3),
    "rocket": Style(leaves((76, 140, 50), 62, 16, serrated=True), 12, 3),
    # sprinkles
    "parmesan": Style(specks((244, 226, 160), 4, stretch=2.0), 40, 4, scatter=True),
    "sweetcorn": Style(specks((250, 204, 50), 5), 40, 4, scatter=True),
    "capers": Style(specks((86, 104, 46), 5), 24, 4, scatter=True),
    "pine nuts": Style(specks((236, 220, 170), 5, stretch=1.7), 26, 4, scatter=True),
    "chili flakes": Style(specks((200, 30, 20), 2.5, stretch=1.8), 70, 4, scatter=True),
}
SAUCES: dict[str, Color] = {
    "tomato sauce": (196, 48, 32),
    "bbq sauce": (112, 42, 26),
    "garlic cream": (242, 232, 206),
    "pesto": (96, 132, 46),
}
MELTING_CHEESES: dict[str, Color] = {
    "mozzarella": (252, 246, 222),
    "vegan cheese": (246, 230, 168),
}
PLAIN_DOUGH: Color = (236, 206, 150)


def fallback_style(ingredient: str) -> Style:
    """Unknown ingredients still show up, as crumbs in a colour derived from the name."""
    digest = hashlib.sha256(ingredient.encode()).digest()
    return Style(crumbs((digest[0], digest[1], digest[2]), 24), 10, 2)


# --- composition ---------------------------------------------------------------


def random_spot(rng: random.Random, radius: float = TOPPING_RADIUS) -> Point:
    angle, dist = rng.uniform(0, math.tau), radius * math.sqrt(rng.random())
    return (CENTER + dist * math.cos(angle), CENTER + dist * math.sin(angle))


def spread_spot(rng: random.Random, taken: list[Point], candidates: int = 12) -> Point:
    """Best-candidate sampling: of a few random spots, take the one furthest from the others."""
    best, best_gap = random_spot(rng), -1.0
    for _ in range(candidates):
        spot = random_spot(rng)
        gap = min((math.dist(spot, other) for other in taken), default=math.inf)
        if gap > best_gap:
            best, best_gap = spot, gap
    taken.append(best)
    return best


def draw_board(rng: random.Random) -> Image.Image:
    image = Image.new("RGBA", (CANVAS, CANVAS), (112, 76, 48, 255))
    draw = ImageDraw.Draw(image)
    y = 0.0
    while y < CANVAS:
        height = rng.uniform(3, 14) * U
        tone = jitter((112, 76, 48), rng, 10)
        draw.rectangle((0, y, CANVAS, y + height), fill=tone)
        y += height
    for x in (CANVAS * 0.33, CANVAS * 0.66):
        draw.line([(x, 0), (x, CANVAS)], fill=(74, 48, 30), width=2 * U)
    shadow = Image.new("RGBA", image.size, (0, 0, 0, 0))
    offset = 10 * U
    ImageDraw.Draw(shadow).ellipse(
        circle_box((CENTER + offset, CENTER + offset), PIZZA_RADIUS), fill=(0, 0, 0, 120)
    )
    return Image.alpha_composite(image, shadow.filter(ImageFilter.GaussianBlur(12 * U)))


def draw_crust(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    draw.polygon(wobbly_circle(rng, PIZZA_RADIUS, 0.02), fill=(206, 146, 74))
    draw.polygon(wobbly_circle(rng, PIZZA_RADIUS - 10 * U, 0.02), fill=(226, 172, 96))
    for _ in range(36):  # oven char marks on the rim
        angle = rng.uniform(0, math.tau)
        dist = rng.uniform(SAUCE_RADIUS + 6 * U, PIZZA_RADIUS - 6 * U)
        spot = (CENTER + dist * math.cos(angle), CENTER + dist * math.sin(angle))
        colour = rng.choice([(184, 120, 58), (160, 100, 48), (120, 74, 38)])
        draw.ellipse(circle_box(spot, rng.uniform(2, 5) * U), fill=colour)


def draw_sauce(draw: ImageDraw.ImageDraw, rng: random.Random, sauce: Color) -> None:
    draw.polygon(wobbly_circle(rng, SAUCE_RADIUS, 0.03), fill=sauce)
    for _ in range(90):
        spot = random_spot(rng, SAUCE_RADIUS * 0.92)
        draw.ellipse(circle_box(spot, rng.uniform(4, 14) * U), fill=jitter(sauce, rng, 18))


def melt_cheese(image: Image.Image, rng: random.Random, cheese: Color) -> Image.Image:
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(34):
        spot = random_spot(rng, SAUCE_RADIUS * 0.82)
        rx, ry = rng.uniform(28, 62) * U, rng.uniform(24, 52) * U
        draw.ellipse((spot[0] - rx, spot[1] - ry, spot[0] + rx, spot[1] + ry), fill=(*cheese, 240))
    for _ in range(26):  # golden baked spots
        spot = random_spot(rng, SAUCE_RADIUS * 0.8)
        draw.ellipse(circle_box(spot, rng.uniform(4, 10) * U), fill=(226, 176, 92, 110))
    return Image.alpha_composite(image, layer.filter(ImageFilter.GaussianBlur(2 * U)))


def draw_toppings(draw: ImageDraw.ImageDraw, rng: random.Random, toppings: list[str]) -> None:
    styles = [STYLES.get(name) or fallback_style(name) for name in toppings]
    density = min(1.0, 4 / max(1, len(styles)))
    taken: list[Point] = []
    for style in sorted(styles, key=lambda item: item.layer):
        if style.centered:
            taken.append((CENTER, CENTER))
            style.painter(draw, rng, (CENTER, CENTER))
            continue
        count = style.count if style.scatter else max(4, round(style.count * density))
        for _ in range(count):
            at = random_spot(rng) if style.scatter else spread_spot(rng, taken)
            style.painter(draw, rng, at)


def render(name: str, ingredients: Sequence[str]) -> Image.Image:
    rng = random.Random(int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big"))
    sauce = next((SAUCES[i] for i in ingredients if i in SAUCES), PLAIN_DOUGH)
    cheeses = [MELTING_CHEESES[i] for i in ingredients if i in MELTING_CHEESES]
    toppings = [i for i in ingredients if i not in SAUCES and i not in MELTING_CHEESES]

    image = draw_board(rng)
    draw = ImageDraw.Draw(image)
    draw_crust(draw, rng)
    draw_sauce(draw, rng, sauce)
    for cheese in cheeses:
        image = melt_cheese(image, rng, cheese)
    draw_toppings(ImageDraw.Draw(image), rng, toppings)
    return image.convert("RGB").resize((SIZE, SIZE), Image.Resampling.LANCZOS)


def main() -> None:
    menu = json.loads(MENU_PATH.read_text(encoding="utf-8"))
    media_root = MEDIA_ROOT.resolve()
    for pizza in menu["pizzas"]:
        for index, image_path in enumerate(pizza["images"]):
            target = (media_root / image_path).resolve()
            if not target.is_relative_to(media_root):
                raise SystemExit(f"{pizza['name']}: image path {image_path!r} leaves media/")
            seed = pizza["name"] if index == 0 else f"{pizza['name']}#{index}"
            target.parent.mkdir(parents=True, exist_ok=True)
            render(seed, pizza["ingredients"]).save(
                target, "JPEG", quality=JPEG_QUALITY, optimize=True
            )
            print(f"{pizza['name']:<24} -> {target.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
