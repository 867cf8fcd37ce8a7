"""Demo creators and their videos: ~20 creators across the markets (the demo account
``creator`` runs one), avatars drawn with Pillow, and ~150 published clips made with ffmpeg
from the pictures of the products each one tags.

Idempotent by natural key: a creator is its handle, a video is its creator and slot (its
file is ``videos/<creator>/demo-<slot>.mp4``). A re-run writes nothing; files already in the
storage are never made again.

    from creators.demo.creators import load_creators_demo
    counts = load_creators_demo(rng=ctx.rng("creators"), progress=ctx)
"""

from __future__ import annotations

import logging
import os
import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from shop.models import Product, ProductImage, ProductStatus

from .. import media
from ..models import Creator, Video, VideoProduct, VideoStatus
from ..services.profiles import follow_create
from .clips import Clip, avatar_draw, clip_make
from .progress import Steps

log = logging.getLogger(__name__)

# handle | display name | market | focus categories | videos | avatar colours
_CREATORS = """
casey.creates    | Casey Creator  | US | beauty fashion | 10 | #fe2c55 #ff9a62
glowwithmia      | Mia Chen       | US | beauty         |  8 | #f48fb1 #8e44ad
dailydrip        | Jordan Lee     | US | fashion        |  8 | #5c6bc0 #26c6da
cozycorner.home  | Priya Nair     | US | home           |  8 | #f2b880 #c0392b
kitchenkai       | Kai Robinson   | US | kitchen snacks |  8 | #27ae60 #f1c40f
techtalkteo      | Teo Alvarez    | US | tech           |  8 | #34495e #3498db
fitwithsam       | Sam Okafor     | US | fitness        |  8 | #ff7043 #d81b60
snackscout       | Lena Park      | US | snacks         |  8 | #f9a825 #ef6c00
toybox.dad       | Marcus Bell    | US | toys           |  8 | #7e57c2 #29b6f6
thriftqueen      | Ava Morales    | US | fashion home   |  8 | #ec407a #ab47bc
minimal.mornings | Noah Kim       | US | home kitchen   |  8 | #8d6e63 #a1887f
gadgetgran       | Rose Whitaker  | US | tech kitchen   |  8 | #00897b #7cb342
londonlooks      | Isla Hughes    | GB | fashion beauty |  7 | #3949ab #e53935
brewandbake.uk   | Oliver Grant   | GB | kitchen snacks |  7 | #6d4c41 #ffb300
gymgeek.gb       | Amara Osei     | GB | fitness tech   |  7 | #43a047 #1e88e5
tokyo.finds      | Yui Tanaka     | JP | beauty home    |  7 | #f06292 #ffd54f
bento.beats      | Haruto Sato    | JP | kitchen snacks |  7 | #ef5350 #26a69a
pixelpocket      | Ren Kobayashi  | JP | tech toys      |  7 | #5e35b1 #00acc1
jakartajajan     | Dewi Lestari   | ID | snacks kitchen |  5 | #fb8c00 #e53935
batik.daily      | Putri Maharani | ID | fashion beauty |  5 | #8e24aa #00897b
"""
BIOS = {
    "casey.creates": "Honest reviews of things I actually use. Every product is tagged.",
    "glowwithmia": "Skincare nerd. Glass skin on a budget.",
    "dailydrip": "Fits under $50, styled three ways.",
    "cozycorner.home": "Small apartment, big cozy. Home finds weekly.",
    "kitchenkai": "10-minute recipes and the gadgets that make them.",
    "techtalkteo": "Gadgets tested for a week before I say a word.",
    "fitwithsam": "Home workouts, honest gear reviews.",
    "snackscout": "Trying every viral snack so you don't have to.",
    "toybox.dad": "Dad of three. Toys that survive my kids.",
    "thriftqueen": "Style and home for less.",
    "minimal.mornings": "Slow mornings, good coffee, fewer things.",
    "gadgetgran": "72 and testing tech. If I can use it, you can.",
    "londonlooks": "London style, high street prices.",
    "brewandbake.uk": "Tea, bakes and the kit I use.",
    "gymgeek.gb": "Lifting, running, and the gear in between.",
    "tokyo.finds": "Little Tokyo finds for a calmer home.",
    "bento.beats": "Bento ideas and kitchen tools.",
    "pixelpocket": "Pocket tech and toys worth it.",
    "jakartajajan": "Jajanan and kitchen finds from Jakarta.",
    "batik.daily": "Batik every day, beauty that lasts the heat.",
}


