"""Building a subscriber's daily briefing: what is new for them, ranked, in one message.

The scheduled send, ``/brief``, "send me one now" and ``newsbot brief`` all call
:func:`briefing_for`, so a preview is exactly what the morning message will say. A briefing is
always a single Telegram message (stories are dropped from the end until it fits), which keeps
the delivery log's one-row-per-day promise simple.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from bot.clock import from_iso, utc_iso
from bot.render import MAX_MESSAGE_CHARS, clip, esc, visible_length
from bot.store import Store
from bot.store.deliveries import Window
from bot.story_text import best_title, notable_direct_quote, summary_sentence
from bot.views import Attributed, listable, role_text, tidy_quote

if TYPE_CHECKING:
    from typing_extensions import ReadOnly

    from bot.store.rows import DirectQuote

MAX_STORIES = 5
#: Slots kept for the day's biggest stories, whatever the subscriber follows (when there are
#: that many others).
MIN_BIGGEST = 2
#: The first briefing (and one after a long pause) looks back this far at most.
FIRST_LOOKBACK = timedelta(hours=24)
MAX_LOOKBACK = timedelta(days=7)
#: A story shown in a briefing of the last week returns only when it grew.
REMEMBERED = timedelta(days=7)
#: The button under each story opens it (handlers/stories.py): its articles and quotes.
STORY_BUTTON = "sy:"
#: Hours after which a source's report counts half as much toward a story's coverage.
HALF_LIFE_HOURS = 24.0
#: How long before the window a story's reports still count toward its sources and quotes.
COUNTED_BEFORE = timedelta(days=1)
#: A story's newest articles that its title, summary, quote and topics are chosen from.
MEMBERS_SHOWN = 30


@dataclass(frozen=True, slots=True)
class Story:
    """One story of a briefing, as shown: its numbers are those of ``/story N``."""

    story_id: int
    article_id: int
    title: str
    sentence: str
    quote: DirectQuote | None
    topics: list[str]
    followed: bool
    score: float
    sources: int = 1
    quotes: int = 0
    update: bool = False


@dataclass(frozen=True, slots=True)
class Briefing:
    day: date
    window: Window
    stories: list[Story]
    text: str
    buttons: list[list[tuple[str, str]]]

    @property
    def empty(self) -> bool:
        return not self.stories

    @property
    def sizes(self) -> list[tuple[int, int, int]]:
        """(story id, sources, quotes) of each story shown: what the chat is remembered to
        have seen (``StoryStore.remember_sent``)."""
        return [(s.story_id, s.sources, s.quotes) for s in self.stories]


@dataclass(frozen=True, slots=True)
class Follows:
    """What a subscriber follows: topic ids, and person ids where people can be followed."""

    topics: frozenset[int] = frozenset()
    people: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.topics or self.people)


def briefing_window(store: Store, chat_id: int | None, day: date, as_of: datetime) -> Window:
    """From where the subscriber's previous briefing stopped (bounded) up to ``as_of``."""
    previous = store.deliveries.previous_end(chat_id, day) if chat_id is not None else None
    start = previous or as_of - FIRST_LOOKBACK
    return Window(start=min(max(start, as_of - MAX_LOOKBACK), as_of), end=as_of)


def follows_of(store: Store, chat_id: int | None) -> Follows:
    if chat_id is None:
        return Follows()
    return Follows(
        topics=frozenset(store.subscriptions.followed_ids(chat_id)),
        people=frozenset(store.alerts.followed_ids(chat_id)),
    )


def briefing_for(store: Store, chat_id: int | None, day: date, as_of: datetime) -> Briefing:
    """The briefing ``chat_id`` gets for ``day`` if built at ``as_of`` (None: no follows)."""
    window = briefing_window(store, chat_id, day, as_of)
    follows = follows_of(store, chat_id)
    sent = sent_to(store, chat_id, day)
    return build_briefing(store, day, window, follows, sent, chat_id=chat_id)


def sent_to(store: Store, chat_id: int | None, day: date) -> dict[int, tuple[int, int]]:
    """{story id: (sources, quotes)} of the stories the chat's briefings of the last week
    (before ``day``) showed."""
    if chat_id is None:
        return {}
    since = (day - REMEMBERED).isoformat()
    return store.stories.sent_sizes(chat_id, since, day.isoformat())


