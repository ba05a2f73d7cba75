"""Building a subscriber's daily briefing: what is new for them, ranked, in one message.

The scheduled send, ``/brief``, "send me one now" and ``newsbot brief`` all call
:func:`briefing_for`, so a preview is exactly what the morning message will say. A briefing is
always a single Telegram message (stories are dropped from the end until it fits), which keeps
the delivery log's one-row-per-day promise simple.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.clock import from_iso, utc_iso
from bot.render import MAX_MESSAGE_CHARS, clip, esc, visible_length
from bot.store import Store
from bot.store.deliveries import Window
from bot.views import listable, role_text, tidy_quote

MAX_STORIES = 5
#: With at least this many stories on followed topics, the others are left out.
ENOUGH_FOLLOWED = 3
#: The first briefing (and one after a long pause) looks back this far at most.
FIRST_LOOKBACK = timedelta(hours=24)
MAX_LOOKBACK = timedelta(days=7)
#: Same callback as /latest and /search buttons: shows the article's summary.
ARTICLE_BUTTON = "ar:"

_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“(A-Z0-9])")


@dataclass(frozen=True, slots=True)
class Story:
    article_id: int
    title: str
    sentence: str
    quote: dict[str, Any] | None
    topics: list[str]
    followed: bool
    score: float


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


def briefing_window(store: Store, chat_id: int | None, day: date, as_of: datetime) -> Window:
    """From where the subscriber's previous briefing stopped (bounded) up to ``as_of``."""
    previous = store.deliveries.previous_end(chat_id, day) if chat_id is not None else None
    start = previous or as_of - FIRST_LOOKBACK
    return Window(start=min(max(start, as_of - MAX_LOOKBACK), as_of), end=as_of)


def briefing_for(store: Store, chat_id: int | None, day: date, as_of: datetime) -> Briefing:
    """The briefing ``chat_id`` gets for ``day`` if built at ``as_of`` (None: no follows)."""
    followed = store.subscriptions.followed_ids(chat_id) if chat_id is not None else set()
    window = briefing_window(store, chat_id, day, as_of)
    return build_briefing(store, day, window, followed, chat_id=chat_id)


def build_briefing(
    store: Store, day: date, window: Window, followed: set[int], *, chat_id: int | None = None
) -> Briefing:
    """``chat_id``: whose followed people lead too, and whose capped alerts are mentioned."""
    stories = pick_stories(rank_stories(store, window, followed, chat_id=chat_id))
    note = folded_alerts_note(store, chat_id, window) if chat_id is not None else ""
    while True:
        text = render_briefing(day, stories, note)
        if visible_length(text) <= MAX_MESSAGE_CHARS or not stories:
            break
        stories = stories[:-1]
    buttons = [
        [(clip(f"#{story.article_id} {story.title}", 60), f"{ARTICLE_BUTTON}{story.article_id}")]
        for story in stories
    ]
    return Briefing(day=day, window=window, stories=stories, text=text, buttons=buttons)


def pick_stories(ranked: list[Story]) -> list[Story]:
    """Followed topics first; only those when there are enough of them."""
    followed = [s for s in ranked if s.followed]
    if len(followed) >= ENOUGH_FOLLOWED:
        return followed[:MAX_STORIES]
    return (followed + [s for s in ranked if not s.followed])[:MAX_STORIES]


def rank_stories(
    store: Store, window: Window, followed: set[int], *, chat_id: int | None = None
) -> list[Story]:
    """Articles ingested in the window, best first: followed (a topic, or a person quoted,
    that ``chat_id`` follows), recent, rich in quotes/people."""
    articles = list(
        store.db.query(
            "select id, title, date, summary, n_quotes, ingested_at from articles "
            "where ingested_at > ? and ingested_at <= ? order by ingested_at desc, id desc "
            "limit 200",
            [utc_iso(window.start), utc_iso(window.end)],
        )
    )
    if not articles:
        return []
    ids = [a["id"] for a in articles]
    topics = _topics_by_article(store, ids)
    people = _people_counts(store, ids)
    quoting_followed = store.alerts.people_articles(chat_id, ids) if chat_id is not None else set()
    stories = []
    for article in articles:
        article_topics = topics.get(article["id"], [])
        is_followed = article["id"] in quoting_followed or any(
            topic_id in followed for topic_id, _ in article_topics
        )
        score = _score(article, people.get(article["id"], 0), window.end)
        stories.append(
            Story(
                article_id=article["id"],
                title=article["title"],
                sentence=first_sentence(article.get("summary") or ""),
                quote=notable_quote(store.articles.quotes_of_article(article["id"])),
                topics=[name for _, name in article_topics][:4],
                followed=is_followed,
                score=score,
            )
        )
    stories.sort(key=lambda s: (not s.followed, -s.score, -s.article_id))
    return stories


def _score(article: dict[str, Any], n_people: int, as_of: datetime) -> float:
    """Recency dominates; quotes and named people break ties between equally fresh stories."""
    published = from_iso(article["ingested_at"])
    if article.get("date"):
        try:
            dated = datetime.fromisoformat(article["date"]).replace(tzinfo=UTC) + timedelta(
                hours=12
            )
            published = min(published, dated)
        except ValueError:
            pass
    age_hours = max((as_of - published).total_seconds() / 3600, 0.0)
    recency = 1.0 / (1.0 + age_hours / 12.0)
    richness = min(article.get("n_quotes") or 0, 4) / 4 + min(n_people, 4) / 8
    return 3.0 * recency + richness


def _topics_by_article(store: Store, ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    marks = ",".join("?" * len(ids))
    found: dict[int, list[tuple[int, str]]] = {}
    for article_id, topic_id, name in store.db.execute(
        "select at.article_id, t.id, t.name from article_topics at "
        f"join topics t on t.id = at.topic_id where at.article_id in ({marks}) "
        "order by at.article_id, at.rank",
        ids,
    ):
        found.setdefault(article_id, []).append((topic_id, name))
    return found


def _people_counts(store: Store, ids: list[int]) -> dict[int, int]:
    marks = ",".join("?" * len(ids))
    return dict(
        store.db.execute(
            "select article_id, count(*) from article_people "
            f"where article_id in ({marks}) group by article_id",
            ids,
        ).fetchall()
    )


def first_sentence(summary: str, limit: int = 220) -> str:
    text = " ".join(summary.split())
    return clip(_SENTENCE_END.split(text, maxsplit=1)[0], limit) if text else ""


def notable_quote(quotes: list[dict[str, Any]]) -> dict[str, Any] | None:
    """A direct quote with a named speaker and a readable length beats everything else."""

    def weight(quote: dict[str, Any]) -> tuple[float, int]:
        kind = {"direct": 3.0, "partial": 1.5}.get(quote.get("kind") or "", 0.0)
        named = 2.0 if quote.get("speaker") else 0.0
        length = len(quote.get("text") or "")
        fit = 1.0 if 40 <= length <= 240 else 0.3 if length > 240 else length / 40
        return kind + named + fit, -(quote.get("start") or 0)

    usable = [q for q in quotes if listable(q)]
    return max(usable, key=weight) if usable else None


def long_date(day: date) -> str:
    return f"{day:%A}, {day.day} {day:%B %Y}"


def render_story(story: Story) -> str:
    """One story; its number is the article's, the one ``/article N`` opens."""
    lines = [f"<b>#{story.article_id} {esc(clip(story.title, 200))}</b>"]
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
    blocks.append("<i>Tap a story below to read its summary · /settings to change</i>")
    return "\n\n".join(blocks)
