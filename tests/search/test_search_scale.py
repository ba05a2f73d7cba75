"""The fast search (FTS candidates + rapidfuzz re-ranking) against the exhaustive scan, and the
quote index kept in step with the store."""

from __future__ import annotations

import random
import sqlite3

import pytest

from bot.parsing.topics import normalise_topic
from bot.search import QUERY_CHARS, SearchIndex, _NameIndex, content_words, quote_needle, squash
from bot.store import SaveResult, Store, quote_index
from tests.conftest import make_article, store_before

SYLLABLES = [c + v for c in "bdkmnrstv" for v in "aeio"]
COMMON = ["the", "of", "and", "to", "in", "that", "it", "is", "for", "on", "with", "as", "we"]


def _save_quotes(
    store: Store, slug: str, content_hash: str, *quotes: tuple[str, str]
) -> SaveResult:
    """Save an article made of ``quotes`` ((text, speaker) pairs) under ``slug``."""
    return store.articles.save(
        make_article(quotes=list(quotes)), slug=slug, content_hash=content_hash, text="t"
    )


def _save_in_old_store(store: Store, slug: str, text: str, speaker: str) -> None:
    """An article with one quote, written as the code of an older schema wrote it (``save``
    writes columns such a store does not have yet)."""
    article_id = store.db.execute(
        "insert into articles (slug, title, content_hash, ingested_at) values (?, 'T', ?, 'now')",
        [slug, slug],
    ).lastrowid
    store.db.execute(
        "insert into quotes (article_id, speaker, text) values (?, ?, ?)",
        [article_id, speaker, text],
    )
    store.db.conn.commit()


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _quote(rng: random.Random, vocab: list[str]) -> str:
    words = [
        rng.choice(COMMON) if rng.random() < 0.35 else rng.choice(vocab)
        for _ in range(rng.randint(8, 24))
    ]
    return " ".join(words).capitalize() + "."


def _typo(rng: random.Random, phrase: str) -> str:
    chars = list(phrase)
    positions = [i for i, c in enumerate(chars[:-1]) if c.isalpha() and chars[i + 1].isalpha()]
    i = rng.choice(positions)
    chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Store, list[str]]:
    rng = random.Random(6)
    vocab = _vocabulary(rng, 1500)
    store = Store.open(tmp_path_factory.mktemp("scale") / "scale.db")
    texts = []
    for n in range(200):
        quotes = [(_quote(rng, vocab), f"Person {n % 37}") for _ in range(rng.randint(3, 8))]
        texts += [text for text, _ in quotes]
        store.articles.save(
            make_article(title=f"Story {n}", quotes=quotes, people=[(f"Person {n % 37}", None)]),
            slug=f"s{n}",
            content_hash=str(n),
            text="t",
        )
    yield store, texts
    store.close()


def _queries(texts: list[str]) -> list[str]:
    rng = random.Random(7)
    queries = []
    for text in rng.sample(texts, 120):
        words = text.rstrip(".").split()
        start = rng.randrange(0, max(1, len(words) - 5))
        phrase = " ".join(words[start : start + rng.randint(3, 6)])
        kind = rng.randrange(4)
        if kind == 1:
            phrase = _typo(rng, phrase)
        elif kind == 2:
            phrase = phrase[: len(phrase) - 2]  # a partial last word
        elif kind == 3:
            phrase = "zuvaxo qwillip frombat"  # a miss
        queries.append(phrase)
    return queries


def test_fast_path_agrees_with_the_exhaustive_scan(generated) -> None:
    store, texts = generated
    index = SearchIndex(store)
    agree = 0
    queries = _queries(texts)
    for query in queries:
        fast = index.who_said(query, limit=1)
        full = index.who_said_exhaustive(query, limit=1)
        if [h.score for h in fast] == [h.score for h in full]:
            agree += 1
    assert agree / len(queries) >= 0.97


