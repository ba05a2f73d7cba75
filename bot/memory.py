"""Keeping the garbage collector's full sweeps short while the bot holds a large heap.

The search keeps big, long-lived structures in memory: every person's and topic's name and
the quote vocabulary, a few million objects at 100,000 articles. CPython's full collection
walks every object it tracks, so with those on the heap each full sweep would stall the event
loop, and every reply waiting behind it, for tens of milliseconds. :func:`settle_long_lived`
moves what is alive now into the permanent generation, which the collector does not walk.
Reference counting still frees those objects once they are replaced (they are dicts, lists,
tuples and strings, with no cycles); only cyclic garbage among them would stay, which is why a
collection runs first.
"""

from __future__ import annotations

import gc
import logging
import time

log = logging.getLogger(__name__)


def settle_long_lived() -> None:
    """Collect, then take everything alive out of future collections (see the module text).

    Call it once long-lived data has been loaded: at start-up and after each reload.
    """
    started = time.perf_counter()
    gc.collect()
    gc.freeze()
    log.debug(
        "froze %d long-lived objects in %.0f ms",
        gc.get_freeze_count(),
        (time.perf_counter() - started) * 1000,
    )
