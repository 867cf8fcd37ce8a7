"""Product pictures drawn with Pillow: a soft gradient in the category's colour, a simple
icon for the category and the product's short name. Nothing is downloaded."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from functools import cache

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

SIZE = 800
Colour = tuple[int, int, int]


def _rgb(hex_colour: str) -> Colour:
    h = hex_colour.lstrip("#")
    return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))


def _shade(colour: Colour, percent: int) -> Colour:
    """``percent`` < 100 darkens, > 100 lightens towards white."""
    if percent <= 100:
        return tuple(c * percent // 100 for c in colour)  # type: ignore[return-value]
    lift = percent - 100
    return tuple(c + (255 - c) * lift // 100 for c in colour)  # type: ignore[return-value]


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


@cache
def _masks() -> dict[str, Image.Image]:
    linear = Image.linear_gradient("L").resize((SIZE, SIZE))
    return {
        "linear": linear,
        "radial": Image.radial_gradient("L").resize((SIZE, SIZE)),
        # (top-to-bottom + left-to-right) / 2: dark in one corner, light in the other.
        "diagonal": ImageChops.add(linear, linear.transpose(Image.Transpose.ROTATE_90), 2.0),
    }


# Each icon draws into a 400 x 400 box with a fill and an outline colour.
def _bottle(d: ImageDraw.ImageDraw, fill: Colour, line: Colour) -> None:
    d.rounded_rectangle((120, 140, 280, 380), radius=40, fill=fill, outline=line, width=8)
    d.rectangle((165, 80, 235, 140), fill=fill, outline=line, width=8)
    d.rounded_rectangle((150, 30, 250, 85), radius=12, fill=line)
    d.rounded_rectangle((150, 220, 250, 300), radius=10, fill=_shade(fill, 130))


def _shirt(d: ImageDraw.ImageDraw, fill: Colour, line: Colour) -> None:
    d.polygon(
        [(140, 50), (260, 50), (380, 120), (340, 190), (300, 170), (300, 370), (100, 370),
         (100, 170), (60, 190), (20, 120)],
        fill=fill, outline=line, width=8,
    )  # fmt: skip
    d.arc((160, 20, 240, 90), start=0, end=180, fill=line, width=8)


def _lamp(d: ImageDraw.ImageDraw, fill: Colour, line: Colour) -> None:
    d.polygon([(130, 40), (270, 40), (340, 190), (60, 190)], fill=fill, outline=line, width=8)
    d.rectangle((188, 190, 212, 330), fill=line)
    d.rounded_rectangle((110, 330, 290, 370), radius=16, fill=line)
    d.ellipse((170, 200, 230, 230), fill=_shade(fill, 160))


def _mug(d: ImageDraw.ImageDraw, fill: Colour, line: Colour) -> None:
    d.ellipse((260, 140, 370, 290), outline=line, width=22)
    d.rounded_rectangle((60, 90, 290, 360), radius=36, fill=fill, outline=line, width=8)
    for x in (120, 175, 230):
        d.arc((x - 20, 10, x + 20, 80), start=90, end=270, fill=line, width=6)


def _phone(d: ImageDraw.ImageDraw, fill: Colour, line: Colour) -> None:
    d.rounded_rectangle((110, 20, 290, 380), radius=36, fill=line)
    d.rounded_rectangle((126, 50, 274, 340), radius=18, fill=fill)
    d.ellipse((190, 352, 210, 372), fill=fill)
    d.rounded_rectangle((170, 30, 230, 40), radius=5, fill=fill)


def _dumbbell(d: ImageDraw.ImageDraw, fill: Colour, line: Colour) -> None:
    d.rounded_rectangle((100, 185, 300, 215), radius=10, fill=line)
    for x0, x1 in ((40, 90), (90, 130), (270, 310), (310, 360)):
        top = 110 if x1 - x0 == 50 else 140
        d.rounded_rectangle((x0, top, x1, 400 - top), radius=14, fill=fill, outline=line, width=8)


def _cookie(d: ImageDraw.ImageDraw, fill: Colour, line: Colour) -> None:
    d.ellipse((40, 40, 360, 360), fill=fill, outline=line, width=10)
    for x, y in ((130, 120), (240, 110), (180, 200), (110, 240), (260, 230), (200, 290)):
        d.ellipse((x - 18, y - 18, x + 18, y + 18), fill=line)


def _blocks(d: ImageDraw.ImageDraw, fill: Colour, line: Colour) -> None:
    for x0, y0 in ((50, 220), (210, 220), (130, 70)):
        d.rounded_rectangle(
            (x0, y0, x0 + 150, y0 + 140), radius=14, fill=fill, outline=line, width=8
        )
        for sx in (x0 + 40, x0 + 110):
            d.ellipse((sx - 18, y0 - 16, sx + 18, y0 + 12), fill=fill, outline=line, width=6)


ICONS: dict[str, Callable[[ImageDraw.ImageDraw, Colour, Colour], None]] = {
    "bottle": _bottle,
    "shirt": _shirt,
    "lamp": _lamp,
    "mug": _mug,
    "phone": _phone,
    "dumbbell": _dumbbell,
    "cookie": _cookie,
    "blocks": _blocks,
}


def _icon_layer(icon: str, fill: Colour, line: Colour) -> Image.Image:
    layer = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ICONS[icon](ImageDraw.Draw(layer), fill, line)
    return layer


def _paste_icon(canvas: Image.Image, icon: Image.Image, centre: tuple[int, int], size: int,
                angle: int) -> None:  # fmt: skip
    img = icon.resize((size, size), Image.Resampling.BILINEAR)
    if angle:
        img = img.rotate(angle, resample=Image.Resampling.BILINEAR)
    shadow = Image.new("RGBA", img.size, (0, 0, 0, 0))
    shadow.putalpha(img.getchannel("A").point(lambda a: a * 45 // 255))
    shadow = shadow.filter(ImageFilter.BoxBlur(8))
    x, y = centre[0] - size // 2, centre[1] - size // 2
    canvas.alpha_composite(shadow, (x + 14, y + 14))
    canvas.alpha_composite(img, (x, y))


def product_picture(*, short_name: str, label: str, top: str, bottom: str, icon: str,
                    index: int, rng: random.Random) -> bytes:  # fmt: skip
    """One 800 x 800 JPEG. ``index`` 1 is the hero shot; 2 and 3 are variations on it."""
    # A small per-product tint, so a category's products are not all the same picture.
    tint = rng.randint(88, 112)
    top_c, bottom_c = _shade(_rgb(top), tint), _shade(_rgb(bottom), tint)
    mask = _masks()[("linear", "radial", "diagonal")[(index - 1) % 3]]
    canvas = Image.composite(
        Image.new("RGB", (SIZE, SIZE), bottom_c), Image.new("RGB", (SIZE, SIZE), top_c), mask
    ).convert("RGBA")

    draw = ImageDraw.Draw(canvas)
    # A soft disc behind the object, like a product shot on a plinth.
    r = rng.randint(250, 290)
    draw.ellipse((400 - r, 370 - r, 400 + r, 370 + r), fill=(*_shade(top_c, 140), 170))

    fill, line = _shade(bottom_c, 115), _shade(bottom_c, 45)
    icon_img = _icon_layer(icon, fill, line)
    if index == 1:
        _paste_icon(canvas, icon_img, (400, 360), 420, rng.randint(-6, 6))
    elif index == 2:
        _paste_icon(canvas, icon_img, (400, 360), 330, rng.randint(-18, -8))
    else:
        for cx, cy, size in ((260, 290, 250), (540, 430, 250), (560, 180, 120)):
            _paste_icon(canvas, icon_img, (cx, cy), size, rng.randint(-20, 20))

    text_colour = _shade(bottom_c, 30)
    _centred_text(draw, label.upper(), 48, _font(30), (*text_colour, 200))
    _centred_text(draw, short_name, 672, _fit_font(draw, short_name), text_colour)

    out = io.BytesIO()
    canvas.convert("RGB").save(out, format="JPEG", quality=84, optimize=True)
    return out.getvalue()


def _fit_font(draw: ImageDraw.ImageDraw, text: str):
    for size in (84, 72, 60, 50):
        font = _font(size)
        if draw.textlength(text, font=font) <= SIZE - 80:
            return font
    return _font(44)


def _centred_text(draw: ImageDraw.ImageDraw, text: str, y: int, font, fill) -> None:
    width = draw.textlength(text, font=font)
    draw.text(((SIZE - width) / 2, y), text, font=font, fill=fill)