@pytest.mark.parametrize("size", [300, 1500, 4000])
def test_a_long_pasted_passage_finds_its_quote(generated, tmp_path, size: int) -> None:
    """A paragraph pasted whole (a long quote, then more of the story) is searched by its
    opening words, and the next few hundred characters decide between quotes that tie on
    those (a variant of the quote differing a few words further on)."""
    _store, texts = generated
    rng = random.Random(size)
    store = Store.open(tmp_path / "long.db")
    long_quotes = [" ".join(rng.sample(texts, 3)) for _ in range(6)]
    words = long_quotes[0].split()
    variant = " ".join([*words[:35], "something else entirely", *words[38:]])
    for n, text in enumerate([variant, *long_quotes]):
        filler = [(t, "Someone") for t in rng.sample(texts, 5)]
        store.articles.save(
            make_article(title=f"Story {n}", quotes=[(text, "Speaker"), *filler]),
            slug=f"l{n}",
            content_hash=str(n),
            text="t",
        )
    index = SearchIndex(store)
    for text in long_quotes:
        passage = text
        while len(passage) < size:
            passage += " " + rng.choice(texts)
        passage = passage[:size]
        quote_id = store.db.execute("select min(id) from quotes where text = ?", [text]).fetchone()
        hits = index.who_said(passage)
        assert hits and hits[0].quote_id == quote_id[0]
        assert index.who_said_exhaustive(passage, limit=1)[0].quote_id == quote_id[0]
    store.close()


def test_a_passage_running_past_its_quote_finds_the_quote(generated) -> None:
    """Pasted text that opens with a quote and goes on past the quote's end (the quote and
    more of the story, or the quote pasted twice) is found by its opening words."""
    store, texts = generated
    index = SearchIndex(store)
    rng = random.Random(11)
    for text in rng.sample([t for t in texts if 50 <= len(t) <= 140], 12):
        others = " ".join(rng.sample(texts, 3))
        for passage in (f"{text} {text} {text}", f"{text} {others}"):
            hits = index.who_said(passage[:300], limit=1)
            assert hits, passage
            (found,) = store.db.execute(
                "select text from quotes where id = ?", [hits[0].quote_id]
            ).fetchone()
            assert found == text


def test_markup_in_a_query_is_searched_as_its_text(generated) -> None:
    store, texts = generated
    index = SearchIndex(store)
    for text in texts[40:52]:
        phrase = " ".join(text.split()[1:6])
        plain = index.who_said(phrase, limit=3)
        assert plain
        assert index.who_said(f"<b>& {phrase}</b>", limit=3) == plain
        assert index.who_said(f'<a href="https://x.example/?a=1&amp;b=2">{phrase}</a>') == plain
    assert quote_needle("<b>Tax</b> &amp; <i>spend</i><br/>") == "tax spend"
    assert quote_needle("a < b and c > d") == "a b and c d"


def test_a_long_query_is_searched_by_its_first_words() -> None:
    passage = "word " * 1000
    needle = quote_needle(passage)
    assert len(needle) <= QUERY_CHARS and needle.endswith("word")
    assert quote_needle("short query") == "short query"


def test_exact_phrase_finds_its_quote_and_highlights_it(generated) -> None:
    store, texts = generated
    index = SearchIndex(store)
    text = texts[17]
    phrase = " ".join(text.split()[2:7])
    hit = index.who_said(phrase)[0]
    assert hit.score == 100
    quote = store.articles.quote(hit.quote_id)["text"]
    assert squash(quote[hit.highlight[0] : hit.highlight[1]]) == squash(phrase)


def test_index_follows_reingest_and_delete(store: Store) -> None:
    index = SearchIndex(store)
    saved = _save_quotes(store, "a", "1", ("Turnips will save the republic.", "Ann Lee"))
    assert index.who_said("turnips will save")
    _save_quotes(store, "a", "2", ("Parsnips are the future of farming.", "Ann Lee"))
    assert index.who_said("turnips will save") == []
    assert index.who_said("parsnips are the future")
    store.articles.delete(saved.article_id)
    assert index.who_said("parsnips are the future") == []
    assert _postings(store, "parsnips") == []
    assert _postings(store, "turnips") == []
    # raises when the index holds tokens no quote was indexed with
    store.db.execute("insert into quote_terms (quote_terms, rank) values ('integrity-check', 1)")


