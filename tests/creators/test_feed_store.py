"""The feed store's shortcuts: pool chunks decoded once per worker, presence checks that
carry no values, entries and reasons encoded from memo, cursors without zlib. Each must
give exactly what the long way gives."""

from __future__ import annotations

import json
import time

import pytest
from django.core import signing
from django.core.cache import cache

from creators.feed import cards, sessions, store
from creators.feed import reasons as R
from creators.feed.cursors import decode, encode
from creators.feed.ranking import Candidate


def _candidates(n: int, first_id: int = 1) -> list[Candidate]:
    return [
        Candidate(
            id=first_id + i,
            creator_id=1 + i % 7,
            handle=f"c{1 + i % 7}",
            category_id=3,
            published_ts=1_700_000_000.0 + i,
            score=1000.0 - i,
            popular=i < 10,
        )
        for i in range(n)
    ]


@pytest.fixture
def fetches(monkeypatch):
    """The keys each store read asked Redis (or the cache) for."""
    asked: list[list[str]] = []
    real = store._fetch

    def counted(market, version, keys):
        asked.append(list(keys))
        return real(market, version, keys)

    monkeypatch.setattr(store, "_fetch", counted)
    return asked


def test_a_worker_reads_each_pool_chunk_once_and_slices_it_like_a_fresh_read(fetches):
    popular = _candidates(160)
    version = store.pools_write(market="US", pools={"popular": popular}, info={"n": 1})
    slices = {"popular": (40, 110), "cat:99": (0, 25)}  # crosses chunks; a pool it lacks

    info, first = store.pools_read(market="US", version=version, slices=slices)
    assert info == {"n": 1}
    assert [c.id for c in first["popular"]] == [c.id for c in popular[40:110]]
    assert first["popular"] == popular[40:110]  # every field survives the round trip
    assert first["cat:99"] == []
    assert len(fetches) == 1 and len(fetches[0]) == 1 + 3 + 1  # info, chunks 0–2, cat

    info_again, again = store.pools_read(market="US", version=version, slices=slices)
    assert len(fetches) == 1  # nothing read twice, not even the absent pool
    assert (info_again, again) == (info, first)

    # A slice reaching into chunks not read yet fetches only those.
    _, tail = store.pools_read(market="US", version=version, slices={"popular": (100, 160)})
    assert tail["popular"] == popular[100:160]
    # ... and the info again, which says whether the version still exists.
    assert fetches[1] == [store._pool_key("US", version, n) for n in ("info", "popular:3")]


def test_a_version_nobody_wrote_reads_as_gone_and_is_not_remembered(fetches):
    assert store.pools_read(market="US", version="feedbeef", slices={"popular": (0, 5)}) == (
        None,
        {},
    )
    assert store.pools_read(market="US", version="feedbeef", slices={"popular": (0, 5)}) == (
        None,
        {},
    )
    assert len(fetches) == 2  # "gone" is asked again: the version might still be written


def _vanish(version: str) -> None:
    """The version's info expires (or Redis is flushed)."""
    client = store.redis_client()
    if client is not None:
        client.delete(store._pool_key("US", version, "info"))
    else:
        cache.delete(store._pool_key("US", version))


def test_a_version_that_vanishes_is_gone_once_a_read_needs_the_store(fetches):
    version = store.pools_write(market="US", pools={"popular": _candidates(120)}, info={})
    store.pools_read(market="US", version=version, slices={"popular": (0, 50)})
    _vanish(version)
    # What this worker holds stays true (a version never changes) ...
    assert store.pools_read(market="US", version=version, slices={"popular": (0, 50)})[0] == {}
    # ... but a chunk it does not hold finds the version gone, and so does what it held.
    assert store.pools_read(market="US", version=version, slices={"popular": (50, 100)}) == (
        None,
        {},
    )
    assert store.pools_read(market="US", version=version, slices={"popular": (0, 50)}) == (
        None,
        {},
    )


def test_a_worker_keeps_the_two_newest_versions_of_a_market(fetches):
    versions = []
    for _ in range(3):
        time.sleep(0.002)  # versions are millisecond timestamps
        versions.append(store.pools_write(market="US", pools={"popular": _candidates(5)}, info={}))
    assert len(set(versions)) == 3
    for version in versions:
        store.pools_read(market="US", version=version, slices={"popular": (0, 5)})
    assert len(fetches) == 3
    for version in versions[1:]:  # the newest two: from memory
        store.pools_read(market="US", version=version, slices={"popular": (0, 5)})
    assert len(fetches) == 3
    store.pools_read(market="US", version=versions[0], slices={"popular": (0, 5)})
    assert len(fetches) == 4  # the oldest was let go


