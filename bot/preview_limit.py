"""How often ``/brief`` and "send me one now" post a whole briefing into one chat.

Anyone in a group may ask for the briefing, and each ask posts the full message for every
member to see; without a limit one member can fill the group with it. Bot admins are not
limited (they test briefings); everyone else shares the chat's allowance.
"""

from __future__ import annotations

import collections
import time
from collections.abc import Callable

#: Previews per chat within ``WINDOW`` seconds: a private chat may look a few times after
#: changing its topics; a group gets one, which all its members then see.
PRIVATE_PREVIEWS = 3
GROUP_PREVIEWS = 1
WINDOW = 600.0
#: ``bot_data`` key of the application's :class:`PreviewLimit` (tests set one on their clock).
PREVIEW_LIMIT = "preview_limit"
#: Chats remembered at most; the oldest are forgotten first.
MAX_CHATS = 10_000


class PreviewLimit:
    """A sliding window of previews per chat."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._sent: collections.OrderedDict[int, collections.deque[float]] = (
            collections.OrderedDict()
        )

    def wait(self, chat_id: int) -> float:
        """Seconds until this chat may have another preview (0: now); counts it when 0."""
        now = self._clock()
        allowed = PRIVATE_PREVIEWS if chat_id > 0 else GROUP_PREVIEWS
        times = self._sent.setdefault(chat_id, collections.deque())
        self._sent.move_to_end(chat_id)
        while times and times[0] <= now - WINDOW:
            times.popleft()
        if len(times) >= allowed:
            return times[0] + WINDOW - now
        times.append(now)
        while len(self._sent) > MAX_CHATS:
            self._sent.popitem(last=False)
        return 0.0


def refusal(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    return (
        "This chat had a briefing a moment ago, so I won't post another one just yet: "
        f"ask again in about {minutes} min. The daily briefing still comes at its time."
    )
