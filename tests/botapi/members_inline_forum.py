"""The local server's forum topics, ``my_chat_member`` updates, inline queries and ``getChat``.

A mixin of :class:`tests.botapi.server.BotApiServer` (it uses the server's lock, chats,
messages and update queue), kept apart so the server module stays about plain messages.
What it checks is what Telegram does:

* a ``message_thread_id`` must name a topic of a forum supergroup ("message thread not
  found" otherwise); a bot message sent into a topic carries it and ``is_topic_message``;
* a bot that was removed from a group, or blocked in a private chat, gets 403 for every send
  there, and a bot that is only a member of a channel cannot post in it;
* ``answerInlineQuery`` answers a query once, before it expires, with at most 50 results,
  unique ids of 1-64 bytes, message texts Telegram can parse, and a ``start_parameter`` of
  1-64 characters out of ``A-Za-z0-9_-``.
"""

from __future__ import annotations

import asyncio
import copy
import re
from typing import Any

from tests.botapi.spec import ApiError, bad_request
from tests.botapi.telegram_html import HtmlParseError, parse_html, utf16_len

MAX_INLINE_RESULTS = 50
MAX_INLINE_TEXT = 4096
_START_PARAMETER = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

#: What ChatMemberRestricted must say (every right a restricted member may lose).
_RESTRICTED_RIGHTS = (
    "can_send_messages",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_react_to_messages",
    "can_edit_tag",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
)
_ADMIN_RIGHTS: dict[str, bool] = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
}


def member_object(
    status: str, user: dict[str, Any], chat_type: str, rights: dict[str, bool] | None = None
) -> dict[str, Any]:
    """A spec-complete ChatMember of ``status`` ("restricted" included)."""
    member: dict[str, Any] = {"status": status, "user": dict(user)}
    rights = rights or {}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(_ADMIN_RIGHTS)
        if chat_type == "channel":
            member["can_post_messages"] = rights.get("can_post_messages", True)
            member["can_edit_messages"] = rights.get("can_edit_messages", True)
        else:
            member["can_pin_messages"] = True
        member.update({k: v for k, v in rights.items() if k in _ADMIN_RIGHTS})
    elif status == "restricted":
        member["is_member"] = True
        member.update({right: rights.get(right, False) for right in _RESTRICTED_RIGHTS})
        member["until_date"] = 0
    elif status == "kicked":
        member["until_date"] = 0
    return member


