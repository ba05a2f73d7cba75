"""The rows the store hands to the views, one ``TypedDict`` per query shape.

Each shape is the columns of the ``select`` that returns it, so a view that reads a column the
query does not fetch fails the type check instead of showing nothing. A column that may be
NULL is ``| None``, unless the one writer of its table always sets it (a quote's text, kind
and offsets: ``ArticleStore.save``); a shape extending another adds the columns of a join.
The store builds these from sqlite-utils' plain dicts with ``typing.cast``: the SQL next to
each cast is what makes it true.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

# -- articles --------------------------------------------------------------------------------


class ArticleCard(TypedDict):
    """An article as a list shows it (``/latest``, a topic's articles)."""

    id: int
    slug: str
    title: str
    date: str | None
    source: str | None
    summary: str | None
    n_quotes: int | None


class LatestArticle(ArticleCard):
    """A card of ``ArticleStore.latest``, with the story the article belongs to."""

    story_id: int | None


class ArticleRow(ArticleCard):
    """A whole ``articles`` row (``select *``): what ``/article`` opens."""

    url: str | None
    path: str | None
    content_hash: str
    sample: int | None
    body: str | None
    ingested_at: str
    paragraphs: str | None
    story_id: int | None
    story_day: str | None
    story_keys: str | None


class Paragraph(TypedDict):
    """One paragraph of an article, in order, under the heading it falls under."""

    idx: int
    section: str | None
    text: str


# -- quotes ----------------------------------------------------------------------------------


class QuoteRow(TypedDict):
    """A whole ``quotes`` row (``select *``)."""

    id: int
    article_id: int
    person_id: int | None
    speaker: str | None
    speaker_role: str | None
    text: str
    cue: str | None
    kind: str
    start: int
    end: int
    paragraph: int | None


class QuoteInArticle(QuoteRow):
    """A quote with the title and date of its article: a page of someone's quotes."""

    title: str
    date: str | None


class QuoteWithSlug(QuoteInArticle):
    """A quote with its article's title, date and slug: a search result."""

    slug: str


class FollowedQuote(TypedDict):
    """A quote of a followed person, as the alerts look for new ones (``person_id`` set)."""

    id: int
    article_id: int
    person_id: int
    text: str
    kind: str
    speaker: str | None
    start: int


class DirectQuote(TypedDict):
    """A direct quote with a named speaker, as a briefing weighs it."""

    id: int
    article_id: int
    person_id: int | None
    speaker: str
    speaker_role: str | None
    text: str
    kind: str


# -- people and topics -----------------------------------------------------------------------


class PersonRole(TypedDict):
    """A person and the role the articles give them."""

    id: int
    name: str
    role: str | None


class QuotedPerson(PersonRole):
    """A person with how many quotes they have."""

    n_quotes: int


class PersonOfTheDay(QuotedPerson):
    """One of the day's most quoted, with that day and their quotes of it."""

    quote_ids: list[int]
    day: str


class PersonRow(QuotedPerson):
    """A whole ``people`` row with the person's quote count: what ``/quotes`` heads with."""

    key: str
    surname: str | None


class TopicRow(TypedDict):
    """A whole ``topics`` row."""

    id: int
    name: str
    key: str


class TopicCount(TypedDict):
    """A topic with the number of articles on it."""

    id: int
    name: str
    n_articles: int


# -- feeds -----------------------------------------------------------------------------------


class FeedRow(TypedDict):
    """A whole ``feeds`` row; ``n_articles`` (the articles it brought) only when listed."""

    id: int
    url: str
    title: str | None
    etag: str | None
    last_modified: str | None
    added_at: str
    last_checked: str | None
    last_ok: str | None
    failures: int
    last_error: str | None
    retry_at: str | None
    last_report: str | None
    n_articles: NotRequired[int]


class ArticleSource(TypedDict):
    """One place an article was found: a feed's link to it, or an upload's."""

    url: str
    source: str
    author: str | None
    feed_id: int | None
    seen_at: str


# -- stories ---------------------------------------------------------------------------------


class StoryCard(TypedDict):
    """A story as ``/latest`` lists it."""

    id: int
    title: str
    n_articles: int
    first_day: str
    last_day: str
    last_seen: str


class StoryMember(TypedDict):
    """An article of a story, with the columns ranking and showing it needs."""

    id: int
    story_id: int
    title: str
    date: str | None
    source: str | None
    url: str | None
    summary: str | None
    n_quotes: int | None
    ingested_at: str


class StoryArticle(TypedDict):
    """An article as a story's page lists it."""

    id: int
    slug: str
    title: str
    date: str | None
    source: str | None
    url: str | None
    path: str | None
    summary: str | None
    n_quotes: int | None
    ingested_at: str


class StoryPerson(TypedDict):
    """Someone quoted in a story: all their quotes, and how many of them are direct."""

    id: int
    name: str
    quotes: int
    direct: int


class Story(TypedDict):
    """A story with its articles (oldest first), sources, people, topics and quote count."""

    id: int
    title: str
    first_day: str
    last_day: str
    first_seen: str
    last_seen: str
    articles: list[StoryArticle]
    sources: list[str]
    people: list[StoryPerson]
    topics: list[str]
    quotes: int
