"""Word lists for the generated catalog, and the search queries a shopper would type.

Titles are "<adjective> <material or colour> <noun>", sometimes with a brand in front and
a suffix behind, so a common word ("cotton", "wireless") matches a few per cent of the
catalog, a noun well under one per cent, and a made-up word nothing: a realistic spread."""


def _nouns(text: str) -> list[str]:
    return [w.strip() for w in text.split(",") if w.strip()]


def _words(text: str) -> list[str]:
    return text.split()


# slug, name, share of the catalog (weight), nouns, option names its variants use
CATEGORIES: list[tuple[str, str, int, list[str], list[str]]] = [
    (
        "fashion",
        "Fashion",
        22,
        _nouns(
            "t-shirt, hoodie, jacket, dress, jeans, sneakers, scarf, beanie, socks, leggings, "
            "cardigan, blazer, skirt, sweater"
        ),
        ["Color", "Size"],
    ),
    (
        "beauty",
        "Beauty",
        12,
        _nouns(
            "serum, lipstick, moisturizer, cleanser, mascara, sunscreen, perfume, toner, "
            "shampoo, conditioner, eyeliner"
        ),
        ["Shade"],
    ),
    (
        "home",
        "Home",
        12,
        _nouns("mug, candle, blanket, pillow, vase, lamp, rug, planter, towel, mirror, diffuser"),
        ["Color"],
    ),
    (
        "kitchen",
        "Kitchen",
        9,
        _nouns(
            "skillet, knife, cutting board, blender, grinder, teapot, bottle, tumbler, "
            "spatula, kettle"
        ),
        ["Color"],
    ),
    (
        "electronics",
        "Electronics",
        11,
        _nouns(
            "earbuds, headphones, charger, power bank, speaker, smartwatch, ring light, "
            "keyboard, mouse, webcam, tripod"
        ),
        ["Color"],
    ),
    (
        "sports",
        "Sports & Outdoors",
        8,
        _nouns(
            "yoga mat, dumbbells, resistance bands, shorts, gym bag, jump rope, foam roller, "
            "tent, hammock"
        ),
        ["Color", "Size"],
    ),
    (
        "toys",
        "Toys & Games",
        6,
        _nouns("puzzle, building blocks, plush, board game, kite, robot, dollhouse"),
        [],
    ),
    (
        "pets",
        "Pets",
        5,
        _nouns("leash, cat tree, pet bed, chew toy, collar, harness, feeder"),
        ["Size"],
    ),
    (
        "accessories",
        "Bags & Accessories",
        9,
        _nouns("backpack, wallet, sunglasses, tote, belt, watch, cap, crossbody bag"),
        ["Color"],
    ),
    (
        "stationery",
        "Stationery",
        6,
        _nouns("notebook, planner, gel pens, sketchbook, stickers, journal"),
        [],
    ),
]

ADJECTIVES = _words(
    "classic vintage oversized minimalist premium portable wireless organic handmade cozy "
    "slim waterproof lightweight retro deluxe compact soft ergonomic rechargeable foldable "
    "everyday essential luxe smart travel chunky ribbed quilted magnetic adjustable"
)
MATERIALS = _words(
    "cotton linen leather bamboo ceramic stainless wool silk denim velvet glass oak "
    "recycled fleece suede nylon"
)
COLORS = _words(
    "black white sage navy blush beige charcoal olive terracotta lavender cream mustard"
)
SUFFIXES = [
    "",
    "",
    "",
    "",
    "set of 2",
    "for women",
    "for men",
    "for kids",
    "2-pack",
    "gift edition",
]
OCCASIONS = _words("travel everyday gifting gym office summer winter camping holidays weekends")
FEATURES = [
    "Machine washable.",
    "Ships in 24 hours.",
    "Comes in a gift box.",
    "Backed by a one-year warranty.",
    "Designed in small batches.",
    "Dermatologist tested.",
    "BPA free.",
    "Fits in a carry-on.",
    "Plastic-free packaging.",
    "Loved by thousands of shoppers.",
]
TAGS = _words("trending bestseller new viral giftidea eco limited sale")
SIZES = ["XS", "S", "M", "L", "XL"]
SHADES = ["Fair", "Light", "Medium", "Tan", "Deep"]

SELLER_WORDS = _words(
    "North Lantern Willow Copper Maple Harbor Juniper Cedar Atlas Pebble Meadow Ember "
    "Saffron Indigo Ivory Marble Orbit Pine Quartz Raven Solstice Tidal Umber Velvet"
)
SELLER_KINDS = _words("Goods Supply Studio Co. Collective Market Works House Lab Outfitters")

# Queries nothing in the catalog contains: real shoppers type these too.
NO_MATCH_QUERIES = ["zeppelin", "harpsichord", "tuxedo", "snowmobile", "accordion", "sextant"]
