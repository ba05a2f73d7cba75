"""Telegram HTML building blocks: escaping, highlighting, and splitting at 4096 characters."""

from __future__ import annotations

from bot.render import clip, esc, highlight, html_to_text, pack, visible_length


def test_user_text_is_escaped() -> None:
    assert esc("<script>&") == "&lt;script&gt;&amp;"


def test_highlight_bolds_the_span_and_escapes_the_rest() -> None:
    assert highlight("a <b> c", (2, 5)) == "a <b>&lt;b&gt;</b> c"


def test_highlight_trims_long_text_around_the_match() -> None:
    text = "x " * 1000 + "needle" + " y" * 1000
    start = text.index("needle")
    shown = highlight(text, (start, start + 6), limit=100)
    assert "<b>needle</b>" in shown
    assert visible_length(shown) <= 110
    assert shown.startswith("…") and shown.endswith("…")


def test_clip_cuts_at_a_word_with_an_ellipsis() -> None:
    assert clip("alpha beta gamma delta epsilon", 20) == "alpha beta gamma…"
    assert clip("short", 12) == "short"


def test_pack_splits_between_blocks_under_the_limit() -> None:
    blocks = [f"<b>{i}</b> " + "word " * 150 for i in range(20)]
    messages = pack(blocks)
    assert len(messages) > 1
    assert all(visible_length(m) <= 4096 for m in messages)
    assert sum(m.count("<b>") for m in messages) == 20


def test_pack_cuts_a_single_oversized_block_to_plain_text() -> None:
    (message,) = pack(["<i>" + "a" * 10_000 + "</i>"])
    assert visible_length(message) <= 4096
    assert "<i>" not in message


def test_emoji_count_twice_as_telegram_counts_utf16_units() -> None:
    assert visible_length("<b>🗞 news</b>") == 7
    assert visible_length("é&amp;") == 2


def test_pack_keeps_messages_of_emoji_under_the_limit_in_utf16_units() -> None:
    blocks = ["🔎 " + "ok " * 300 for _ in range(12)]
    messages = pack(blocks)
    assert all(len(html_to_text(m).encode("utf-16-le")) // 2 <= 4096 for m in messages)
    (cut,) = pack(["<i>" + "🗞" * 3000 + "</i>"])
    assert visible_length(cut) <= 4096
    assert "<i>" not in cut


def test_html_to_text_renders_what_a_reader_sees() -> None:
    assert (
        html_to_text('<b>Bold</b> &amp; <a href="https://x.org">link</a>')
        == "Bold & link (https://x.org)"
    )