def build_briefing(
    store: Store,
    day: date,
    window: Window,
    follows: Follows | set[int],
    sent: dict[int, tuple[int, int]] | None = None,
    *,
    chat_id: int | None = None,
) -> Briefing:
    """``sent``: what the chat's last briefings showed; ``chat_id``: whose capped alerts are
    mentioned."""
    if not isinstance(follows, Follows):
        follows = Follows(topics=frozenset(follows))
    sent = sent or {}
    picked = pick_stories(rank_stories(store, window, follows, sent))
    until = utc_iso(window.end)
    stories = [_story(store, t, t.story_id in sent, until) for t in picked]
    note = folded_alerts_note(store, chat_id, window) if chat_id is not None else ""
    while True:
        text = render_briefing(day, stories, note)
        if visible_length(text) <= MAX_MESSAGE_CHARS or not stories:
            break
        stories = stories[:-1]
    buttons = [
        [(clip(f"{story.title}", 60), f"{STORY_BUTTON}{story.story_id}")] for story in stories
    ]
    return Briefing(day=day, window=window, stories=stories, text=text, buttons=buttons)


def pick_stories(ranked: list[_Tally]) -> list[_Tally]:
    """Followed stories first, leaving at least ``MIN_BIGGEST`` slots to the biggest others
    (when there are that many); the rest by rank."""
    followed = [t for t in ranked if t.followed]
    others = sum(1 for t in ranked if not t.followed)
    first = followed[: MAX_STORIES - min(MIN_BIGGEST, others)]
    chosen = {t.story_id for t in first}
    rest = [t for t in ranked if t.story_id not in chosen][: MAX_STORIES - len(first)]
    return first + rest


@dataclass(slots=True)
class _Tally:
    """A story's standing among those of a briefing window."""

    story_id: int
    coverage: float = 0.0
    freshness: float = 0.0
    sources: int = 0
    quotes: int = 0
    followed: bool = False


def _recency(ingested_at: str, day: str | None, as_of: datetime) -> float:
    """1 for a report of now, halving every ``HALF_LIFE_HOURS``: when it was ingested, or
    published (noon of its date) when that is earlier."""
    seen = from_iso(ingested_at)
    if day:
        try:
            dated = datetime.fromisoformat(day[:10]).replace(tzinfo=UTC)
            seen = min(seen, dated + timedelta(hours=12))
        except ValueError:
            pass
    age_hours = max((as_of - seen).total_seconds() / 3600, 0.0)
    return float(0.5 ** (age_hours / HALF_LIFE_HOURS))


def _tallies(store: Store, window: Window) -> dict[int, _Tally]:
    """Coverage, freshness, sources and quotes of each story with news in the window, from
    one row per story and source (``StoryStore.by_source``) over the window and the
    ``COUNTED_BEFORE`` ahead of it: the distinct sources, each by its latest report."""
    as_of = window.end
    tallies: dict[int, _Tally] = {}
    best: dict[tuple[int, str], float] = {}
    rows = store.stories.by_source(
        utc_iso(window.start - COUNTED_BEFORE), utc_iso(window.start), utc_iso(window.end)
    )
    for story_id, source, ingested_at, day, quotes in rows:
        tally = tallies.setdefault(story_id, _Tally(story_id))
        recency = _recency(ingested_at, day, as_of)
        tally.freshness = max(tally.freshness, recency)
        tally.quotes += quotes or 0
        names = [n.strip().casefold() for n in (source or "").split(",") if n.strip()]
        for name in names or [""]:
            best[(story_id, name)] = max(best.get((story_id, name), 0.0), recency)
    for (story_id, _), recency in best.items():
        tallies[story_id].coverage += recency
        tallies[story_id].sources += 1
    return tallies


def rank_stories(
    store: Store, window: Window, follows: Follows, sent: dict[int, tuple[int, int]]
) -> list[_Tally]:
    """The stories with news in the window, biggest first: distinct sources weighted by how
    recent their reports are, then followed ones, then the freshest and the most quoted. A
    story already shown (``sent``) comes back only with more sources or quotes."""
    tallies = _tallies(store, window)
    if not tallies:
        return []
    followed = _followed_stories(store, window, follows)
    ranked = []
    for tally in tallies.values():
        before = sent.get(tally.story_id)
        if before is not None and tally.sources <= before[0] and tally.quotes <= before[1]:
            continue
        tally.followed = tally.story_id in followed
        ranked.append(tally)
    ranked.sort(
        key=lambda t: (-round(t.coverage, 1), not t.followed, -t.freshness, -t.quotes, -t.story_id)
    )
    return ranked


def _followed_stories(store: Store, window: Window, follows: Follows) -> set[int]:
    """Stories with an article in the window on a followed topic or naming a followed
    person (the window's articles, by ingestion time, each probed in the link table)."""
    return store.stories.followed_in_window(
        utc_iso(window.start), utc_iso(window.end), follows.topics, follows.people
    )