def test_failed_save_leaves_the_index_as_it_was(store: Store, monkeypatch) -> None:
    index = SearchIndex(store)
    _save_quotes(store, "a", "1", ("Turnips will save the republic.", "Ann Lee"))

    def boom(*args, **kwargs):
        raise sqlite3.OperationalError("disk on fire")

    monkeypatch.setattr(store.articles, "_save_children", boom)
    with pytest.raises(sqlite3.OperationalError):
        _save_quotes(store, "a", "2", ("Parsnips are the future.", "Ann Lee"))
    assert index.who_said("turnips will save")


def test_an_existing_database_gets_the_index_on_upgrade(tmp_path) -> None:
    path = tmp_path / "old.db"
    with store_before(path, "_v4_quote_search_index") as store:
        _save_in_old_store(store, "a", "Turnips will save the republic.", "Ann Lee")
        assert "quote_terms" not in store.db.table_names()
    store = Store.open(path)
    assert SearchIndex(store).who_said("turnips will save")
    store.close()


def test_terms_drop_stopwords_and_use_prefixes_for_unknown_words(store: Store) -> None:
    _save_quotes(store, "a", "1", ("Every gigawatt counts, and the last ones to hang up.", "A B"))
    index = SearchIndex(store)
    assert content_words("the last ones to hang up") == ["last", "ones", "hang", "up"]
    assert content_words("to be or") == ["to", "be", "or"]
    assert content_words("a") == []
    assert [t for t, _ in index.quote_terms("every gigawat counts")] == [
        '"gigawatt"',  # corrected from the index's own words
        '"counts"',
        '"every"',
    ]
    index._vocabulary = type(index._vocabulary)()  # not loaded yet: a prefix instead
    assert [t for t, _ in index.quote_terms("gigawat")] == ['"gigaw"*']
    assert index.quote_terms("zebra quantum") == []


def test_common_words_still_find_the_quote_among_many(store: Store, monkeypatch) -> None:
    monkeypatch.setattr(SearchIndex, "COMMON_DF", 5)
    monkeypatch.setattr(SearchIndex, "QUOTE_CANDIDATES", 3)
    for n in range(12):
        _save_quotes(store, f"a{n}", str(n), (f"We think people want change number {n}.", "A B"))
    index = SearchIndex(store)
    hit = index.who_said("people want change number 11")[0]
    assert store.articles.quote(hit.quote_id)["text"] == "We think people want change number 11."


def test_large_name_lists_use_word_candidates(monkeypatch) -> None:
    monkeypatch.setattr(_NameIndex, "FULL_SCAN_MAX", 10)
    names = _NameIndex()
    rng = random.Random(3)
    vocab = _vocabulary(rng, 400)
    rows = [(i, f"{rng.choice(vocab).title()} {rng.choice(vocab).title()}") for i in range(1, 2000)]
    rows.append((5000, "Yuri Ushakov"))
    rows.append((5001, "Marta Ibáñez"))
    names.add(rows)
    assert names.search("ushakof", 3, 72)[0].name == "Yuri Ushakov"
    assert names.search("ibanez", 3, 72)[0].name == "Marta Ibáñez"
    assert names.search("yuri ushakov", 3, 72)[0].id == 5000


def test_refresh_reads_only_new_names(store: Store) -> None:
    index = SearchIndex(store)
    assert index.people("ann lee") == []
    store.articles.save(
        make_article(people=[("Ann Lee", None)], topics=["Heatwaves"]),
        slug="a",
        content_hash="1",
        text="t",
    )
    index.refresh()
    assert index.people("ann lee")[0].name == "Ann Lee"
    assert index.topics("heatwaevs")[0].name == normalise_topic("Heatwaves")


def test_remembered_lists_follow_saves_deletes_and_other_connections(store: Store, db_path) -> None:
    first = store.articles.save(
        make_article(quotes=[("One.", "Ann Lee")], topics=["Heatwaves"]),
        slug="a",
        content_hash="1",
        text="t",
    )
    assert [t["n_articles"] for t in store.articles.topic_counts()] == [1]
    assert store.articles.count() == 1
    store.articles.save(make_article(topics=["Heatwaves"]), slug="b", content_hash="2", text="t")
    assert [t["n_articles"] for t in store.articles.topic_counts()] == [2]
    store.articles.delete(first.article_id)
    assert [t["n_articles"] for t in store.articles.topic_counts()] == [1]
    assert store.articles.most_quoted_people() == []
    other = Store.open(db_path)
    other.articles.save(
        make_article(quotes=[("Two.", "Ann Lee")], people=[("Ann Lee", None)]),
        slug="c",
        content_hash="3",
        text="t",
    )
    other.close()
    assert store.articles.count() == 2
    assert [p["name"] for p in store.articles.most_quoted_people()] == ["Ann Lee"]