def test_forgetting_the_local_memo_reads_the_store_again(fetches):
    version = store.pools_write(market="US", pools={"popular": _candidates(10)}, info={})
    store.pools_read(market="US", version=version, slices={"popular": (0, 10)})
    store.forget_local_memo()
    store.pools_read(market="US", version=version, slices={"popular": (0, 10)})
    assert len(fetches) == 2


def test_missing_keys_are_named_in_the_order_asked():
    store.kv_set_many({"card:1": "{}", "card:3": "{}"}, 60)
    assert store.kv_missing(["card:1", "card:2", "card:3", "card:4"]) == ["card:2", "card:4"]
    assert store.kv_missing([]) == []


@pytest.mark.parametrize(
    "reasons",
    [
        (R.popular_in("US"),),
        (R.watched_creator("zoë"), R.watched_category("Crème brûlée")),
        [["newest", "New in JP"]],  # as a session read it back
    ],
)
def test_session_entries_encode_as_compact_json(reasons):
    entry = [123, 45, reasons]
    text = sessions.entry_json(entry)
    assert text == json.dumps([123, 45, [list(r) for r in reasons]], separators=(",", ":"))
    assert sessions.entry_json(entry) == text  # from the memo the second time
    assert sessions._entries(f"{text}\n{text}".encode()) == [json.loads(text)] * 2


def test_reason_json_is_what_json_dumps_gives_for_the_dicts():
    made = R.as_dicts([R.watched_category("Crème"), R.popular_in("GB")])
    expected = json.dumps(
        [
            {"code": "category", "text": "Because you watched crème videos"},
            {"code": "popular", "text": "Popular in GB"},
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    assert R.as_json(made) == expected
    assert R.as_json(R.as_dicts([tuple(r) for r in made.key])) == expected  # memo hit
    assert R.as_json([{"code": "x", "text": "plain list"}]) == '[{"code":"x","text":"plain list"}]'


def test_cursors_signed_before_this_change_still_decode():
    payload = {"m": "foryou", "u": 7, "s": "abc", "o": 40}
    old = signing.dumps(payload, salt="creators.feed.cursor", compress=True)
    assert decode(old, mode="foryou", viewer_id=7) == payload
    assert decode(encode(payload), mode="foryou", viewer_id=7) == payload


@pytest.fixture
def card_reads(monkeypatch):
    """The video ids each whole-card read asked the store for."""
    asked: list[list[int]] = []
    real = cards.cards_get

    def counted(video_ids):
        asked.append(list(video_ids))
        return real(video_ids)

    monkeypatch.setattr(cards, "cards_get", counted)
    return asked


def _put_card(video_id: int, caption: str) -> str:
    """Store a card as the card builder would; returns its stamp."""
    stored = cards._stored({"id": video_id, "caption": caption})
    store.kv_set_many({cards.card_keys([video_id])[0]: stored}, 60)
    return stored[: cards.STAMP_LEN]


@pytest.mark.django_db
def test_a_card_is_read_whole_only_when_its_stamp_is_new_to_the_worker(card_reads):
    first = _put_card(5, "before")
    assert cards.cards_from_stamps([5], [first])[5]["caption"] == "before"
    assert card_reads == [[5]]
    assert cards.cards_from_stamps([5], [first.encode()])[5]["caption"] == "before"
    assert card_reads == [[5]]  # known stamp (bytes, as Redis returns it): from memory

    changed = _put_card(5, "after")  # rewritten in place, as the fold's write-through does
    assert changed != first
    assert cards.cards_from_stamps([5], [changed])[5]["caption"] == "after"
    assert card_reads == [[5], [5]]

    # No stamp (no card cached) and no published video behind it: no card, no error.
    assert cards.cards_from_stamps([6], [None]) == {}
    assert cards.cards_from_stamps([6], [b""]) == {}


def test_the_stamp_is_a_hash_of_the_cards_json():
    a = cards._stored({"id": 1, "caption": "x"})
    assert a[cards.STAMP_LEN :] == '{"id":1,"caption":"x"}'
    assert a[: cards.STAMP_LEN] == cards._stored({"id": 1, "caption": "x"})[: cards.STAMP_LEN]
    assert a[: cards.STAMP_LEN] != cards._stored({"id": 1, "caption": "y"})[: cards.STAMP_LEN]