class MembersInlineForum:
    """Forum topics, the bot's own membership, inline queries (see module doc)."""

    def _init_members_inline_forum(self) -> None:
        #: forum chat id -> its topics' thread ids.
        self._topics: dict[int, set[int]] = {}
        #: chat id -> the bot's ChatMember there (set by ``push_my_chat_member``).
        self._bot_membership: dict[int, dict[str, Any]] = {}
        #: (chat, user) -> the whole ChatMember getChatMember answers (rights included).
        self._member_objects: dict[tuple[int, int], dict[str, Any]] = {}
        self._inline_queries: dict[str, dict[str, Any]] = {}
        #: Every accepted answerInlineQuery, by query id.
        self.inline_answers: dict[str, dict[str, Any]] = {}
        self._handlers.update(
            {
                "answerInlineQuery": self._answer_inline_query,
                "getChat": self._get_chat,
            }
        )

    # -- forum topics -----------------------------------------------------------------------
    def add_forum(self, chat_id: int, *, title: str | None = None) -> dict[str, Any]:
        """A supergroup with topics (``is_forum``); add topics with :meth:`add_topic`."""
        chat = self.add_chat(chat_id, "supergroup", title=title)
        with self._lock:
            self._chats[chat_id]["is_forum"] = True
            self._topics.setdefault(chat_id, set())
            chat["is_forum"] = True
        return chat

    def add_topic(self, chat_id: int, name: str = "Topic") -> int:
        """Open a topic in a forum; its thread id (the id of its creation message)."""
        with self._lock:
            if chat_id not in self._topics:
                raise ValueError(f"chat {chat_id} is not a forum (use add_forum)")
            thread_id = self._new_message_id(chat_id)
            self._messages[(chat_id, thread_id)] = {
                "message_id": thread_id,
                "date": int(self._clock()),
                "chat": dict(self._chats[chat_id]),
                "message_thread_id": thread_id,
                "is_topic_message": True,
                "forum_topic_created": {"name": name, "icon_color": 7322096},
            }
            self._topics[chat_id].add(thread_id)
            return thread_id

    def delete_topic(self, chat_id: int, thread_id: int) -> None:
        """An admin deleted the topic: sends into it fail with "message thread not found"."""
        with self._lock:
            self._topics.get(chat_id, set()).discard(thread_id)

    def _place_in_thread(self, message: dict[str, Any], thread_id: int | None) -> None:
        """Put a message (the user's or the bot's) into a topic, as Telegram checks it."""
        if thread_id is None:
            return
        chat_id = message["chat"]["id"]
        if thread_id not in self._topics.get(chat_id, set()):
            raise bad_request("message thread not found", kind="state")
        message["message_thread_id"] = thread_id
        message["is_topic_message"] = True

    # -- the bot's membership ---------------------------------------------------------------
    def push_my_chat_member(
        self,
        chat_id: int,
        status: str,
        *,
        chat_type: str | None = None,
        by_user_id: int | None = None,
        rights: dict[str, bool] | None = None,
    ) -> dict[str, Any]:
        """The bot's status in a chat changed (``my_chat_member``): blocked or unblocked in a
        private chat ("kicked"/"member"), removed from or added to a group, restricted,
        promoted. From now on sends there are answered as Telegram would."""
        with self._lock:
            chat = self._chats.get(chat_id)
            if chat is None:
                kind = chat_type or ("private" if chat_id > 0 else "supergroup")
                chat = self.add_chat(chat_id, kind)
            if by_user_id is None:
                by_user_id = chat_id if chat["type"] == "private" else 10_000
            old = self._bot_membership.get(chat_id) or member_object(
                "member", self.bot_user, chat["type"]
            )
            new = member_object(status, self.bot_user, chat["type"], rights)
            self._bot_membership[chat_id] = new
            self._members[(chat_id, self.bot_user["id"])] = (status, dict(self.bot_user))
            self._member_objects[(chat_id, self.bot_user["id"])] = new
            update = {
                "chat": dict(chat),
                "from": self._user(by_user_id, "Test"),
                "date": int(self._clock()),
                "old_chat_member": old,
                "new_chat_member": new,
            }
            return self._queue_update("my_chat_member", update)

    def _membership_refusal(self, method: str, chat_id: Any) -> ApiError | None:
        """403 for a send into a chat the bot is no longer in (lock held)."""
        if not method.lower().startswith(("send", "forward", "copy")):
            return None
        try:
            chat = self._resolve_chat(chat_id)
        except ApiError:
            return None
        member = self._bot_membership.get(chat["id"])
        if member is None:
            return None
        status = member["status"]
        if chat["type"] == "private":
            if status == "kicked":
                return ApiError(403, "Forbidden: bot was blocked by the user", kind="injected")
            return None
        if status in ("left", "kicked"):
            where = "channel chat" if chat["type"] == "channel" else "group chat"
            if chat["type"] == "supergroup":
                where = "supergroup chat"
            return ApiError(403, f"Forbidden: bot was kicked from the {where}", kind="injected")
        if status == "restricted" and not member.get("can_send_messages"):
            return ApiError(400, "Bad Request: not enough rights to send text messages to the chat")
        if chat["type"] == "channel" and not (
            status == "administrator" and member.get("can_post_messages")
        ):
            return ApiError(400, "Bad Request: need administrator rights in the channel chat")
        return None

    # -- getChat ----------------------------------------------------------------------------
    def _get_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            chat = self._resolve_chat(params["chat_id"])
            full = dict(chat)
            full.update(
                {
                    "accent_color_id": 0,
                    "max_reaction_count": 11,
                    "accepted_gift_types": {
                        "unlimited_gifts": False,
                        "limited_gifts": False,
                        "unique_gifts": False,
                        "premium_subscription": False,
                        "gifts_from_channels": False,
                    },
                }
            )
            return full

    # -- inline mode ------------------------------------------------------------------------
    def enable_inline_mode(self) -> None:
        """What @BotFather's /setinline does: the bot gets inline queries from now on."""
        with self._lock:
            self.bot_user["supports_inline_queries"] = True

    def push_inline_query(
        self, user_id: int, query: str, *, offset: str = "", chat_type: str | None = "sender"
    ) -> dict[str, Any]:
        """A user typed ``@bot <query>`` (in a chat of ``chat_type``); returns the Update.

        Telegram cuts a query at 256 characters; a longer one is still delivered here, as a
        modified client could send it."""
        with self._lock:
            if not self.bot_user["supports_inline_queries"]:
                raise ValueError("inline mode is off for this bot (see enable_inline_mode)")
            query_id = f"{self.bot_user['id']}{next(self._query_counter):010d}"
            inline = {
                "id": query_id,
                "from": self._user(user_id, "Test"),
                "query": query,
                "offset": offset,
            }
            if chat_type is not None:
                inline["chat_type"] = chat_type
            self._inline_queries[query_id] = inline
            return self._queue_update("inline_query", inline)

    def inline_answer(self, query_id: str) -> dict[str, Any] | None:
        """The answer the bot gave to an inline query, or None (yet)."""
        with self._lock:
            answer = self.inline_answers.get(query_id)
            return copy.deepcopy(answer) if answer is not None else None

    async def wait_for_inline_answer(self, query_id: str, timeout: float = 10) -> dict[str, Any]:
        """The bot's answer to an inline query, once it came (the bot runs in this loop)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (answer := self.inline_answer(query_id)) is None:
            if loop.time() > deadline:
                raise TimeoutError(f"no answer to inline query {query_id} in {timeout}s")
            await asyncio.sleep(0.01)
        return answer

    def choose_inline_result(self, query_id: str, result_id: str, chat_id: int) -> dict[str, Any]:
        """The user picked a result: its message appears in ``chat_id``, sent by the user
        "via" the bot, with the result's keyboard. Returns the message."""
        with self._lock:
            answer = self.inline_answers.get(query_id)
            if answer is None:
                raise ValueError(f"inline query {query_id} has no answer")
            result = next((r for r in answer["results"] if r["id"] == result_id), None)
            if result is None:
                raise ValueError(f"no result {result_id!r} in the answer to {query_id}")
            content = result["input_message_content"]
            text, entities = self._format(
                content["message_text"],
                content.get("parse_mode"),
                content.get("entities"),
                limit=MAX_INLINE_TEXT,
                caption=False,
            )
            sender = self._inline_queries[query_id]["from"]
            chat = self._ensure_chat(chat_id, "private" if chat_id > 0 else "supergroup", "Test")
            message: dict[str, Any] = {
                "message_id": self._new_message_id(chat_id),
                "date": int(self._clock()),
                "chat": dict(chat),
                "from": dict(sender),
                "via_bot": dict(self.bot_user),
                "text": text,
            }
            if entities:
                message["entities"] = entities
            if "reply_markup" in result:
                message["reply_markup"] = result["reply_markup"]
            self._messages[(chat_id, message["message_id"])] = message
            self._changed.notify_all()
            return copy.deepcopy(message)

    def _answer_inline_query(self, params: dict[str, Any]) -> bool:
        results = params["results"]
        if len(results) > MAX_INLINE_RESULTS:
            raise bad_request("RESULTS_TOO_MUCH", kind="semantic")
        seen: set[str] = set()
        for result in results:
            result_id = result["id"]
            if not 1 <= len(result_id.encode()) <= 64:
                raise bad_request("RESULT_ID_INVALID", kind="semantic")
            if result_id in seen:
                raise bad_request("RESULT_ID_DUPLICATE", kind="semantic")
            seen.add(result_id)
            content = result.get("input_message_content") or {}
            if "message_text" in content:
                self._check_inline_text(content)
            markup = result.get("reply_markup")
            if isinstance(markup, dict):
                self._check_inline_keyboard(markup)
        button = params.get("button")
        if button is not None:
            if "start_parameter" in button and not _START_PARAMETER.match(
                button["start_parameter"]
            ):
                raise bad_request("START_PARAM_INVALID", kind="semantic")
            if "start_parameter" not in button and "web_app" not in button:
                raise bad_request("BUTTON_TYPE_INVALID", kind="semantic")
        if len(params.get("next_offset", "").encode()) > 64:
            raise bad_request("NEXT_OFFSET_INVALID", kind="semantic")
        if params.get("cache_time", 300) < 0:
            raise bad_request("CACHE_TIME_INVALID", kind="semantic")
        with self._lock:
            query_id = params["inline_query_id"]
            if query_id not in self._inline_queries or query_id in self.inline_answers:
                raise bad_request(
                    "query is too old and response timeout expired or query ID is invalid",
                    kind="state",
                )
            self.inline_answers[query_id] = copy.deepcopy(params)
            self._changed.notify_all()
        return True

    def _check_inline_text(self, content: dict[str, Any]) -> None:
        text = content["message_text"]
        if (content.get("parse_mode") or "").lower() == "html":
            try:
                text = parse_html(text, strict=self.strict_html).text
            except HtmlParseError as err:
                raise bad_request(f"can't parse entities: {err}", kind="html") from None
        if not text.strip():
            raise bad_request("MESSAGE_EMPTY", kind="semantic")
        if utf16_len(text.strip()) > MAX_INLINE_TEXT:
            raise bad_request("MESSAGE_TOO_LONG", kind="semantic")