@pytest.mark.parametrize("common", [0, 10_000])
def test_articles_on_topic_same_order_either_way(store: Store, monkeypatch, common: int) -> None:
    monkeypatch.setattr(type(store.articles), "COMMON_TOPIC", common)
    for n in range(8):
        store.articles.save(
            make_article(
                title=f"Story {n}",
                topics=["Heatwaves"] if n % 2 else ["Energy"],
                date=f"2025-07-0{n + 1}" if n != 5 else None,
            ),
            slug=f"s{n}",
            content_hash=str(n),
            text="t",
        )
    topic = next(t for t in store.articles.topic_counts() if t["name"] == "Heatwaves")
    titles = [a["title"] for a in store.articles.articles_on_topic(topic["id"], limit=3)]
    assert titles == ["Story 7", "Story 3", "Story 1"]
    assert [a["title"] for a in store.articles.articles_on_topic(topic["id"], 3, 3)] == ["Story 5"]


def test_broad_article_search_prefers_title_matches_then_the_newest(
    store: Store, monkeypatch
) -> None:
    monkeypatch.setattr(SearchIndex, "ARTICLES_RANKED", 3)
    index = SearchIndex(store)
    titles = ["Grid news", "Heatwave strains the grid", "Markets", "Heatwave returns", "Sport"]
    for n, title in enumerate(titles):
        article = make_article(title=title, quotes=[("The heatwave goes on and on.", "Ann Lee")])
        text = f"{title}\n“The heatwave goes on and on.” said Ann Lee."
        store.articles.save(article, slug=f"s{n}", content_hash=str(n), text=text)
    found = [store.articles.get(i)["title"] for i in index.articles("heatwave", limit=3)]
    assert found == ["Heatwave returns", "Sport", "Markets"]  # newest three, title match first
    monkeypatch.setattr(SearchIndex, "ARTICLES_RANKED", 1000)
    found = [store.articles.get(i)["title"] for i in index.articles("heatwave", limit=2)]
    assert set(found) <= set(titles)


def _postings(store: Store, term: str) -> list[int]:
    """The quotes the term index lists under a word (``"turnips"``) or, given two words
    (``"turnips will"``), under their pair."""
    if " " in term:
        term = quote_index.pair(*term.split())
    return [
        row[0]
        for row in store.db.execute(
            "select rowid from quote_terms where quote_terms match ?", [f'"{term}"']
        )
    ]


def test_a_phrase_of_common_words_finds_its_quote_among_many(store: Store, monkeypatch) -> None:
    monkeypatch.setattr(SearchIndex, "QUOTE_CANDIDATES", 3)
    rng = random.Random(4)
    common = ["for", "the", "people", "and", "we", "will", "be", "there"]
    for n in range(40):
        words = common[:]
        while " ".join(words[:4]) == "for the people and" or "for the people and" in " ".join(
            words
        ):
            rng.shuffle(words)
        _save_quotes(store, f"a{n}", str(n), (" ".join(words).capitalize() + ".", "Ann Lee"))
    _save_quotes(store, "b", "b", ("We will be there for the people and their families.", "A B"))
    index = SearchIndex(store)
    hit = index.who_said("for the people and")[0]
    assert hit.score == 100
    assert store.articles.quote(hit.quote_id)["text"].endswith("people and their families.")


def test_a_typo_in_a_short_word_still_finds_the_quote(store: Store, monkeypatch) -> None:
    monkeypatch.setattr(SearchIndex, "QUOTE_CANDIDATES", 3)
    for n in range(30):
        _save_quotes(
            store, f"a{n}", str(n), (f"At the end of the day number {n} we vote.", "Ann Lee")
        )
    _save_quotes(store, "b", "b", ("It may not be enough, at the end.", "A B"))
    index = SearchIndex(store)
    hit = index.who_said("it may nto be")[0]  # "nto": no word, no pair; "not" one edit away
    assert store.articles.quote(hit.quote_id)["text"] == "It may not be enough, at the end."
    assert hit.score == index.who_said_exhaustive("it may nto be")[0].score


