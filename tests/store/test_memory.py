"""Long-lived data is kept out of the garbage collector's full sweeps (bot.memory)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.ingest import ingest_paths
from bot.memory import settle_long_lived
from bot.search import SearchIndex
from bot.store import Store

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    """Each test starts and ends with nothing frozen (the rest of the suite is unaffected)."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_settling_takes_what_is_alive_out_of_future_collections() -> None:
    kept = [{"name": f"person {i}"} for i in range(1000)]
    settle_long_lived()
    assert gc.get_freeze_count() >= len(kept)


def test_garbage_is_collected_before_the_rest_is_frozen() -> None:
    class Node:
        def __init__(self) -> None:
            self.me = self  # a cycle: only the collector frees it

    cycles = [Node() for _ in range(500)]
    watched = [weakref.ref(node) for node in cycles]
    del cycles
    settle_long_lived()
    assert all(ref() is None for ref in watched)  # collected, not frozen for good


def test_a_large_store_freezes_its_vocabulary_once_read(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_paths(store, [SEEDS])
    monkeypatch.setattr(SearchIndex, "VOCABULARY_SYNC_MAX", 0)  # read as a large store's is
    index = SearchIndex(store)
    assert index.wait_until_ready(10)
    assert gc.get_freeze_count() > 0
    (best, *_) = index.who_said("every gigawatt counts")
    assert "every gigawatt counts" in store.articles.quote(best.quote_id)["text"]