@dataclass(frozen=True)
class CreatorPlan:
    handle: str
    name: str
    market: str
    focus: tuple[str, ...]
    videos: int
    colours: tuple[str, str]

    @property
    def bio(self) -> str:
        return BIOS[self.handle]


CREATORS = [
    CreatorPlan(h, n, m, tuple(f.split()), int(v), tuple(c.split()))  # type: ignore[arg-type]
    for h, n, m, f, v, c in (
        [col.strip() for col in line.split("|")] for line in _CREATORS.strip().splitlines()
    )
]
DEMO_ACCOUNT_HANDLE = "casey.creates"  # run by the demo account "creator"

HOOKS = [
    "honest review", "worth the hype?", "3 ways to use it", "restocked!", "my new favourite",
    "don't buy before watching", "under-rated find", "day 7 update", "gift idea", "POV: it works",
]  # fmt: skip
CAPTIONS = [
    "Tried the {title} for a week. Here's the truth.",
    "Okay the {title} actually surprised me",
    "Three reasons I keep reaching for the {title}",
    "Is the {title} worth it? Watch till the end",
    "Unboxing the {title} everyone keeps asking about",
    "The {title} glow-up nobody talks about",
    "Before you buy the {title}, watch this",
    "Why the {title} lives in my cart",
]
HASHTAGS = {
    "beauty": "skincare beauty glowup", "fashion": "ootd style outfitideas",
    "home": "homedecor cozyhome", "kitchen": "kitchenhacks recipe", "tech": "gadgets techreview",
    "fitness": "homeworkout fitness", "snacks": "snacktok tastetest", "toys": "toys giftideas",
}  # fmt: skip
GENERIC_TAGS = ["review", "haul", "founditonthemarketplace", "shopwithme", "musthave"]


@dataclass
class VideoPlan:
    creator: Creator
    slot: int
    products: list[Product]
    seconds: int
    hook: str
    caption: str
    hashtags: str
    age: timedelta
    zoom_in: bool

    @property
    def stem(self) -> str:
        return f"videos/{self.creator.pk}/demo-{self.slot:03d}"


def _user_for(handle: str, market: str, counts: Counter):
    User = get_user_model()
    username = "creator" if handle == DEMO_ACCOUNT_HANDLE else f"demo-{handle}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, email=f"{username}@demo.marketplace.test", market_id=market)
        if username == "creator":
            from marketplace.demo import DEMO_PASSWORD

            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save()
        counts["auth user created"] += 1
    return user


def creators_load(counts: Counter, roster: list[CreatorPlan]) -> dict[str, Creator]:
    handles = [plan.handle for plan in roster]
    existing = {c.handle: c for c in Creator.objects.filter(handle__in=handles)}
    out = {}
    for plan in roster:
        creator = existing.get(plan.handle)
        if creator is None:
            user = _user_for(plan.handle, plan.market, counts)
            creator = Creator.objects.filter(user=user).first()  # already a creator
            if creator is None:
                creator = Creator(
                    user=user,
                    handle=plan.handle,
                    display_name=plan.name,
                    bio=plan.bio,
                    market_id=plan.market,
                )
                avatar = ContentFile(avatar_draw(plan.name, plan.colours))
                creator.avatar.save("avatar.jpg", avatar, save=False)
                creator.save()
                counts["creators.Creator created"] += 1
        elif not creator.avatar.name or not creator.avatar.storage.exists(creator.avatar.name):
            avatar = ContentFile(avatar_draw(plan.name, plan.colours))
            creator.avatar.save("avatar.jpg", avatar, save=False)
            creator.save(update_fields=["avatar"])
            counts["creators.Creator avatar drawn"] += 1
        out[plan.handle] = creator
    return out