def _story(store: Store, tally: _Tally, update: bool, until: str) -> Story:
    """A ranked story as shown: the best title (and its article), a clean sentence from the
    summaries, the most notable direct quote of any of its articles, its topics."""
    newest = store.stories.members([tally.story_id], latest=MEMBERS_SHOWN)
    members = [a for a in newest if a["ingested_at"] <= until] or newest
    members.sort(key=lambda a: (a["ingested_at"], a["id"]))
    titles = [a["title"] for a in members]
    title = best_title(titles)
    lead = members[titles.index(title)]
    ids = [a["id"] for a in members]
    quotes = store.stories.direct_quotes(ids)
    topics = store.stories.top_topics(ids, limit=4)
    summaries = [lead.get("summary") or ""] + [a.get("summary") or "" for a in members]
    return Story(
        story_id=tally.story_id,
        article_id=lead["id"],
        title=title,
        sentence=summary_sentence(summaries),
        quote=notable_direct_quote(quotes),
        topics=topics,
        followed=tally.followed,
        score=tally.coverage,
        sources=tally.sources,
        quotes=tally.quotes,
        update=update,
    )


class _Placed(Attributed):
    """A quote with where it starts in its article (the earlier wins a tie)."""

    start: ReadOnly[int | None]


_Quote = TypeVar("_Quote", bound=_Placed)


def notable_quote(quotes: Sequence[_Quote]) -> _Quote | None:
    """A direct quote with a named speaker and a readable length beats everything else."""

    def weight(quote: _Placed) -> tuple[float, int]:
        kind = {"direct": 3.0, "partial": 1.5}.get(quote.get("kind") or "", 0.0)
        named = 2.0 if quote.get("speaker") else 0.0
        length = len(quote.get("text") or "")
        fit = 1.0 if 40 <= length <= 240 else 0.3 if length > 240 else length / 40
        return kind + named + fit, -(quote.get("start") or 0)

    usable = [q for q in quotes if listable(q)]
    return max(usable, key=weight) if usable else None


def long_date(day: date) -> str:
    return f"{day:%A}, {day.day} {day:%B %Y}"


def counts_line(sources: int, quotes: int) -> str:
    """``3 sources · 5 quotes``."""
    line = f"{sources} source{'' if sources == 1 else 's'}"
    if quotes:
        line += f" · {quotes} quote{'' if quotes == 1 else 's'}"
    return line


def render_story(story: Story) -> str:
    """One story: headline, a sentence, a direct quote with its speaker, counts, topics."""
    mark = "🔄 Update: " if story.update else ""
    lines = [f"<b>{mark}{esc(clip(story.title, 200))}</b>"]
    if story.sentence and story.sentence != story.title:
        lines.append(esc(story.sentence))
    if story.quote:
        speaker = story.quote.get("speaker")
        role = role_text(story.quote.get("speaker_role"))
        who = f" — <i>{esc(clip(speaker, 80))}</i>" if speaker else ""
        if speaker and role:
            who += f", {esc(clip(role, 80))}"
        said = clip(tidy_quote(story.quote["text"]), 200)
        lines.append(f"💬 “{esc(said)}”{who}")
    lines.append(f"📰 {counts_line(story.sources, story.quotes)} · /story {story.story_id}")
    if story.topics:
        lines.append("🏷 " + ", ".join(esc(t) for t in story.topics))
    return "\n".join(lines)


#: Alerts over the daily cap that a briefing lists at most.
MAX_FOLDED_LINES = 5


def folded_alerts_note(store: Store, chat_id: int, window: Window) -> str:
    """The alerts the daily cap held back since the last briefing, as a block ('' if none)."""
    folded = store.alerts.folded_since(chat_id, window.start)
    if not folded:
        return ""
    lines = [
        f"• <b>{esc(clip(row['name'], 60))}</b> in #{row['article_id']} "
        f"{esc(clip(row['title'] or '', 80))}"
        for row in folded[:MAX_FOLDED_LINES]
    ]
    if len(folded) > MAX_FOLDED_LINES:
        lines.append(f"… and {len(folded) - MAX_FOLDED_LINES} more")
    return "🔔 <b>Also quoted, past your daily alert limit</b>\n" + "\n".join(lines)


def render_briefing(day: date, stories: list[Story], note: str = "") -> str:
    """The whole message as Telegram HTML; ``note``: the alerts the daily cap held back."""
    header = f"☀️ <b>Your briefing · {esc(long_date(day))}</b>"
    if not stories:
        empty = f"{header}\nNothing new since your last briefing. /latest shows recent stories."
        return f"{empty}\n\n{note}" if note else empty
    count = f"{len(stories)} top stor{'y' if len(stories) == 1 else 'ies'} since your last briefing"
    blocks = [f"{header}\n{count}"]
    blocks += [render_story(story) for story in stories]
    if note:
        blocks.append(note)
    blocks.append("<i>Tap a story below for its articles and who said what · /settings</i>")
    return "\n\n".join(blocks)
