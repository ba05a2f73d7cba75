"""Tests of the local Bot API server itself: validation, state, long polling, faults.

If these pass, the end-to-end tests built on the server can be trusted to fail on
calls Telegram would reject and to pass only on calls it would accept.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler

from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations, bot_api  # noqa: F401
from tests.botapi.server import BotApiServer
from tests.botapi.spec import SPEC_ENV, VENDORED_SPEC, load_spec, spec_path_candidates
from tests.botapi.telegram_html import HtmlParseError, parse_html

CHAT = 4242


def call(server: BotApiServer, method: str, **params: Any) -> httpx.Response:
    """POST like PTB does: form-encoded, non-strings JSON-encoded."""
    data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    return httpx.post(f"{server.api_url}/{method}", data=data, timeout=10)


def error(resp: httpx.Response) -> str:
    body = resp.json()
    assert body["ok"] is False
    assert body["error_code"] == resp.status_code
    return body["description"]


@pytest.fixture
def chat(bot_api: BotApiServer) -> int:  # noqa: F811
    bot_api.add_chat(CHAT)
    return CHAT


def ptb_bot(server: BotApiServer) -> Bot:
    return Bot(BOT_TOKEN, base_url=server.base_url, base_file_url=server.base_file_url)


def keyboard(**button: Any) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": "Go", **button}]]}


# -- spec loading ---------------------------------------------------------------------------


def test_spec_loader_preference_and_vendored_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SPEC_ENV, str(VENDORED_SPEC))
    candidates = spec_path_candidates()
    assert candidates[0] == VENDORED_SPEC
    assert candidates[-1] == VENDORED_SPEC
    assert candidates[1].name == "api.json"
    vendored = load_spec(VENDORED_SPEC)
    assert "sendMessage" in vendored.methods
    assert vendored.method_name("SENDMESSAGE") == "sendMessage"


# -- HTML parse mode ------------------------------------------------------------------------


def test_html_parser_entities_in_utf16() -> None:
    parsed = parse_html('😀 <b>bold</b> <a href="https://x.org/?a=1&amp;b=2">link</a> &lt;3')
    assert parsed.text == "😀 bold link <3"
    assert parsed.entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "text_link", "offset": 8, "length": 4, "url": "https://x.org/?a=1&b=2"},
    ]


def test_html_parser_pre_with_language_and_blockquote() -> None:
    parsed = parse_html(
        '<pre><code class="language-python">x = 1</code></pre>'
        '<blockquote expandable>q</blockquote><span class="tg-spoiler">s</span>'
    )
    assert [e["type"] for e in parsed.entities] == ["pre", "expandable_blockquote", "spoiler"]
    assert parsed.entities[0]["language"] == "python"


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("<script>x</script>", 'Unsupported start tag "script" at byte offset 0'),
        ("😀<zz>", 'Unsupported start tag "zz" at byte offset 4'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("AT&T", 'Unescaped "&" at byte offset 2'),
        ("a > b", 'Unescaped ">" at byte offset 2'),
        ("<b", "Unclosed start tag at byte offset 0"),
    ],
)
def test_html_parser_rejects(html: str, message: str) -> None:
    with pytest.raises(HtmlParseError) as info:
        parse_html(html)
    assert str(info.value).startswith(message)


def test_html_parser_lenient_mode_matches_telegram_parser() -> None:
    assert parse_html("AT&T > them", strict=False).text == "AT&T > them"


# -- validation over HTTP -------------------------------------------------------------------


def test_accepts_good_send_and_records_it(bot_api: BotApiServer, chat: int) -> None:  # noqa: F811
    resp = call(
        bot_api,
        "sendMessage",
        chat_id=chat,
        text="<b>Top</b> story &amp; more",
        parse_mode="HTML",
        reply_markup=keyboard(callback_data="x" * 64),
        disable_notification=True,
    )
    assert resp.status_code == 200, resp.text
    message = resp.json()["result"]
    assert message["text"] == "Top story & more"
    assert message["entities"] == [{"type": "bold", "offset": 0, "length": 3}]
    assert message["from"]["id"] == 123456
    assert message["chat"] == {"id": chat, "type": "private", "first_name": "Test"}
    [sent] = bot_api.sent(chat)
    assert sent.text == "Top story & more"
    assert sent.params["disable_notification"] is True
    assert_no_violations(bot_api)


@pytest.mark.parametrize(
    ("params", "status", "description"),
    [
        (
            {"text": "a <script>alert(1)</script>", "parse_mode": "HTML"},
            400,
            'Bad Request: can\'t parse entities: Unsupported start tag "script" at byte offset 2',
        ),
        (
            {"text": "Q&A", "parse_mode": "HTML"},
            400,
            'Bad Request: can\'t parse entities: Unescaped "&" at byte offset 1',
        ),
        ({"text": "<b>bold</i>", "parse_mode": "HTML"}, 400, "Bad Request: can't parse entities"),
        ({"text": "x" * 4097}, 400, "Bad Request: message is too long"),
        ({"text": "🗞" * 2049}, 400, "Bad Request: message is too long"),
        ({"text": "<b></b>  ", "parse_mode": "HTML"}, 400, "Bad Request: message text is empty"),
        ({"text": ""}, 400, "Bad Request: message text is empty"),
        ({"text": "hi", "parse_mode": "html5"}, 400, "Bad Request: unsupported parse_mode"),
        (
            {"text": "hi", "reply_markup": keyboard(callback_data="x" * 65)},
            400,
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            {"text": "hi", "reply_markup": keyboard(callback_data="é" * 33)},
            400,
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            {"text": "hi", "reply_markup": keyboard()},
            400,
            "Bad Request: can't parse inline keyboard button: Text buttons are unallowed",
        ),
        (
            {"text": "hi", "reply_markup": keyboard(callback_data="a", url="https://x.org")},
            400,
            "Bad Request: can't parse inline keyboard button: exactly one action field",
        ),
        (
            {"text": "hi", "reply_markup": {"inline_keyboard": [[{"callback_data": "a"}]]}},
            400,
            "Bad Request: can't parse reply_markup",
        ),
        (
            {"text": "hi", "reply_markup": keyboard(callback_data=5)},
            400,
            "Bad Request: can't parse reply_markup",
        ),
        (
            {"text": "hi", "disable_notification": "maybe"},
            400,
            'Bad Request: parameter "disable_notification"',
        ),
        ({"text": "hi", "parse_mod": "HTML"}, 400, 'Bad Request: unknown parameter "parse_mod"'),
    ],
)
def test_rejects_bad_send_message(
    bot_api: BotApiServer,  # noqa: F811
    chat: int,
    params: dict[str, Any],
    status: int,
    description: str,
) -> None:
    resp = call(bot_api, "sendMessage", chat_id=chat, **params)
    assert resp.status_code == status
    assert error(resp).startswith(description)
    assert bot_api.sent() == []
    [violation] = bot_api.violations
    assert violation.description.startswith(description)
    with pytest.raises(pytest.fail.Exception):
        assert_no_violations(bot_api)


def test_length_is_counted_after_entity_parsing(bot_api: BotApiServer, chat: int) -> None:  # noqa: F811
    ok = call(bot_api, "sendMessage", chat_id=chat, text=f"<b>{'x' * 4096}</b>", parse_mode="HTML")
    assert ok.status_code == 200
    too_long = call(bot_api, "sendMessage", chat_id=chat, text="&amp;" * 4097, parse_mode="HTML")
    assert error(too_long) == "Bad Request: message is too long"


def test_missing_and_mistyped_parameters(bot_api: BotApiServer, chat: int) -> None:  # noqa: F811
    assert error(call(bot_api, "sendMessage", text="hi")) == "Bad Request: chat_id is empty"
    assert error(call(bot_api, "sendMessage", chat_id=chat)) == "Bad Request: message text is empty"
    resp = call(bot_api, "deleteMessage", chat_id=chat, message_id="abc")
    assert error(resp) == 'Bad Request: parameter "message_id" must be of type Integer'
    resp = call(bot_api, "sendMessage", chat_id=999, text="hi")
    assert error(resp) == "Bad Request: chat not found"
    resp = call(bot_api, "getUpdates", allowed_updates="message")
    assert error(resp).startswith("Bad Request: can't parse allowed_updates JSON object")
    assert len(bot_api.violations) == 5


def test_unknown_method_and_token(bot_api: BotApiServer) -> None:  # noqa: F811
    resp = call(bot_api, "sendTelepathy", chat_id=1)
    assert resp.status_code == 404
    assert resp.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert bot_api.violations[0].kind == "unknown_method"
    resp = httpx.post(f"{bot_api.base_url}999:WRONG/getMe")
    assert resp.status_code == 401
    assert resp.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    # Telegram method names are case-insensitive
    assert call(bot_api, "GETME").json()["result"]["username"] == "newsbot_test_bot"


def test_json_body_and_query_string(bot_api: BotApiServer, chat: int) -> None:  # noqa: F811
    resp = httpx.post(
        f"{bot_api.api_url}/sendMessage",
        json={"chat_id": chat, "text": "json", "reply_markup": keyboard(callback_data="a")},
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["result"]["reply_markup"] == keyboard(callback_data="a")
    resp = httpx.get(f"{bot_api.api_url}/sendMessage", params={"chat_id": chat, "text": "get"})
    assert resp.json()["result"]["text"] == "get"
    resp = httpx.post(f"{bot_api.api_url}/sendMessage", json={"chat_id": chat, "text": ["x"]})
    assert resp.status_code == 400


def test_other_rules(bot_api: BotApiServer, chat: int) -> None:  # noqa: F811
    resp = call(bot_api, "setMyCommands", commands=[{"command": "Start", "description": "x"}])
    assert error(resp) == "Bad Request: BOT_COMMAND_INVALID"
    resp = call(bot_api, "setMyCommands", commands=[{"command": "start", "description": ""}])
    assert error(resp) == "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"
    resp = call(bot_api, "setMyCommands", commands=[{"command": "a" * 33, "description": "x"}])
    assert error(resp) == "Bad Request: BOT_COMMAND_INVALID"
    resp = call(bot_api, "sendChatAction", chat_id=chat, action="dancing")
    assert error(resp) == "Bad Request: wrong parameter action in request"
    resp = call(bot_api, "answerCallbackQuery", callback_query_id="1", text="x" * 201)
    assert error(resp) == "Bad Request: MESSAGE_TOO_LONG"
    resp = call(bot_api, "answerCallbackQuery", callback_query_id="1", text="ok")
    assert "query ID is invalid" in error(resp)
    # any other spec method: validated, then true
    assert call(bot_api, "setChatTitle", chat_id=chat, title="x").json()["result"] is True
    assert error(call(bot_api, "setChatTitle", chat_id=chat)).startswith("Bad Request: parameter")


# -- getUpdates -----------------------------------------------------------------------------


def test_long_poll_hands_out_pushed_update_and_honours_offset(
    bot_api: BotApiServer,  # noqa: F811
) -> None:
    pusher = threading.Timer(0.2, bot_api.push_message, args=(CHAT, "/digest@newsbot_test_bot"))
    pusher.start()
    started = time.monotonic()
    updates = call(bot_api, "getUpdates", timeout=5).json()["result"]
    assert time.monotonic() - started < 3
    [update] = updates
    message = update["message"]
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 24}]
    assert message["from"]["id"] == CHAT
    # unconfirmed updates are handed out again; offset confirms them
    assert call(bot_api, "getUpdates").json()["result"] == updates
    bot_api.push_message(CHAT, "second")
    later = call(bot_api, "getUpdates", offset=update["update_id"] + 1).json()["result"]
    assert [u["message"]["text"] for u in later] == ["second"]
    assert call(bot_api, "getUpdates", offset=later[0]["update_id"] + 1).json()["result"] == []
    assert bot_api.pending_updates == 0


def test_allowed_updates_and_forward_origin(bot_api: BotApiServer, chat: int) -> None:  # noqa: F811
    message = call(
        bot_api, "sendMessage", chat_id=chat, text="pick", reply_markup=keyboard(callback_data="p")
    ).json()["result"]
    bot_api.push_message(chat, "fwd", forward_from={"id": -100123, "type": "channel", "title": "N"})
    bot_api.press_button(chat, message["message_id"], "p")
    only_queries = call(bot_api, "getUpdates", allowed_updates=["callback_query"]).json()["result"]
    assert [list(u)[1] for u in only_queries] == ["callback_query"]
    bot_api.push_message(chat, "hi", forward_from=77)
    everything = call(bot_api, "getUpdates", allowed_updates=[]).json()["result"]
    origin = everything[-1]["message"]["forward_origin"]
    assert origin["type"] == "user"
    assert origin["sender_user"]["id"] == 77
    assert bot_api.internal_errors == []


def test_press_button_requires_a_real_button(bot_api: BotApiServer, chat: int) -> None:  # noqa: F811
    message = call(bot_api, "sendMessage", chat_id=chat, text="plain").json()["result"]
    with pytest.raises(ValueError, match="no button"):
        bot_api.press_button(chat, message["message_id"], "nope")
    with pytest.raises(ValueError, match="no message"):
        bot_api.press_button(chat, 999, "nope")


# -- real python-telegram-bot client --------------------------------------------------------


async def test_real_ptb_bot_round_trip(bot_api: BotApiServer) -> None:  # noqa: F811
    bot_api.push_message(CHAT, "/start")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="more")]])
    async with Bot(
        BOT_TOKEN, base_url=bot_api.base_url, base_file_url=bot_api.base_file_url
    ) as bot:
        me = await bot.get_me()
        assert me.username == "newsbot_test_bot"
        [update] = await bot.get_updates(timeout=1)
        assert update.message.text == "/start"
        sent = await bot.send_message(CHAT, "<i>Hi</i>", parse_mode="HTML", reply_markup=markup)
        assert sent.text == "Hi"
        assert sent.message_id == 2  # the user's /start was message 1 in this chat
        edited = await bot.edit_message_text(
            "<b>Edited</b>", chat_id=CHAT, message_id=sent.message_id, parse_mode="HTML"
        )
        assert edited.text == "Edited"
        assert edited.reply_markup is None  # omitting reply_markup removes the keyboard
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_text(
                "<b>Edited</b>", chat_id=CHAT, message_id=sent.message_id, parse_mode="HTML"
            )
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("x", chat_id=CHAT, message_id=999)
        with_markup = await bot.edit_message_reply_markup(
            CHAT, sent.message_id, reply_markup=markup
        )
        assert with_markup.reply_markup == markup
        assert await bot.delete_message(CHAT, sent.message_id)
        await bot.set_my_commands([("digest", "Today's digest")])
        assert [c.command for c in await bot.get_my_commands()] == ["digest"]
        assert await bot.send_chat_action(CHAT, "typing")
    assert [s.method for s in bot_api.sent(CHAT)] == [
        "sendMessage",
        "editMessageText",
        "editMessageReplyMarkup",
    ]
    assert len(bot_api.delivered(CHAT)) == 1
    assert bot_api.message(CHAT, sent.message_id) is None
    assert_no_violations(bot_api, ignore=["message is not modified", "message to edit not found"])


async def test_documents_upload_and_download(bot_api: BotApiServer) -> None:  # noqa: F811
    bot_api.push_document(CHAT, "feed.xml", b"<rss/>", "application/xml", caption="/import")
    async with Bot(
        BOT_TOKEN, base_url=bot_api.base_url, base_file_url=bot_api.base_file_url
    ) as bot:
        [update] = await bot.get_updates()
        document = update.message.document
        assert (document.file_name, document.mime_type) == ("feed.xml", "application/xml")
        assert update.message.caption_entities[0].type == "bot_command"
        file = await bot.get_file(document.file_id)
        assert bytes(await file.download_as_bytearray()) == b"<rss/>"
        sent = await bot.send_document(
            CHAT, b"report", filename="r.txt", caption="<b>Report</b>", parse_mode="HTML"
        )
        assert sent.caption == "Report"
        assert bytes(await (await sent.document.get_file()).download_as_bytearray()) == b"report"
        with pytest.raises(BadRequest, match="Invalid file_id"):
            await bot.get_file("nope")
    assert bot_api.calls_to("sendDocument")[0].content_type == "multipart/form-data"
    assert_no_violations(bot_api, ignore=["invalid file_id"])


async def test_application_polling_end_to_end(bot_api: BotApiServer) -> None:  # noqa: F811
    async def start(update: Any, context: Any) -> None:
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="more")]])
        await update.message.reply_html("Hello <b>there</b>", reply_markup=markup)

    async def more(update: Any, context: Any) -> None:
        await update.callback_query.answer("Loading")
        await update.callback_query.edit_message_text("More stuff")

    app = (
        ApplicationBuilder()
        .token(BOT_TOKEN)
        .base_url(bot_api.base_url)
        .base_file_url(bot_api.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(more))
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=2)
        bot_api.push_message(CHAT, "/start")
        [greeting] = await bot_api.wait_for(1, chat_id=CHAT)
        assert greeting.text == "Hello there"
        bot_api.press_button(CHAT, greeting.message_id, "more")
        [edit] = await bot_api.wait_for(lambda s: s.is_edit, chat_id=CHAT)
        assert edit.text == "More stuff"
        assert bot_api.callback_answers[0]["text"] == "Loading"
        await app.updater.stop()
        await app.stop()
    assert_no_violations(bot_api)


# -- fault injection ------------------------------------------------------------------------


def test_fail_next_429_carries_retry_after(bot_api: BotApiServer, chat: int) -> None:  # noqa: F811
    bot_api.fail_next("sendMessage", chat_id=chat, error_code=429, retry_after=7, times=2)
    for _ in range(2):
        resp = call(bot_api, "sendMessage", chat_id=chat, text="x")
        assert resp.status_code == 429
        assert resp.json() == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 7",
            "parameters": {"retry_after": 7},
        }
    assert call(bot_api, "sendMessage", chat_id=chat, text="x").status_code == 200
    assert len(bot_api.delivered(chat)) == 1
    assert bot_api.violations == []  # injected failures are not the bot's fault


async def test_faults_seen_through_ptb(bot_api: BotApiServer, chat: int) -> None:  # noqa: F811
    async with Bot(BOT_TOKEN, base_url=bot_api.base_url) as bot:
        bot_api.fail_next(error_code=429, retry_after=3)
        with pytest.raises(RetryAfter, match="Retry in 3 seconds"):
            await bot.send_message(chat, "x")
        bot_api.fail_next(error_code=502)
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(chat, "x")
        bot_api.block_chat(chat)
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(chat, "x")
        bot_api.unblock_chat(chat)
        await bot.send_message(chat, "through")
    assert [s.text for s in bot_api.delivered(chat)] == ["through"]
    assert_no_violations(bot_api)


def test_deliver_then_fail_creates_visible_duplicates(
    bot_api: BotApiServer,  # noqa: F811
    chat: int,
) -> None:
    bot_api.fail_next("sendMessage", error_code=500, deliver=True)
    assert call(bot_api, "sendMessage", chat_id=chat, text="digest").status_code == 500
    assert call(bot_api, "sendMessage", chat_id=chat, text="digest").status_code == 200
    assert bot_api.duplicates(chat) == {(chat, "digest"): 2}


def test_delay_holds_the_answer_after_delivery(bot_api: BotApiServer, chat: int) -> None:  # noqa: F811
    bot_api.delay("sendMessage", 0.3, times=1)
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(
            f"{bot_api.api_url}/sendMessage", data={"chat_id": chat, "text": "slow"}, timeout=0.1
        )
    bot_api.wait_for_sync(1, chat_id=chat, timeout=2)
    assert time.monotonic() - started < 2
    assert call(bot_api, "sendMessage", chat_id=chat, text="fast").status_code == 200


def test_rate_limit(bot_api: BotApiServer, chat: int) -> None:  # noqa: F811
    bot_api.rate_limit(per_second=None, per_chat_per_second=3, window=60)
    codes = [call(bot_api, "sendMessage", chat_id=chat, text=str(i)).status_code for i in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    assert bot_api.rate_limit_hits == 2
    last = bot_api.calls[-1]
    assert last.description in (f"Too Many Requests: retry after {s}" for s in (59, 60))
    assert call(bot_api, "sendChatAction", chat_id=chat, action="typing").status_code == 200


def test_rate_limit_counts_edits_but_not_button_answers(bot_api: BotApiServer, chat: int) -> None:  # noqa: F811
    bot_api.rate_limit(per_second=None, per_chat_per_second=2, window=60)
    sent = call(
        bot_api, "sendMessage", chat_id=chat, text="menu", reply_markup=keyboard(callback_data="x")
    )
    message_id = sent.json()["result"]["message_id"]
    edits = [
        call(bot_api, "editMessageText", chat_id=chat, message_id=message_id, text=f"page {i}")
        for i in range(2)
    ]
    assert [r.status_code for r in edits] == [200, 429]
    query = bot_api.forge_button_press(chat, message_id, "x")["callback_query"]["id"]
    assert call(bot_api, "answerCallbackQuery", callback_query_id=query).status_code == 200
    assert bot_api.rate_limit_hits == 1


async def test_wait_for_times_out_with_context(bot_api: BotApiServer) -> None:  # noqa: F811
    with pytest.raises(TimeoutError, match="did not send"):
        await bot_api.wait_for(1, timeout=0.05)


def test_stop_releases_long_poll() -> None:
    server = BotApiServer().start()
    result: list[int] = []

    def poll() -> None:
        try:
            result.append(call(server, "getUpdates", timeout=30).status_code)
        except httpx.HTTPError:
            result.append(0)

    thread = threading.Thread(target=poll)
    thread.start()
    time.sleep(0.1)
    started = time.monotonic()
    server.stop()
    thread.join(5)
    assert not thread.is_alive()
    assert time.monotonic() - started < 3
    assert result and result[0] in (0, 200)


def test_server_objects_conform_to_spec(bot_api: BotApiServer) -> None:  # noqa: F811
    spec = bot_api.spec
    update = bot_api.push_message(-1001, "/help hi", user_id=5, chat_type="supergroup")
    assert spec.check_object(update, "Update") == []
    assert spec.check_object({"update_id": 1, "message": {"chat": {}}}, "Update") != []
    assert bot_api.internal_errors == []