def _products_by_market(markets: set[str]) -> dict[str, list[Product]]:
    images = ProductImage.objects.order_by("position", "id")
    products = (
        Product.objects.filter(market__in=markets)
        .filter(status=ProductStatus.ACTIVE, seller__is_active=True)
        .select_related("category")
        .prefetch_related(Prefetch("images", queryset=images, to_attr="image_list"))
        .order_by("id")
    )
    out: dict[str, list[Product]] = {}
    for product in products:
        out.setdefault(product.market_id, []).append(product)
    return out


def _plan(
    creators: dict[str, Creator], rng: random.Random, roster: list[CreatorPlan]
) -> list[VideoPlan]:
    catalog = _products_by_market({plan.market for plan in roster})
    plans = []
    for creator_plan in roster:
        pool = catalog.get(creator_plan.market, [])
        if not pool:
            continue
        focus = creator_plan.focus
        focused = [p for p in pool if p.category and p.category.slug in focus] or pool
        firsts = rng.sample(focused, len(focused))  # each video leads with another product
        for slot in range(1, creator_plan.videos + 1):
            first = firsts[(slot - 1) % len(firsts)]
            n = rng.choices((1, 2, 3), weights=(5, 3, 2))[0]
            related = [
                p for p in focused if p.pk != first.pk and p.category_id == first.category_id
            ]
            others = rng.sample(related, min(n - 1, len(related)))
            slug = first.category.slug if first.category else ""
            tags = HASHTAGS.get(slug, "").split() + rng.sample(GENERIC_TAGS, 2)
            plans.append(
                VideoPlan(
                    creator=creators[creator_plan.handle],
                    slot=slot,
                    products=[first, *others],
                    seconds=rng.choice((5, 6, 7, 8, 9, 10, 12, 15)),
                    hook=rng.choice(HOOKS),
                    caption=rng.choice(CAPTIONS).format(title=first.title),
                    hashtags=" ".join(tags),
                    # Newer videos more often than old ones, over the last 30 days.
                    age=timedelta(hours=round(720 * rng.random() ** 2, 2) + 1),
                    zoom_in=rng.random() < 0.6,
                )
            )
    return plans


def _picture(product: Product) -> bytes | None:
    for image in getattr(product, "image_list", []):
        if image.image and image.image.storage.exists(image.image.name):
            with image.image.storage.open(image.image.name, "rb") as f:
                return f.read()
    return None


def _make(plan: VideoPlan) -> Clip | None:
    first = plan.products[0]
    try:
        return clip_make(
            picture=_picture(first),
            title=first.title,
            hook=plan.hook,
            seconds=plan.seconds,
            zoom_in=plan.zoom_in,
        )
    except Exception:  # a clip that cannot be made is skipped, the demo goes on
        log.exception("demo clip %s could not be made", plan.stem)
        return None


def _stored_clip(plan: VideoPlan) -> Clip | None:
    """The clip already in the storage (a re-run beside a fresh database), if complete."""
    video, poster = f"{plan.stem}.mp4", f"{plan.stem}.jpg"
    if not (default_storage.exists(video) and default_storage.exists(poster)):
        return None
    try:
        probe = media.probe(default_storage.path(video), container="mp4")
    except (NotImplementedError, media.MediaError):
        return None
    return Clip(b"", b"", probe.duration_ms or 0, probe.width, probe.height)