def test_the_last_word_may_be_cut_short(store: Store) -> None:
    _save_quotes(store, "a", "1", ("They are standing up for Trumpism, not for us.", "Ann Lee"))
    index = SearchIndex(store)
    found = index.pair_candidates(squash("standing up for trump"), set())
    assert [store.articles.quote(i)["text"][:8] for i in found] == ["They are"]


def test_pair_index_follows_replace_and_delete(store: Store) -> None:
    first = _save_quotes(
        store, "a", "1", ("Turnips will save the republic.", "Ann Lee"), ("Yes.", "B")
    )
    other = _save_quotes(store, "b", "1", ("Turnips will not save anyone.", "Ann Lee"))
    assert len(_postings(store, "turnips will")) == 2
    _save_quotes(store, "a", "2", ("Parsnips are the future of farming.", "Ann Lee"))
    assert _postings(store, "will save") == []
    assert len(_postings(store, "turnips will")) == 1
    assert len(_postings(store, "parsnips are")) == 1
    store.articles.delete(first.article_id)
    store.articles.delete(other.article_id)
    assert _postings(store, "parsnips are") == []
    assert _postings(store, "turnips will") == []
    store.db.execute("insert into quote_terms (quote_terms, rank) values ('integrity-check', 1)")
    index = SearchIndex(store)
    assert index.who_said("parsnips are the future") == []


def test_an_old_database_gets_the_term_index_and_loses_the_trigrams(tmp_path) -> None:
    path = tmp_path / "old.db"
    with store_before(path, "_v8_quote_pair_index") as store:
        store.db.execute(
            "insert into articles (id, slug, title, content_hash, ingested_at) "
            "values (1, 'a', 'A', 'h', 'now')"
        )
        store.db.execute("insert into quotes (article_id, text) values (1, 'Turnips will save.')")
        store.db.conn.commit()
        assert "quotes_tri" in store.db.table_names()
    store = Store.open(path)
    assert "quotes_tri" not in store.db.table_names()
    assert _postings(store, "will save") == [1]
    assert SearchIndex(store).who_said("turnips will save")
    store.close()


def test_a_store_from_before_the_term_index_keeps_its_quotes_findable(tmp_path) -> None:
    """Migration 9 moves the words (``quotes_fts``) and pairs (``quotes_pairs``) of a version
    8 store into ``quote_terms`` and drops the two old indexes."""
    path = tmp_path / "v8.db"
    with store_before(path, "_v9_quote_terms_index") as store:
        store.db.execute(  # the pair table as migration 8 shipped it
            "create virtual table quotes_pairs using fts5(pairs, content='', detail=none, "
            "tokenize=\"ascii tokenchars '_'\")"
        )
        _save_in_old_store(store, "a", "Turnips will save the republic.", "Ann Lee")
        assert "quotes_fts" in store.db.table_names()
    store = Store.open(path)
    tables = store.db.table_names()
    assert "quote_terms" in tables
    assert "quotes_fts" not in tables and "quotes_pairs" not in tables
    assert not [
        name
        for (name,) in store.db.execute("select name from sqlite_master where type = 'trigger'")
        if name.startswith("quotes_fts")
    ]
    assert len(_postings(store, "republic")) == 1
    assert len(_postings(store, "save the")) == 1
    index = SearchIndex(store)
    assert index.who_said("turnips will save")
    assert index.who_said("turnps wil save")  # a typo: the vocabulary holds the words
    store.close()


def test_words_and_pairs_are_apart_in_the_vocabulary(store: Store) -> None:
    """The vocabulary read for typo corrections holds the words and none of the pairs."""
    _save_quotes(store, "a", "1", ("Turnips will save the republic, 2024.", "Ann Lee"))
    docs = SearchIndex(store)._vocabulary.docs
    assert set(docs) == {"turnips", "will", "save", "the", "republic", "2024"}
    assert quote_index.terms("Save the save!") == "save the _save_the _the_save"
