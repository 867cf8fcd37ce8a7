"""A little copy per category, so descriptions read like a shop's and not like a template."""

CATEGORY_COPY = {
    "beauty": [
        "Dermatologist tested, fragrance-free and never tested on animals.",
        "Layer it morning and night; a little goes a long way.",
        "Made in small batches with clean, vegan ingredients.",
    ],
    "fashion": [
        "Runs true to size; size up for a roomier fit.",
        "Machine wash cold, hang to dry, and it keeps its shape.",
        "Our model is 5'9\" and wears a size S.",
    ],
    "home": [
        "Designed to make a small space feel calm and warm.",
        "Pairs with neutral and colourful rooms alike.",
        "Arrives gift-ready in recyclable packaging.",
    ],
    "kitchen": [
        "Dishwasher safe and free of BPA.",
        "Built for everyday cooking, sized for small kitchens.",
        "Comes with a one-year replacement guarantee.",
    ],
    "tech": [
        "Works with iPhone and Android; USB-C cable included.",
        "One-year warranty and friendly support from real people.",
        "Pairs in seconds and remembers your devices.",
    ],
    "fitness": [
        "Made for small spaces and real workouts.",
        "Sweat-proof, easy to wipe clean and built to last.",
        "Beginner friendly, with a QR code to free guided workouts.",
    ],
    "snacks": [
        "Best enjoyed within six months; store somewhere cool and dry.",
        "A crowd favourite for movie nights and care packages.",
        "Contains nuts and milk; made in a facility that handles gluten.",
    ],
    "toys": [
        "Tested to international toy safety standards.",
        "A gift that gets opened first and played with longest.",
        "Suitable for ages 8 and up; small parts.",
    ],
}

SHIPPING_LINE = "Ships from {seller} within 2 business days. Free returns within 30 days."