def _save(plan: VideoPlan, clip: Clip, video: Video | None, now, counts: Counter) -> None:
    names = {}
    for ext, data in (("mp4", clip.video), ("jpg", clip.poster)):
        name = f"{plan.stem}.{ext}"
        if data:
            if default_storage.exists(name):
                default_storage.delete(name)
            name = default_storage.save(name, ContentFile(data))
        names[ext] = name
    fields = {
        "file": names["mp4"],
        "poster": names["jpg"],
        "duration_ms": clip.duration_ms,
        "width": clip.width,
        "height": clip.height,
    }
    if video is not None:  # the row is there, its files were lost: put them back
        for key, value in fields.items():
            setattr(video, key, value)
        video.save(update_fields=list(fields))
        counts["creators.Video files restored"] += 1
        return
    video = Video.objects.create(
        creator=plan.creator,
        market_id=plan.creator.market_id,
        caption=plan.caption,
        hashtags=plan.hashtags,
        category_id=plan.products[0].category_id,
        status=VideoStatus.PUBLISHED,
        published_at=now - plan.age,
        **fields,
    )
    VideoProduct.objects.bulk_create(
        VideoProduct(video=video, product=p, position=i) for i, p in enumerate(plan.products, 1)
    )
    counts["creators.Video created"] += 1


def load_creators_demo(
    *,
    rng: random.Random,
    progress=None,
    workers: int | None = None,
    roster: list[CreatorPlan] | None = None,
) -> Counter:
    """Load the demo creators and videos; returns what was written, by kind.

    ``progress`` is a DemoContext (``add_steps``/``step``), a tqdm bar or None; ``roster``
    replaces ``CREATORS`` (tests use a short one)."""
    roster = CREATORS if roster is None else roster
    counts: Counter = Counter()
    steps = Steps(progress)
    steps.add(len(roster), "creators")
    creators = creators_load(counts, roster)
    steps.step(len(roster))

    plans = _plan(creators, rng, roster)
    existing = {
        (v.creator_id, v.file.name): v
        for v in Video.objects.filter(creator__in=creators.values(), file__contains="/demo-")
    }
    missing: list[tuple[VideoPlan, Video | None]] = []
    for plan in plans:
        video = existing.get((plan.creator.pk, f"{plan.stem}.mp4"))
        if video is None or not default_storage.exists(video.file.name or ""):
            missing.append((plan, video))
    steps.add(len(missing), "creator videos")
    now = timezone.now()
    to_make = []
    for plan, video in missing:
        stored = _stored_clip(plan) if video is None else None
        if stored is None:
            to_make.append((plan, video))
        else:  # files kept from an earlier run: only the row is missing
            _save(plan, stored, video, now, counts)
            steps.step()
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 2) as pool:
        for (plan, video), clip in zip(
            to_make, pool.map(_make, [p for p, _ in to_make]), strict=True
        ):
            if clip is not None:
                _save(plan, clip, video, now, counts)
                counts["clips made"] += 1
            steps.step()

    _counters_fix(creators.values())
    _follows_load(creators, counts)
    return counts


def _counters_fix(creators) -> None:
    """``video_count`` is the number of published videos, exactly."""
    published = Count("videos", filter=Q(videos__status=VideoStatus.PUBLISHED))
    for row in Creator.objects.filter(pk__in=[c.pk for c in creators]).annotate(n=published):
        if row.video_count != row.n:
            Creator.objects.filter(pk=row.pk).update(video_count=row.n)


def _follows_load(creators: dict[str, Creator], counts: Counter) -> None:
    """The demo shopper follows a few US creators, so the Following feed has videos."""
    shopper = get_user_model().objects.filter(username="shopper").first()
    if shopper is None:
        return
    for handle in ("casey.creates", "glowwithmia", "kitchenkai", "techtalkteo", "snackscout"):
        if handle in creators and follow_create(user=shopper, creator=creators[handle]):
            counts["creators.Follow created"] += 1
