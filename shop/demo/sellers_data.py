"""The demo's categories, shops and variant option sets."""

# slug, name, gradient top colour, gradient bottom colour, icon drawn on product images
CATEGORIES = [
    ("beauty", "Beauty", "#ffe1ea", "#f48fb1", "bottle"),
    ("fashion", "Fashion", "#e1e9ff", "#8ea6f5", "shirt"),
    ("home", "Home", "#fff0dc", "#f2b880", "lamp"),
    ("kitchen", "Kitchen", "#dff5e6", "#7fc8a0", "mug"),
    ("tech", "Tech", "#e4eaf1", "#8fa4ba", "phone"),
    ("fitness", "Fitness", "#ffe6d8", "#ff9468", "dumbbell"),
    ("snacks", "Snacks", "#fff6c8", "#f2c744", "cookie"),
    ("toys", "Toys", "#ece3ff", "#b39cf6", "blocks"),
]

# key, slug, name, market, first party, SKU prefix, owner account (or None), description
SELLERS = [
    (
        "basics",
        "marketplace-basics",
        "Marketplace Basics",
        "US",
        True,
        "MB",
        None,
        "The marketplace's own store: everyday essentials, shipped by us.",
    ),
    (
        "glow",
        "glow-lab",
        "Glow Lab",
        "US",
        False,
        "GLW",
        "seller",
        "Skincare and make-up that went viral for a reason. Cruelty-free, small-batch.",
    ),
    (
        "thread",
        "thread-and-loom",
        "Thread & Loom",
        "US",
        False,
        "TNL",
        None,
        "Relaxed basics and statement pieces, designed in Los Angeles.",
    ),
    (
        "hearth",
        "hearth-and-table",
        "Hearth & Table",
        "US",
        False,
        "HNT",
        None,
        "Cosy home and kitchen finds for small apartments and big dinners.",
    ),
    (
        "volt",
        "volt-supply",
        "Volt Supply Co.",
        "US",
        False,
        "VLT",
        None,
        "Gadgets for creators and commuters, with a one-year warranty.",
    ),
    (
        "peak",
        "peak-form",
        "Peak Form Athletics",
        "US",
        False,
        "PKF",
        None,
        "Home-workout gear and activewear that keeps up.",
    ),
    (
        "camden",
        "camden-corner",
        "Camden Corner Shop",
        "GB",
        False,
        "CMD",
        None,
        "A London corner shop gone online: biscuits, treats and homeware.",
    ),
    (
        "tokyo",
        "tokyo-toybox",
        "Tokyo Toybox",
        "JP",
        False,
        "TTB",
        None,
        "Kawaii toys, snacks and gadgets straight from Akihabara.",
    ),
    (
        "rupa",
        "rupa-jakarta",
        "Rupa Jakarta",
        "ID",
        False,
        "RPJ",
        None,
        "Local beauty and fashion labels from Jakarta.",
    ),
]

_SIZES = ["S", "M", "L", "XL"]
# kind -> (option names, [(option values, price in % of the base price)])
VARIANT_KINDS: dict[str, tuple[list[str], list[tuple[list[str], int]]]] = {
    "size": (["Size"], [([s], 100) for s in _SIZES]),
    "shoe": (["Size"], [([f"US {n}"], 100) for n in (6, 7, 8, 9, 10)]),
    "bedding": (["Size"], [(["Twin"], 100), (["Queen"], 125), (["King"], 140)]),
    "plush": (["Size"], [(["Small"], 100), (["Medium"], 150), (["Large"], 220)]),
    "volume": (["Size"], [(["30 ml"], 100), (["50 ml"], 145), (["100 ml"], 240)]),
    "pack": (["Pack"], [(["Single"], 100), (["Pack of 5"], 420)]),
    "weight": (["Weight"], [(["5 lb"], 100), (["10 lb"], 160), (["15 lb"], 215)]),
    "switch": (["Switch"], [(["Red"], 100), (["Brown"], 100), (["Blue"], 100)]),
    "flavor": (["Flavor"], [(["Strawberry"], 100), (["Mango"], 100), (["Matcha"], 100)]),
}
# Colour kinds get 2-4 colours picked per product from these.
COLOURS = {
    "color": ["Black", "White", "Sage", "Blush", "Navy", "Lilac", "Sand", "Cherry"],
    "shade": ["Rose", "Berry", "Coral", "Nude", "Plum"],
    "color_size": ["Black", "Oatmeal", "Sage", "Navy", "Chocolate"],
}
