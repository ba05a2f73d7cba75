"""The local Bot API server's inline queries, forum topics, getChat and my_chat_member
answer as Telegram does: what it refuses here, Telegram refuses too."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.botapi.pytest_plugin import bot_api  # noqa: F401
from tests.botapi.server import BotApiServer


def call(server: BotApiServer, method: str, **params: Any) -> httpx.Response:
    """POST like PTB does: form-encoded, non-strings JSON-encoded."""
    data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    return httpx.post(f"{server.api_url}/{method}", data=data, timeout=10)


def article(result_id: str, text: str = "a quote") -> dict[str, Any]:
    return {
        "type": "article",
        "id": result_id,
        "title": "Quote",
        "input_message_content": {"message_text": text, "parse_mode": "HTML"},
    }


def test_an_inline_answer_is_checked_and_taken_once(bot_api: BotApiServer) -> None:  # noqa: F811
    bot_api.enable_inline_mode()
    query = bot_api.push_inline_query(501, "words")["inline_query"]["id"]
    duplicate = call(
        bot_api, "answerInlineQuery", inline_query_id=query, results=[article("1"), article("1")]
    )
    assert duplicate.status_code == 400 and "RESULT_ID_DUPLICATE" in duplicate.text
    broken = call(
        bot_api, "answerInlineQuery", inline_query_id=query, results=[article("1", "<b>x")]
    )
    assert broken.status_code == 400 and "can't parse entities" in broken.text
    bad_button = call(
        bot_api,
        "answerInlineQuery",
        inline_query_id=query,
        results=[],
        button={"text": "Open", "start_parameter": "no spaces allowed"},
    )
    assert bad_button.status_code == 400 and "START_PARAM_INVALID" in bad_button.text
    many = [article(str(n)) for n in range(51)]
    too_many = call(bot_api, "answerInlineQuery", inline_query_id=query, results=many)
    assert too_many.status_code == 400 and "RESULTS_TOO_MUCH" in too_many.text
    good = call(bot_api, "answerInlineQuery", inline_query_id=query, results=[article("1")])
    assert good.json()["ok"]
    again = call(bot_api, "answerInlineQuery", inline_query_id=query, results=[article("1")])
    assert again.status_code == 400 and "query is too old" in again.text
    assert bot_api.inline_answer(query)["results"][0]["id"] == "1"


def test_inline_queries_need_inline_mode(bot_api: BotApiServer) -> None:  # noqa: F811
    with pytest.raises(ValueError, match="inline mode is off"):
        bot_api.push_inline_query(501, "words")


def test_a_thread_id_must_name_a_topic_of_a_forum(bot_api: BotApiServer) -> None:  # noqa: F811
    bot_api.add_forum(-100_1)
    topic = bot_api.add_topic(-100_1, "News")
    bot_api.add_chat(-100_2, "supergroup")
    sent = call(bot_api, "sendMessage", chat_id=-100_1, text="hi", message_thread_id=topic)
    message = sent.json()["result"]
    assert message["message_thread_id"] == topic and message["is_topic_message"]
    missing = call(bot_api, "sendMessage", chat_id=-100_1, text="hi", message_thread_id=topic + 50)
    assert missing.status_code == 400 and "message thread not found" in missing.text
    plain = call(bot_api, "sendMessage", chat_id=-100_2, text="hi", message_thread_id=topic)
    assert plain.status_code == 400 and "message thread not found" in plain.text


def test_a_removed_or_blocked_bot_gets_403_and_a_channel_member_bot_may_not_post(
    bot_api: BotApiServer,  # noqa: F811
) -> None:
    bot_api.add_chat(501)
    bot_api.add_chat(-100_3, "supergroup")
    bot_api.add_chat(-100_4, "channel", username="somechannel")
    bot_api.push_my_chat_member(501, "kicked")
    bot_api.push_my_chat_member(-100_3, "left")
    bot_api.push_my_chat_member(-100_4, "member")
    assert call(bot_api, "sendMessage", chat_id=501, text="hi").status_code == 403
    assert call(bot_api, "sendMessage", chat_id=-100_3, text="hi").status_code == 403
    assert call(bot_api, "sendMessage", chat_id=-100_4, text="hi").status_code == 400
    bot_api.push_my_chat_member(-100_4, "administrator", rights={"can_post_messages": True})
    assert call(bot_api, "sendMessage", chat_id="@somechannel", text="hi").json()["ok"]
    member = call(bot_api, "getChatMember", chat_id=-100_4, user_id=bot_api.bot_user["id"])
    assert member.json()["result"]["can_post_messages"] is True
    full = call(bot_api, "getChat", chat_id="@somechannel").json()["result"]
    assert full["id"] == -100_4 and full["type"] == "channel"
    updates = call(bot_api, "getUpdates").json()["result"]
    kinds = [next(k for k in u if k != "update_id") for u in updates]
    assert kinds == ["my_chat_member"] * 4
    assert not bot_api.internal_errors
