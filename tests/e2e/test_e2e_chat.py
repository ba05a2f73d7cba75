"""End to end: `newsbot run` as a real process, talking HTTP to a local Bot API server.

The bot is started exactly as a user starts it (token and TELEGRAM_API_BASE_URL in the
environment), long-polls the server, and every call it makes is checked against the Bot API
reference; the suite fails on any call Telegram would reject.
"""

from __future__ import annotations

import itertools
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations
from tests.botapi.server import BotApiServer, SentMessage
from tests.conftest import REPO, SEEDS

_chat_ids = itertools.count(5001)


class RunningBot:
    def __init__(self, server: BotApiServer, process: subprocess.Popen[str], log: Path) -> None:
        self.server = server
        self.process = process
        self.log = log

    def ask(self, text: str, count: int = 1, chat_id: int | None = None) -> list[SentMessage]:
        """Send ``text`` from a fresh chat and return the bot's first ``count`` replies."""
        chat_id = chat_id or next(_chat_ids)
        before = len(self.server.sent(chat_id))
        self.server.push_message(chat_id, text)
        replies = self.server.wait_for_sync(before + count, chat_id=chat_id, timeout=15)
        return replies[before : before + count]

    def press(self, message: SentMessage, label_part: str, count: int = 1) -> list[SentMessage]:
        button = next(b for b in message.buttons if label_part in b["text"])
        before = len(self.server.sent(message.chat_id))
        self.server.press_button(message.chat_id, message.message_id, button["callback_data"])
        replies = self.server.wait_for_sync(before + count, chat_id=message.chat_id, timeout=15)
        return replies[before : before + count]


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBot]:
    server = BotApiServer(BOT_TOKEN).start()
    workdir = tmp_path_factory.mktemp("bot")
    log = workdir / "bot.log"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NEWSBOT_"))},
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "TELEGRAM_API_BASE_URL": server.base_url,
        "NEWSBOT_DB": str(workdir / "news.db"),
        "NEWSBOT_SEEDS": str(SEEDS),
        "NEWSBOT_ADMINS": "42",
        "LOG_LEVEL": "DEBUG",
        "PYTHONPATH": str(REPO),
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=workdir,
            env=env,
            stdout=out,
            stderr=out,
            text=True,
        )
    try:
        server_ready = lambda: bool(server.commands()) or process.poll() is not None  # noqa: E731
        import time

        deadline = time.monotonic() + 30
        while not server_ready() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert process.poll() is None, log.read_text()
        yield RunningBot(server, process, log)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        server.stop()


def test_command_menu_is_set_at_start_up(bot: RunningBot) -> None:
    names = {c["command"] for c in bot.server.commands()}
    assert {"who", "quotes", "topics", "search", "latest", "help"} <= names


def test_start_explains_the_bot_and_counts_articles(bot: RunningBot) -> None:
    (reply,) = bot.ask("/start")
    assert "who said what" in reply.text
    assert "5 articles" in reply.text
    assert "/who said last ones to hang up" in reply.text


def test_help_shows_admin_commands_to_admins_only(bot: RunningBot) -> None:
    (public,) = bot.ask("/help")
    assert "/addfeed" not in public.text
    bot.server.add_chat(42)
    (admin,) = bot.ask("/help", chat_id=42)
    assert "/addfeed" in admin.text and "/brief all" in admin.text


def test_who_said_names_the_speaker_with_role_and_bolds_the_match(bot: RunningBot) -> None:
    (reply,) = bot.ask("/who said last ones to hang up")
    assert "Yuri Ushakov" in reply.text
    assert "aide to the President of Russia" in reply.text
    assert "last ones to hang up" in entity_texts(reply, "bold")


def entity_texts(message: SentMessage, kind: str) -> list[str]:
    """Entity offsets count UTF-16 code units, as Telegram's do."""
    units = message.text.encode("utf-16-le")
    return [
        units[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
        for e in message.entities
        if e["type"] == kind
    ]


def test_who_said_resolves_a_pronoun_to_the_speaker(bot: RunningBot) -> None:
    (reply,) = bot.ask("/who said either leader can pick up the phone")
    assert reply.text.startswith("🗣 Yuri Ushakov")


@pytest.mark.parametrize(
    "message",
    [
        "/whosaid hanging in teh air",
        "/who the idea is hanging in the air",
        "who said the idea is hanging in the air?",
    ],
)
def test_who_said_spellings_and_typos_find_the_quote(bot: RunningBot, message: str) -> None:
    (reply,) = bot.ask(message)
    assert "the idea is hanging in the air" in reply.text
    assert "Yuri Ushakov" in reply.text


def test_quotes_of_a_person_with_a_typo_and_a_more_button(bot: RunningBot) -> None:
    (reply,) = bot.ask("/quotes ushakof")
    assert reply.text.startswith("Yuri Ushakov")
    assert "last ones to hang up" in reply.text or "same wavelength" in reply.text
    assert reply.buttons, "Ushakov has more quotes than one page"
    (more,) = bot.press(reply, "More")
    assert "Yuri Ushakov" in more.text


def test_topics_are_buttons_and_a_press_lists_the_articles(bot: RunningBot) -> None:
    (reply,) = bot.ask("/topics")
    labels = [b["text"] for b in reply.buttons]
    assert any(label.startswith("Ukraine") for label in labels)
    assert any(label.startswith("Middle East") for label in labels)
    (articles,) = bot.press(reply, "Ukraine")
    assert "Ukraine" in articles.text
    assert "Putin" in articles.text
    (summary,) = bot.press(articles, "Putin")
    assert "Yuri Ushakov" in summary.text


def test_topic_by_name_with_a_typo(bot: RunningBot) -> None:
    (reply,) = bot.ask("/topics ukrane")
    assert reply.text.startswith("🏷 Ukraine")


def test_search_latest_and_article(bot: RunningBot) -> None:
    (found,) = bot.ask("/search heatwave grid")
    assert "Heatwave Pushes European Power Grid" in found.text
    (latest,) = bot.ask("/latest")
    assert "Lunar Lander" in latest.text
    (article,) = bot.ask("/article 2")
    assert article.text.startswith("Heatwave Pushes European Power Grid")


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("/who", "Tell me some words"),
        ("/quotes nobodyatall zzz", "I don't know anyone"),
        ("/frobnicate", "I don't know the command /frobnicate"),
        ("hello there", "I answer questions about the news"),
        (
            "/who said <script>alert(1)</script> & friends",
            "I found nobody who said “<script>alert(1)</script> & friends”",
        ),
        ("/search <b>&amp;", "No article mentions"),
        ("/article 99999999999999999999", "I have no article"),
        (
            "/who said *bold* _it_ `code` [x](http://a.b)",
            "I found nobody who said “*bold* _it_ `code`",
        ),
        ("/who said \u202e\u200b\U0001f600 \ufdfd e\u0301", "I found nobody"),
        ("/topics \x00\ud7ff", "No topic matches"),
    ],
)
def test_bad_input_gets_a_friendly_answer(bot: RunningBot, message: str, expected: str) -> None:
    (reply,) = bot.ask(message)
    assert expected in reply.text


def test_a_huge_message_is_answered_within_limits(bot: RunningBot) -> None:
    replies = bot.ask("/who said " + "very long words " * 320)
    assert replies[0].text
    assert all(len(r.text) <= 4096 for r in replies)


def test_commands_from_many_chats_at_once_are_answered_in_each_chats_order(
    bot: RunningBot,
) -> None:
    """Updates are handled side by side, but every chat sees its answers in the order asked."""
    chats = [next(_chat_ids) for _ in range(4)]
    asked = ["/help", "/latest", "/topics", "/quotes", "/who said", "/article"]
    for text in asked:
        for chat_id in chats:
            bot.server.push_message(chat_id, text)
    for chat_id in chats:
        replies = bot.server.wait_for_sync(len(asked), chat_id=chat_id, timeout=15)
        firsts = [reply.text.split("\n")[0] for reply in replies]
        assert firsts[0].startswith("Hi")  # /help
        assert firsts[1] == "🗞 Latest articles"
        assert firsts[2].startswith("Main topics")
        assert firsts[3] == "Most quoted"
        assert firsts[4].startswith("Tell me some words of the quote")
        assert firsts[5].startswith("Which article?")


def test_a_chat_is_recorded_and_a_new_name_written_at_once(bot: RunningBot) -> None:
    chat_id = next(_chat_ids)
    bot.ask("/help", chat_id=chat_id)
    bot.ask("/help", chat_id=chat_id)  # nothing changed: the row is not rewritten
    before = len(bot.server.sent(chat_id))
    bot.server.push_message(chat_id, "/help", first_name="Renamed")
    bot.server.wait_for_sync(before + 1, chat_id=chat_id, timeout=15)
    db = sqlite3.connect(bot.log.parent / "news.db")
    try:
        row = db.execute("select type, first_name from chats where id = ?", [chat_id]).fetchone()
    finally:
        db.close()
    assert row == ("private", "Renamed")


def test_no_call_was_refused_by_the_api_and_the_token_never_logged(bot: RunningBot) -> None:
    bot.ask("/help")  # make sure the module's traffic ran through this server
    assert_no_violations(bot.server)
    assert BOT_TOKEN not in bot.log.read_text()
