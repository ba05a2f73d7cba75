"""A local Telegram Bot API server for end-to-end tests and delivery benchmarks.

The bot under test runs unmodified (python-telegram-bot ``Application`` with
``base_url``/``base_file_url`` pointed here).  Every call is validated against the
Bot API spec and Telegram's own semantic rules, so a green test means Telegram
would have accepted the same calls; each rejection is also kept in
``server.violations`` for tests that want to assert a clean run.

Tests drive the bot with ``push_message``/``push_document``/``press_button`` and
inspect what it sent with ``sent``/``delivered``/``wait_for``.  Fault injection
(``fail_next``, ``block_chat``, ``delay``, ``rate_limit``) reproduces the failures
a delivery pipeline must survive.  All state sits behind one lock, so the helpers
are safe to call from the test thread while handler threads serve the bot.
"""

from __future__ import annotations

import asyncio
import bisect
import collections
import contextlib
import copy
import email.message
import email.utils
import itertools
import json
import math
import re
import select
import socket
import struct
import sys
import threading
import time
import urllib.parse
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.botapi.members_inline_forum import MembersInlineForum, member_object
from tests.botapi.spec import ApiError, ApiSpec, UploadedFile, bad_request, load_spec
from tests.botapi.telegram_html import HtmlParseError, parse_html, utf16_len

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "BotApiServer",
    "SentMessage",
    "Violation",
]

DEFAULT_TOKEN = "123456:TEST-TOKEN-for-local-server-only"
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_ANSWER = 200
#: getChatMember statuses the server can report (ChatMemberOwner, …Administrator, …Member,
#: …Left, …Banned); "restricted" is left out until a test needs its many permission fields.
CHAT_MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "left", "kicked"})
#: A group administrator as the group's owner typically promotes one: may moderate, not promote.
_ADMINISTRATOR_RIGHTS: dict[str, bool] = {
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
    "can_pin_messages": True,
}
#: The user Telegram shows as the sender of an anonymous group admin's messages.
GROUP_ANONYMOUS_BOT: dict[str, Any] = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Telegram's default when allowed_updates was never set (or set to []).
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_BOT_COMMAND_IN_TEXT = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
#: ``_dispatch`` status meaning: answer nothing, reset the connection (TCP RST).
RESET = -1
_BAD_GATEWAY_HTML = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


@dataclass(frozen=True)
class ApiCall:
    """One HTTP call the bot made, with its outcome."""

    seq: int
    method: str
    params: dict[str, Any]
    ok: bool
    error_code: int | None
    description: str | None
    time: float
    content_type: str
    injected: bool = False

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")


@dataclass(frozen=True)
class Violation:
    """A call Telegram would reject (or silently mis-handle)."""

    method: str
    description: str
    kind: str
    params: dict[str, Any]

    def __str__(self) -> str:
        return f"{self.method}: {self.description} [{self.kind}] params={_short(self.params)}"


@dataclass(frozen=True)
class SentMessage:
    """A message the bot sent or edited, as Telegram returned it."""

    seq: int
    method: str
    chat_id: int
    message_id: int
    params: dict[str, Any]
    message: dict[str, Any]
    time: float

    @property
    def text(self) -> str:
        """Text (or caption) after entity parsing."""
        return self.message.get("text") or self.message.get("caption") or ""

    @property
    def entities(self) -> list[dict[str, Any]]:
        return self.message.get("entities") or self.message.get("caption_entities") or []

    @property
    def reply_markup(self) -> dict[str, Any] | None:
        return self.message.get("reply_markup")

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Inline keyboard buttons, flattened row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    @property
    def is_edit(self) -> bool:
        return self.method.startswith("edit")


@dataclass
class _Fault:
    method: str | None
    chat_id: int | str | None
    error_code: int
    retry_after: int | None
    remaining: int
    description: str | None
    deliver: bool
    reset: bool = False

    def matches(self, method: str, chat_id: Any) -> bool:
        if self.method is not None and self.method.lower() != method.lower():
            return False
        return self.chat_id is None or str(self.chat_id) == str(chat_id)


@dataclass
class _Delay:
    method: str | None
    seconds: float
    chat_id: int | str | None
    remaining: int | None


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes = field(repr=False)


def _short(value: Any, limit: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_message_send(method: str) -> bool:
    """Calls that create a new message (the rate limits count these and edits)."""
    lowered = method.lower()
    if lowered == "sendchataction":
        return False
    return lowered.startswith(("send", "forward", "copy"))


def _counts_as_message(method: str) -> bool:
    """Calls Telegram's flood limits count: new messages, and edits of them.

    Telegram answers 429 to a bot that edits too fast as it does to one that sends too fast
    (a group's menu edited on every tap takes from its 20 a minute), so a limit on sends alone
    would pass a bot Telegram throttles. A button's answer (``answerCallbackQuery``), a lookup
    or a chat action is not a message and is not counted.
    """
    return _is_message_send(method) or method.lower().startswith("edit")


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: BotApiServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that vanished (killed, timed out) is expected here, not a server error."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Thin HTTP layer; all logic lives in BotApiServer._dispatch."""

    protocol_version = "HTTP/1.1"
    server: _HTTPServer
    timeout = 120  # idle keep-alive connections die eventually even if the client forgets

    def setup(self) -> None:
        super().setup()
        self.server.owner._track(self.connection, add=True)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.server.owner._track(self.connection, add=False)

    def _serve(self) -> None:
        # Telegram counts a send when it arrives, before any of its own work on it.
        self.server.owner._local.received = time.monotonic()
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        owner = self.server.owner
        owner._local.connection = self.connection
        status, content_type, payload = owner._dispatch(
            self.command, self.path, dict(self.headers.items()), body
        )
        if status == RESET:
            # SO_LINGER 0: closing sends RST, what a crashed proxy or a dropped NAT entry does.
            with contextlib.suppress(OSError):
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
            self.close_connection = True
            return
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            # Headers and body in one write, as a real server sends a small answer: written
            # apart, the body waits for the client's delayed ACK (Nagle, ~40 ms a call).
            self._headers_buffer.append(b"\r\n" + payload)
            self.flush_headers()
        except OSError:
            self.close_connection = True

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    do_GET = _serve
    do_POST = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request logging; calls are recorded in server.calls instead."""


def _parse_multipart(body: bytes, content_type: str) -> tuple[dict[str, str], dict[str, Any]]:
    """Split multipart/form-data into plain fields and file parts."""
    header = email.message.Message()
    header["Content-Type"] = content_type
    boundary = header.get_param("boundary")
    if not isinstance(boundary, str):
        raise bad_request("multipart boundary is missing")
    fields: dict[str, str] = {}
    files: dict[str, Any] = {}
    for part in body.split(b"--" + boundary.encode())[1:]:
        if part.startswith(b"--"):
            break
        part = part.removeprefix(b"\r\n")
        raw_headers, _, content = part.partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        part_headers = email.message.Message()
        for line in raw_headers.decode("utf-8", "replace").split("\r\n"):
            if ":" in line:
                key, value = line.split(":", 1)
                part_headers[key.strip()] = value.strip()
        name = part_headers.get_param("name", header="content-disposition")
        filename = part_headers.get_param("filename", header="content-disposition")
        if not isinstance(name, str):
            continue
        if filename is not None:
            files[name] = UploadedFile(
                field=name,
                filename=str(email.utils.collapse_rfc2231_value(filename)),
                content_type=part_headers.get_content_type(),
                data=content,
            )
        else:
            fields[name] = content.decode("utf-8")
    return fields, files


class BotApiServer(MembersInlineForum):
    """Fake api.telegram.org on 127.0.0.1 (see module docstring)."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        spec: ApiSpec | None = None,
        bot_username: str = "newsbot_test_bot",
        bot_first_name: str = "NewsBot Test",
        strict_html: bool = True,
        auto_create_chats: bool = False,
        port: int = 0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.token = token
        self.spec = spec or load_spec()
        self.strict_html = strict_html
        self.auto_create_chats = auto_create_chats
        self._port = port
        self._clock = clock
        self.bot_user: dict[str, Any] = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._local = threading.local()
        self._stopping = False
        self._seq = itertools.count(1)
        # bot-visible state
        self._chats: dict[int, dict[str, Any]] = {}
        self._usernames: dict[str, int] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._next_message_id: dict[int, int] = collections.defaultdict(lambda: 1)
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._allowed_updates: frozenset[str] | None = None
        self._poll_generation = 0
        self._webhook_url = ""
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._file_counter = itertools.count(1)
        self._pending_queries: dict[str, dict[str, Any]] = {}
        self._query_counter = itertools.count(1)
        #: (chat, user) -> (status, user object) as getChatMember reports it.
        self._members: dict[tuple[int, int], tuple[str, dict[str, Any]]] = {}
        # records
        self._calls: list[ApiCall] = []
        self._violations: list[Violation] = []
        self._sent: list[SentMessage] = []
        self._delivered: dict[int, list[SentMessage]] = collections.defaultdict(list)
        self.callback_answers: list[dict[str, Any]] = []
        self.chat_actions: list[dict[str, Any]] = []
        self.internal_errors: list[str] = []
        # fault injection
        self._faults: list[_Fault] = []
        self._delays: list[_Delay] = []
        self._blocked: set[str] = set()
        self._rate_global: float | None = None
        self._rate_per_chat: float | None = None
        self._rate_window = 1.0
        self._send_times: collections.deque[float] = collections.deque()
        self._send_times_chat: dict[str, collections.deque[float]] = collections.defaultdict(
            collections.deque
        )
        self.rate_limit_hits = 0
        self.outages = 0
        self._handlers: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "getChatMember": self._get_chat_member,
            "getFile": self._get_file,
            "sendDocument": self._send_document,
            "close": lambda params: True,
            "logOut": lambda params: True,
        }
        self._init_members_inline_forum()

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> BotApiServer:
        """Bind 127.0.0.1 (port 0 = any free port) and serve in a daemon thread."""
        if self._httpd is not None:
            return self
        httpd = _HTTPServer(("127.0.0.1", self._port), _Handler)
        httpd.owner = self
        self._httpd = httpd
        self._stopping = False
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"botapi-{httpd.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, release long polls and close open keep-alive connections."""
        httpd = self._httpd
        if httpd is None:
            return
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        httpd.shutdown()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> BotApiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server not started")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)`` / ``Bot(base_url=...)``."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    @property
    def api_url(self) -> str:
        """Full method prefix for raw HTTP calls: ``f"{api_url}/getMe"``."""
        return f"{self.base_url}{self.token}"

    # -- records ----------------------------------------------------------------------------
    @property
    def calls(self) -> list[ApiCall]:
        with self._lock:
            return list(self._calls)

    @property
    def violations(self) -> list[Violation]:
        with self._lock:
            return list(self._violations)

    def calls_to(self, method: str) -> list[ApiCall]:
        """Calls of one method (case-insensitive)."""
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def sent(self, chat_id: int | None = None) -> list[SentMessage]:
        """Messages the bot sent or edited (``method`` tells which), oldest first."""
        with self._lock:
            return [s for s in self._sent if chat_id is None or s.chat_id == chat_id]

    def delivered(self, chat_id: int | None = None) -> list[SentMessage]:
        """New messages that reached the chat (no edits), for loss/duplicate counting."""
        with self._lock:
            if chat_id is not None:
                return list(self._delivered.get(chat_id, []))
            return sorted(
                (s for items in self._delivered.values() for s in items), key=lambda s: s.seq
            )

    def delivered_count(self) -> int:
        """``len(delivered())`` without copying and sorting every message (for polling)."""
        with self._lock:
            return sum(len(items) for items in self._delivered.values())

    def duplicates(self, chat_id: int | None = None) -> dict[tuple[int, str], int]:
        """(chat_id, text) delivered more than once, with the count."""
        counts = collections.Counter((s.chat_id, s.text) for s in self.delivered(chat_id))
        return {key: n for key, n in counts.items() if n > 1}

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """Current state of a stored message (after edits), or None if deleted/unknown."""
        with self._lock:
            stored = self._messages.get((chat_id, message_id))
            return copy.deepcopy(stored) if stored is not None else None

    def chat_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """Everything currently visible in a chat (user and bot messages), in order."""
        with self._lock:
            items = sorted((mid, m) for (cid, mid), m in self._messages.items() if cid == chat_id)
            return [copy.deepcopy(m) for _, m in items]

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        """Commands set via setMyCommands for a scope/language."""
        with self._lock:
            return list(self._commands.get((_scope_key(scope), language_code), []))

    @property
    def pending_updates(self) -> int:
        with self._lock:
            return len(self._updates)

    # -- waiting ----------------------------------------------------------------------------
    def _match(
        self, predicate_or_count: int | Callable[[SentMessage], bool], chat_id: int | None
    ) -> list[SentMessage] | None:
        items = self.sent(chat_id)
        if isinstance(predicate_or_count, int):
            return items if len(items) >= predicate_or_count else None
        matching = [s for s in items if predicate_or_count(s)]
        return matching or None

    def _timeout_error(
        self, predicate_or_count: object, chat_id: int | None, timeout: float
    ) -> TimeoutError:
        got = [(s.method, s.chat_id, s.text[:80]) for s in self.sent(chat_id)]
        return TimeoutError(
            f"bot did not send {predicate_or_count!r} (chat_id={chat_id}) within {timeout}s; "
            f"sent so far: {got}; violations: {[str(v) for v in self.violations]}"
        )

    async def wait_for(
        self,
        predicate_or_count: int | Callable[[SentMessage], bool],
        chat_id: int | None = None,
        timeout: float = 10,
    ) -> list[SentMessage]:
        """Wait (without blocking the event loop) until the bot has sent enough.

        An int waits for at least that many sent/edited messages in total (optionally
        in one chat) and returns them all; a predicate is applied to each SentMessage
        and the matching ones are returned once there is at least one.
        """
        deadline = time.monotonic() + timeout
        while True:
            found = self._match(predicate_or_count, chat_id)
            if found is not None:
                return found
            if time.monotonic() >= deadline:
                raise self._timeout_error(predicate_or_count, chat_id, timeout)
            await asyncio.sleep(0.005)

    def wait_for_sync(
        self,
        predicate_or_count: int | Callable[[SentMessage], bool],
        chat_id: int | None = None,
        timeout: float = 10,
    ) -> list[SentMessage]:
        """Blocking variant of ``wait_for`` for threads without an event loop."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = self._match(predicate_or_count, chat_id)
                if found is not None:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise self._timeout_error(predicate_or_count, chat_id, timeout)
                self._changed.wait(min(remaining, 0.5))

    # -- driving the bot --------------------------------------------------------------------
    def add_chat(
        self,
        chat_id: int,
        chat_type: str = "private",
        *,
        title: str | None = None,
        username: str | None = None,
        first_name: str = "Test",
    ) -> dict[str, Any]:
        """Register a chat the bot may write to (Telegram: 'chat not found' otherwise)."""
        if chat_type not in ("private", "group", "supergroup", "channel"):
            raise ValueError(f"bad chat_type {chat_type!r}")
        if chat_type == "private" and chat_id <= 0:
            raise ValueError("private chat ids are positive user ids")
        if chat_type != "private" and chat_id >= 0:
            raise ValueError("group/supergroup/channel chat ids are negative")
        with self._lock:
            chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
            if chat_type == "private":
                chat["first_name"] = first_name
            else:
                chat["title"] = title or f"Test {chat_type} {abs(chat_id)}"
            if username:
                chat["username"] = username
                self._usernames[username.lower()] = chat_id
            self._chats[chat_id] = chat
            return dict(chat)

    def _ensure_chat(self, chat_id: int, chat_type: str, first_name: str) -> dict[str, Any]:
        chat = self._chats.get(chat_id)
        if chat is None:
            return self.add_chat(chat_id, chat_type, first_name=first_name)
        if chat["type"] != chat_type:
            raise ValueError(f"chat {chat_id} is a {chat['type']} chat, not {chat_type}")
        return chat

    def set_chat_member(
        self,
        chat_id: int,
        user_id: int,
        status: str,
        *,
        first_name: str = "Test",
        rights: dict[str, bool] | None = None,
    ) -> None:
        """What getChatMember reports for this user in this chat from now on.

        ``status`` is Telegram's: "creator" (the owner), "administrator", "member", "left" or
        "kicked".  Without it a user who wrote or pressed a button in a chat is a "member"
        there (in a private chat, the user it is with), anyone else has "left".
        """
        if status not in CHAT_MEMBER_STATUSES:
            raise ValueError(f"bad status {status!r}; one of {sorted(CHAT_MEMBER_STATUSES)}")
        with self._lock:
            self._resolve_chat(chat_id)
            known = self._members.get((chat_id, user_id))
            user = known[1] if known else self._user(user_id, first_name)
            self._members[(chat_id, user_id)] = (status, user)
            if user_id == self.bot_user["id"]:
                user = dict(self.bot_user)
            chat_type = self._chats[chat_id]["type"]
            self._member_objects[(chat_id, user_id)] = member_object(
                status, user, chat_type, rights
            )

    def _join(self, chat_id: int, user: dict[str, Any]) -> None:
        """A user seen writing in a chat is in it (a status set by a test is kept)."""
        key = (chat_id, user["id"])
        if key not in self._members:
            self._members[key] = ("member", dict(user))

    def _user(self, user_id: int, first_name: str) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "en"}

    def _new_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id[chat_id]
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _queue_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self._next_update_id, kind: payload}
        self._next_update_id += 1
        self._check_result(update, "Update", "push")
        self._updates.append(update)
        self._changed.notify_all()
        return copy.deepcopy(update)

    def _user_message(
        self,
        chat_id: int,
        user_id: int | None,
        first_name: str,
        chat_type: str,
        *,
        anonymous_admin: bool = False,
    ) -> dict[str, Any]:
        if user_id is None:
            user_id = chat_id if chat_type == "private" else 10_000
        if chat_type == "private" and user_id != chat_id:
            raise ValueError("in a private chat the sender is the chat: user_id must equal chat_id")
        if anonymous_admin and chat_type not in ("group", "supergroup"):
            raise ValueError("only a group or supergroup has anonymous admins")
        chat = self._ensure_chat(chat_id, chat_type, first_name)
        message: dict[str, Any] = {
            "message_id": self._new_message_id(chat_id),
            "date": int(self._clock()),
            "chat": dict(chat),
        }
        if chat_type == "channel":
            message["sender_chat"] = dict(chat)
        elif anonymous_admin:
            # Telegram hides the admin behind @GroupAnonymousBot and names the group as sender.
            message["from"] = dict(GROUP_ANONYMOUS_BOT)
            message["sender_chat"] = dict(chat)
        else:
            message["from"] = self._user(user_id, first_name)
            self._join(chat_id, message["from"])
        return message

    def push_message(
        self,
        chat_id: int,
        text: str,
        user_id: int | None = None,
        first_name: str = "Test",
        chat_type: str = "private",
        forward_from: int | str | dict[str, Any] | None = None,
        *,
        anonymous_admin: bool = False,
        message_thread_id: int | None = None,
    ) -> dict[str, Any]:
        """Queue an incoming text message; returns the Update.

        ``forward_from`` makes it a forward: a user id or user dict (MessageOriginUser),
        a chat dict with type channel/group/supergroup (MessageOriginChannel/Chat) or a
        plain name string (MessageOriginHiddenUser).  ``anonymous_admin`` sends it as a
        group's anonymous administrator does: from @GroupAnonymousBot, ``sender_chat`` the group.
        ``message_thread_id`` writes it in that topic of a forum (see ``add_forum``).
        """
        if not text:
            raise ValueError("Telegram never delivers an empty text message")
        with self._lock:
            message = self._user_message(
                chat_id, user_id, first_name, chat_type, anonymous_admin=anonymous_admin
            )
            if message_thread_id is not None:
                if message_thread_id not in self._topics.get(chat_id, set()):
                    raise ValueError(f"chat {chat_id} has no topic {message_thread_id}")
                message["message_thread_id"] = message_thread_id
                message["is_topic_message"] = True
            message["text"] = text
            entities = _detect_commands(text)
            if entities:
                message["entities"] = entities
            if forward_from is not None:
                message["forward_origin"] = self._origin(forward_from, message["date"] - 60)
            kind = "channel_post" if chat_type == "channel" else "message"
            self._messages[(chat_id, message["message_id"])] = message
            return self._queue_update(kind, copy.deepcopy(message))

    def push_edit(self, chat_id: int, message_id: int, text: str) -> dict[str, Any]:
        """Queue an ``edited_message``: the user corrected the text of a message they sent."""
        if not text:
            raise ValueError("Telegram never delivers an empty text message")
        with self._lock:
            stored = self._messages.get((chat_id, message_id))
            if stored is None or stored.get("from", {}).get("id") == self.bot_user["id"]:
                raise ValueError(f"no message {message_id} from the user in chat {chat_id}")
            stored["text"] = text
            stored["edit_date"] = int(self._clock())
            entities = _detect_commands(text)
            if entities:
                stored["entities"] = entities
            else:
                stored.pop("entities", None)
            return self._queue_update("edited_message", copy.deepcopy(stored))

    def _origin(self, source: int | str | dict[str, Any], date: int) -> dict[str, Any]:
        if isinstance(source, bool):
            raise TypeError("forward_from must be an id, a user/chat dict or a name")
        if isinstance(source, int):
            return {"type": "user", "date": date, "sender_user": self._user(source, "Forwarded")}
        if isinstance(source, str):
            return {"type": "hidden_user", "date": date, "sender_user_name": source}
        if source.get("type") == "channel":
            return {"type": "channel", "date": date, "chat": dict(source), "message_id": 1}
        if source.get("type") in ("group", "supergroup"):
            return {"type": "chat", "date": date, "sender_chat": dict(source)}
        user = {"is_bot": False, "first_name": "Forwarded", **source}
        return {"type": "user", "date": date, "sender_user": user}

    def push_document(
        self,
        chat_id: int,
        filename: str,
        content: bytes,
        mime_type: str = "application/octet-stream",
        caption: str | None = None,
        user_id: int | None = None,
        first_name: str = "Test",
        chat_type: str = "private",
    ) -> dict[str, Any]:
        """Queue an incoming document; its bytes are served via getFile + download."""
        with self._lock:
            message = self._user_message(chat_id, user_id, first_name, chat_type)
            stored = self._store_file(content, filename, "documents")
            message["document"] = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_name": filename,
                "mime_type": mime_type,
                "file_size": len(content),
            }
            if caption:
                message["caption"] = caption
                entities = _detect_commands(caption)
                if entities:
                    message["caption_entities"] = entities
            self._messages[(chat_id, message["message_id"])] = message
            kind = "channel_post" if chat_type == "channel" else "message"
            return self._queue_update(kind, copy.deepcopy(message))

    def press_button(
        self,
        chat_id: int,
        message_id: int,
        data: str,
        user_id: int | None = None,
        first_name: str = "Test",
    ) -> dict[str, Any]:
        """Queue a callback_query as if the user tapped the button carrying ``data``.

        Raises ValueError if the message or such a button does not exist: a user
        can only press what the bot actually showed.
        """
        with self._lock:
            stored = self._messages.get((chat_id, message_id))
            if stored is None:
                raise ValueError(f"no message {message_id} in chat {chat_id}")
            if stored.get("from", {}).get("id") != self.bot_user["id"]:
                raise ValueError(f"message {message_id} in chat {chat_id} is not the bot's")
            rows = (stored.get("reply_markup") or {}).get("inline_keyboard", [])
            datas = [b.get("callback_data") for row in rows for b in row]
            if data not in datas:
                raise ValueError(
                    f"message {message_id} has no button with callback_data {data!r}; has {datas}"
                )
            return self._callback_query(chat_id, stored, data, user_id, first_name)

    def forge_button_press(
        self,
        chat_id: int,
        message_id: int,
        data: str,
        user_id: int | None = None,
        first_name: str = "Test",
        *,
        expired: bool = False,
    ) -> dict[str, Any]:
        """Queue a callback_query carrying any ``data`` for a message the bot sent.

        A modified client can do this: Telegram only checks that the message exists in the
        chat, not that it has such a button. ``expired`` makes the query one Telegram no longer
        accepts an answer for (as after a restart with old updates waiting).
        """
        with self._lock:
            stored = self._messages.get((chat_id, message_id))
            if stored is None:
                raise ValueError(f"no message {message_id} in chat {chat_id}")
            update = self._callback_query(chat_id, stored, data, user_id, first_name)
            if expired:
                self._pending_queries.pop(update["callback_query"]["id"], None)
            return update

    def _callback_query(
        self,
        chat_id: int,
        stored: dict[str, Any],
        data: str,
        user_id: int | None,
        first_name: str,
    ) -> dict[str, Any]:
        chat = self._chats[chat_id]
        if user_id is None:
            user_id = chat_id if chat["type"] == "private" else 10_000
        query_id = f"{self.bot_user['id']}{next(self._query_counter):08d}"
        presser = self._user(user_id, first_name)
        self._join(chat_id, presser)
        query = {
            "id": query_id,
            "from": presser,
            "message": copy.deepcopy(stored),
            "chat_instance": f"{abs(chat_id) * 7919 % 10**12}",
            "data": data,
        }
        self._pending_queries[query_id] = query
        return self._queue_update("callback_query", query)

    # -- fault injection --------------------------------------------------------------------
    def fail_next(
        self,
        method: str | None = "sendMessage",
        chat_id: int | str | None = None,
        error_code: int = 429,
        retry_after: int | None = None,
        times: int = 1,
        description: str | None = None,
        *,
        deliver: bool = False,
    ) -> None:
        """Answer the next ``times`` matching calls with an error.

        ``method=None`` matches any method, ``chat_id=None`` any chat.  429 answers
        carry ``parameters.retry_after`` (default 1), 502 answers nginx's HTML page
        like the real thing.  ``deliver=True`` performs the call first, modelling an
        error that reached the client although the message was delivered (the case
        that produces duplicates on retry).
        """
        if error_code == 429 and retry_after is None:
            retry_after = 1
        with self._lock:
            self._faults.append(
                _Fault(method, chat_id, error_code, retry_after, times, description, deliver)
            )

    def reset_next(
        self,
        method: str | None = "sendMessage",
        chat_id: int | str | None = None,
        times: int = 1,
        *,
        deliver: bool = False,
    ) -> None:
        """Reset the connection (TCP RST, no answer) on the next ``times`` matching calls.

        ``deliver=False`` resets before the call takes effect (nothing happened, though the
        client cannot know); ``deliver=True`` performs the call first, then resets.
        """
        with self._lock:
            self._faults.append(_Fault(method, chat_id, 0, None, times, None, deliver, reset=True))

    def go_away(self, seconds: float | None = None) -> None:
        """Stop listening (connections refused, open ones closed), as an outage looks to a
        client; back on the same port after ``seconds`` (None: when :meth:`come_back` is
        called). Chats, messages and queued updates stay; ``push_*`` still queues updates."""
        port = self.port
        with self._lock:
            self.outages += 1
        self.stop()
        self._port = port
        if seconds is not None:
            timer = threading.Timer(seconds, self.come_back)
            timer.daemon = True
            timer.start()

    def come_back(self) -> None:
        """Listen again after :meth:`go_away` (a no-op if already serving)."""
        self.start()

    @property
    def away(self) -> bool:
        return self._httpd is None

    @property
    def faults_injected(self) -> int:
        """Answers replaced by an injected error or reset, plus outages."""
        with self._lock:
            return sum(1 for c in self._calls if c.injected) + self.outages

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()
            self._delays.clear()
            self._blocked.clear()
            self._rate_global = self._rate_per_chat = None
            self._rate_window = 1.0

    def block_chat(self, chat_id: int | str) -> None:
        """Every send to this chat gets 403 'Forbidden: bot was blocked by the user'."""
        with self._lock:
            self._blocked.add(str(chat_id))

    def unblock_chat(self, chat_id: int | str) -> None:
        with self._lock:
            self._blocked.discard(str(chat_id))

    def delay(
        self,
        method: str | None,
        seconds: float,
        chat_id: int | str | None = None,
        times: int | None = None,
    ) -> None:
        """Hold the answer to matching calls for ``seconds`` (``times=None``: all of them).

        The call takes effect first and only the response is late, so a client that
        times out and retries produces a duplicate, as it would on a slow network.
        """
        with self._lock:
            self._delays.append(_Delay(method, seconds, chat_id, times))

    def rate_limit(
        self,
        per_second: float | None = 30,
        per_chat_per_second: float | None = None,
        *,
        window: float = 1.0,
    ) -> None:
        """Answer 429 (with retry_after) when messages (sends and edits) exceed these rates.

        They are counted in a sliding window of ``window`` seconds (Telegram's is one; tests
        of the limit itself take a long one, so a loaded machine's slow calls cannot slide
        out of it); ``None`` disables a limit. Hits are counted in ``rate_limit_hits``.
        """
        with self._lock:
            self._rate_global = per_second
            self._rate_per_chat = per_chat_per_second
            self._rate_window = window
            self._send_times.clear()
            self._send_times_chat.clear()

    # -- HTTP dispatch ----------------------------------------------------------------------
    def _dispatch(
        self, http_method: str, raw_path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, str, bytes]:
        url = urllib.parse.urlsplit(raw_path)
        path = urllib.parse.unquote(url.path)
        if path.startswith("/file/bot"):
            return self._download(path[len("/file/bot") :])
        match = re.fullmatch(r"/bot([^/]*)/([^/]*)", path)
        if match is None:
            return _json_response(ApiError(404, "Not Found").payload(), 404)
        token, method_raw = match.groups()
        if token != self.token:
            unauthorized = ApiError(401, "Unauthorized", kind="token")
            self._record(method_raw, {}, unauthorized, "", violation=True)
            return _json_response(unauthorized.payload(), 401)
        content_type = next(
            (v for k, v in headers.items() if k.lower() == "content-type"), ""
        ).split(";")[0]
        method = self.spec.method_name(method_raw) or method_raw
        params: dict[str, Any] = {}
        try:
            raw, files = self._decode(url.query, body, headers)
            params = {k: v for k, v in raw.items()}
            params.update({k: _describe(f) for k, f in files.items()})
            typed = self.spec.validate_call(method, raw, files)
            params = {k: _describe(v) for k, v in typed.items()}
            self._check_semantics(method, typed)
            return self._execute(method, typed, params, content_type or "none")
        except ApiError as err:
            self._record(method, params, err, content_type or "none", violation=True)
            return _json_response(err.payload(), err.error_code)

    def _decode(
        self, query: str, body: bytes, headers: dict[str, str]
    ) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
        raw: dict[str, Any] = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        files: dict[str, UploadedFile] = {}
        full_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        content_type = full_type.split(";")[0].strip().lower()
        if not body:
            return raw, files
        if content_type == "application/json":
            try:
                decoded = json.loads(body)
            except ValueError:
                raise bad_request("can't parse JSON body") from None
            if not isinstance(decoded, dict):
                raise bad_request("JSON body must be an object")
            raw.update(decoded)
        elif content_type == "application/x-www-form-urlencoded":
            raw.update(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        elif content_type == "multipart/form-data":
            fields, parts = _parse_multipart(body, full_type)
            raw.update(fields)
            files.update(parts)
        else:
            raise bad_request(f"unsupported Content-Type {content_type!r}")
        return raw, files

    def _download(self, rest: str) -> tuple[int, str, bytes]:
        token, _, file_path = rest.partition("/")
        if token != self.token:
            return _json_response(ApiError(401, "Unauthorized").payload(), 401)
        with self._lock:
            stored = self._files_by_path.get(file_path)
        if stored is None:
            return _json_response(ApiError(404, "Not Found").payload(), 404)
        return 200, "application/octet-stream", stored.data

    def _record(
        self,
        method: str,
        params: dict[str, Any],
        err: ApiError | None,
        content_type: str,
        *,
        violation: bool = False,
        injected: bool = False,
    ) -> None:
        with self._changed:
            self._calls.append(
                ApiCall(
                    seq=next(self._seq),
                    method=method,
                    params=params,
                    ok=err is None,
                    error_code=err.error_code if err else None,
                    description=err.description if err else None,
                    time=self._clock(),
                    content_type=content_type,
                    injected=injected,
                )
            )
            if err is not None and violation and err.kind != "abandoned_poll":
                self._violations.append(Violation(method, err.description, err.kind, params))
            self._changed.notify_all()

    def _execute(
        self, method: str, typed: dict[str, Any], params: dict[str, Any], content_type: str
    ) -> tuple[int, str, bytes]:
        chat_id = typed.get("chat_id")
        delay_seconds = 0.0
        fault: _Fault | None = None
        with self._lock:
            for d in self._delays:
                if (d.method is None or d.method.lower() == method.lower()) and (
                    d.chat_id is None or str(d.chat_id) == str(chat_id)
                ):
                    if d.remaining is not None:
                        if d.remaining <= 0:
                            continue
                        d.remaining -= 1
                    delay_seconds = d.seconds
                    break
            injected = self._injected_error(method, chat_id)
            if isinstance(injected, _Fault):
                fault = injected
            elif injected is not None:
                self._record(method, params, injected, content_type, injected=True)
                return _json_response(injected.payload(), injected.error_code)
        if fault is not None and not fault.deliver:
            return self._fault_response(method, params, fault, content_type)
        try:
            handler = self._handlers.get(method)
            result = handler(typed) if handler else self._generic(method, typed)
        except ApiError as err:
            self._record(method, params, err, content_type, violation=True)
            return _json_response(err.payload(), err.error_code)
        if method != "getUpdates":
            self._check_result(result, self.spec.returns(method), method)
        if delay_seconds:
            time.sleep(delay_seconds)
        if fault is not None:
            return self._fault_response(method, params, fault, content_type)
        self._record(method, params, None, content_type)
        return _json_response({"ok": True, "result": result}, 200)

    def _fault_response(
        self, method: str, params: dict[str, Any], fault: _Fault, content_type: str
    ) -> tuple[int, str, bytes]:
        if fault.reset:
            err = ApiError(0, "connection reset", kind="injected")
            self._record(method, params, err, content_type, injected=True)
            return RESET, "", b""
        code = fault.error_code
        defaults = {
            400: "Bad Request: injected failure",
            403: "Forbidden: bot was blocked by the user",
            429: f"Too Many Requests: retry after {fault.retry_after}",
            500: "Internal Server Error",
            502: "Bad Gateway",
        }
        description = fault.description or defaults.get(code, f"Error {code}")
        parameters = {"retry_after": fault.retry_after} if fault.retry_after else None
        err = ApiError(code, description, parameters, kind="injected")
        self._record(method, params, err, content_type, injected=True)
        if code == 502 and fault.description is None:
            return 502, "text/html", _BAD_GATEWAY_HTML
        return _json_response(err.payload(), code)

    def _injected_error(self, method: str, chat_id: Any) -> ApiError | _Fault | None:
        """Blocked chat, queued fault or rate limit for this call (lock held)."""
        lowered = method.lower()
        touches_chat = lowered.startswith(("send", "forward", "copy", "edit"))
        if touches_chat and chat_id is not None and str(chat_id) in self._blocked:
            return ApiError(403, "Forbidden: bot was blocked by the user", kind="injected")
        if chat_id is not None and (refusal := self._membership_refusal(method, chat_id)):
            return refusal
        for fault in self._faults:
            if fault.remaining > 0 and fault.matches(method, chat_id):
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                return fault
        if _counts_as_message(method) and (self._rate_global or self._rate_per_chat):
            # Arrival time (see _Handler._serve): validating the call first would add our own
            # scheduling jitter to the rate. Handler threads may get here out of arrival order,
            # so the windows are kept sorted and only sends up to ``now`` count.
            now = getattr(self._local, "received", None) or time.monotonic()
            window_start = now - self._rate_window
            while self._send_times and self._send_times[0] <= window_start:
                self._send_times.popleft()
            chat_times = self._send_times_chat[str(chat_id)]
            while chat_times and chat_times[0] <= window_start:
                chat_times.popleft()
            in_window = bisect.bisect_right(self._send_times, now)
            in_chat_window = bisect.bisect_right(chat_times, now)
            oldest: float | None = None
            if self._rate_global and in_window >= self._rate_global:
                oldest = self._send_times[0]
            elif self._rate_per_chat and in_chat_window >= self._rate_per_chat:
                oldest = chat_times[0]
            if oldest is not None:
                self.rate_limit_hits += 1
                retry = max(1, math.ceil(oldest + self._rate_window - now))
                return ApiError(
                    429,
                    f"Too Many Requests: retry after {retry}",
                    {"retry_after": retry},
                    kind="injected",
                )
            bisect.insort(self._send_times, now)
            bisect.insort(chat_times, now)
        return None

    def _check_result(self, result: Any, returns: str | list[str], method: str) -> None:
        """Self-check: what we hand to the bot must itself match the spec."""
        problems = self.spec.check_value(result, returns, "result")
        if problems:
            with self._lock:
                self.internal_errors.append(f"{method}: {problems[:3]}")

    # -- semantic (stateless) checks --------------------------------------------------------
    def _check_semantics(self, method: str, params: dict[str, Any]) -> None:
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            self._check_inline_keyboard(markup)
        if "parse_mode" in params:
            mode = str(params["parse_mode"]).lower()
            if mode not in ("", "html", "markdown", "markdownv2"):
                raise bad_request("unsupported parse_mode", kind="semantic")
        text = params.get("text") or ""
        if method == "answerCallbackQuery" and len(text) > MAX_CALLBACK_ANSWER:
            raise bad_request("MESSAGE_TOO_LONG", kind="semantic")
        if method == "setMyCommands":
            commands = params["commands"]
            if len(commands) > 100:
                raise bad_request("BOT_COMMANDS_TOO_MUCH", kind="semantic")
            for command in commands:
                if not _COMMAND_RE.match(command["command"]):
                    raise bad_request("BOT_COMMAND_INVALID", kind="semantic")
                if not 1 <= len(command["description"]) <= 256:
                    raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID", kind="semantic")
        if method == "sendChatAction" and params["action"] not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request", kind="semantic")

    def _check_inline_keyboard(self, markup: dict[str, Any]) -> None:
        button_def = self.spec.types["InlineKeyboardButton"]
        passive = {"text", "icon_custom_emoji_id", "style"}
        actions = [f["name"] for f in button_def["fields"] if f["name"] not in passive]
        for row in markup["inline_keyboard"]:
            for button in row:
                prefix = "can't parse inline keyboard button: "
                if not button.get("text"):
                    raise bad_request(prefix + "Text must be non-empty", kind="semantic")
                used = [name for name in actions if name in button]
                if not used:
                    raise bad_request(
                        prefix + "Text buttons are unallowed in the inline keyboard",
                        kind="semantic",
                    )
                if len(used) > 1:
                    raise bad_request(
                        prefix + f"exactly one action field must be used, got {used}",
                        kind="semantic",
                    )
                if "callback_data" in button:
                    size = len(button["callback_data"].encode("utf-8"))
                    if not 1 <= size <= 64:
                        raise bad_request("BUTTON_DATA_INVALID", kind="semantic")
                if "url" in button and not re.match(
                    r"^(https?://|tg://)\S+$", button["url"], re.IGNORECASE
                ):
                    raise bad_request("BUTTON_URL_INVALID", kind="semantic")

    def _format(
        self,
        text: str,
        parse_mode: str | None,
        entities: list[dict[str, Any]] | None,
        *,
        limit: int,
        caption: bool,
    ) -> tuple[str, list[dict[str, Any]]]:
        """Text and entities as Telegram stores them, enforcing length after parsing."""
        mode = (parse_mode or "").lower()
        if mode == "html":
            try:
                parsed = parse_html(text, strict=self.strict_html)
            except HtmlParseError as err:
                raise bad_request(f"can't parse entities: {err}", kind="html") from None
            text, found = parsed.text, parsed.entities
        else:
            found = [dict(e) for e in entities or []]
        stripped = text.strip()
        if stripped != text:
            shift = utf16_len(text[: len(text) - len(text.lstrip())])
            total = utf16_len(stripped)
            adjusted = []
            for entity in found:
                start = max(0, entity["offset"] - shift)
                end = min(total, entity["offset"] - shift + entity["length"])
                if end > start:
                    adjusted.append({**entity, "offset": start, "length": end - start})
            text, found = stripped, adjusted
        if not text and not caption:
            raise bad_request("message text is empty", kind="semantic")
        # Counted in UTF-16 units, as entity offsets are: the stricter reading of
        # "1-4096 characters" (an emoji outside the BMP counts twice).
        if utf16_len(text) > limit:
            what = "message caption is too long" if caption else "message is too long"
            raise bad_request(what, kind="semantic")
        return text, found

    # -- chats & messages -------------------------------------------------------------------
    def _resolve_chat(self, chat_id: Any) -> dict[str, Any]:
        if isinstance(chat_id, str):
            if chat_id.startswith("@") and chat_id[1:].lower() in self._usernames:
                return self._chats[self._usernames[chat_id[1:].lower()]]
            raise bad_request("chat not found", kind="state")
        chat = self._chats.get(chat_id)
        if chat is None:
            if self.auto_create_chats:
                kind = "private" if chat_id > 0 else "supergroup"
                return self.add_chat(chat_id, kind)
            raise bad_request("chat not found", kind="state")
        return chat

    def _new_bot_message(self, params: dict[str, Any], method: str) -> dict[str, Any]:
        chat = self._resolve_chat(params["chat_id"])
        message: dict[str, Any] = {
            "message_id": 0,
            "from": dict(self.bot_user),
            "chat": dict(chat),
            "date": int(self._clock()),
        }
        reply = params.get("reply_parameters")
        if reply:
            target_chat = reply.get("chat_id", chat["id"])
            target = self._messages.get((target_chat, reply["message_id"]))
            if target is None and not reply.get("allow_sending_without_reply"):
                raise bad_request("message to be replied not found", kind="state")
            if target is not None:
                message["reply_to_message"] = {
                    k: v for k, v in target.items() if k != "reply_to_message"
                }
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self._place_in_thread(message, params.get("message_thread_id"))
        return message

    def _deliver(self, method: str, params: dict[str, Any], message: dict[str, Any]) -> None:
        chat_id = message["chat"]["id"]
        message["message_id"] = self._new_message_id(chat_id)
        self._messages[(chat_id, message["message_id"])] = message
        record = SentMessage(
            seq=next(self._seq),
            method=method,
            chat_id=chat_id,
            message_id=message["message_id"],
            params=params,
            message=copy.deepcopy(message),
            time=self._clock(),
        )
        self._sent.append(record)
        self._delivered[chat_id].append(record)
        self._changed.notify_all()

    def _record_edit(self, method: str, params: dict[str, Any], message: dict[str, Any]) -> None:
        self._sent.append(
            SentMessage(
                seq=next(self._seq),
                method=method,
                chat_id=message["chat"]["id"],
                message_id=message["message_id"],
                params=params,
                message=copy.deepcopy(message),
                time=self._clock(),
            )
        )
        self._changed.notify_all()

    def _editable(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """The stored message an edit targets; None for inline messages."""
        if "inline_message_id" in params:
            return None
        if "chat_id" not in params:
            raise bad_request("chat_id is empty", kind="missing_param")
        if "message_id" not in params:
            raise bad_request("message_id is empty", kind="missing_param")
        chat = self._resolve_chat(params["chat_id"])
        stored = self._messages.get((chat["id"], params["message_id"]))
        if stored is None:
            raise bad_request("message to edit not found", kind="state")
        if stored.get("from", {}).get("id") != self.bot_user["id"]:
            raise bad_request("message can't be edited", kind="state")
        return stored

    # -- method handlers (lock taken inside) ------------------------------------------------
    def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return dict(self.bot_user)

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        timeout = min(max(float(params.get("timeout", 0)), 0.0), 60.0)
        offset = int(params.get("offset", 0))
        deadline = time.monotonic() + timeout
        with self._changed:
            if self._webhook_url:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                    kind="state",
                )
            self._poll_generation += 1
            generation = self._poll_generation
            self._changed.notify_all()
            if "allowed_updates" in params:
                allowed = params["allowed_updates"]
                self._allowed_updates = frozenset(allowed) if allowed else None
            if offset > 0:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            elif offset < 0:
                self._updates = self._updates[offset:]
            while True:
                self._updates = [u for u in self._updates if self._is_allowed(u)]
                if self._updates or self._stopping or time.monotonic() >= deadline:
                    return copy.deepcopy(self._updates[:limit])
                if self._poll_generation != generation:
                    # PTB cancels its long poll on shutdown and sends a final
                    # getUpdates(timeout=0); the abandoned request is no real conflict.
                    gone = _client_gone(getattr(self._local, "connection", None))
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; make sure that "
                        "only one bot instance is running",
                        kind="abandoned_poll" if gone else "conflict",
                    )
                self._changed.wait(max(0.0, deadline - time.monotonic()))

    def _is_allowed(self, update: dict[str, Any]) -> bool:
        kind = next(k for k in update if k != "update_id")
        if self._allowed_updates is None:
            return kind not in DEFAULT_EXCLUDED_UPDATES
        return kind in self._allowed_updates

    def _set_webhook(self, params: dict[str, Any]) -> bool:
        with self._lock:
            self._webhook_url = params["url"]
        return True

    def _delete_webhook(self, params: dict[str, Any]) -> bool:
        with self._lock:
            self._webhook_url = ""
            if params.get("drop_pending_updates"):
                self._updates.clear()
        return True

    def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            return {
                "url": self._webhook_url,
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }

    def _set_my_commands(self, params: dict[str, Any]) -> bool:
        with self._lock:
            key = (_scope_key(params.get("scope")), params.get("language_code", ""))
            self._commands[key] = [dict(c) for c in params["commands"]]
        return True

    def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self.commands(params.get("scope"), params.get("language_code", ""))

    def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        with self._lock:
            key = (_scope_key(params.get("scope")), params.get("language_code", ""))
            self._commands.pop(key, None)
        return True

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        text, entities = self._format(
            params["text"],
            params.get("parse_mode"),
            params.get("entities"),
            limit=MAX_TEXT,
            caption=False,
        )
        with self._lock:
            message = self._new_bot_message(params, "sendMessage")
            message["text"] = text
            if entities:
                message["entities"] = entities
            if "link_preview_options" in params:
                message["link_preview_options"] = params["link_preview_options"]
            self._deliver("sendMessage", params, message)
            return copy.deepcopy(message)

    def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        if "text" not in params:
            raise bad_request("message text is empty", kind="missing_param")
        text, entities = self._format(
            params["text"],
            params.get("parse_mode"),
            params.get("entities"),
            limit=MAX_TEXT,
            caption=False,
        )
        with self._lock:
            stored = self._editable(params)
            if stored is None:
                return True
            if "text" not in stored:
                raise bad_request("there is no text in the message to edit", kind="state")
            markup = params.get("reply_markup")
            if (
                stored["text"] == text
                and stored.get("entities", []) == entities
                and stored.get("reply_markup") == markup
            ):
                raise bad_request(_NOT_MODIFIED, kind="not_modified")
            stored["text"] = text
            _set_or_drop(stored, "entities", entities or None)
            _set_or_drop(stored, "reply_markup", markup)
            stored["edit_date"] = int(self._clock())
            self._record_edit("editMessageText", params, stored)
            return copy.deepcopy(stored)

    def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        with self._lock:
            stored = self._editable(params)
            if stored is None:
                return True
            markup = params.get("reply_markup")
            if stored.get("reply_markup") == markup:
                raise bad_request(_NOT_MODIFIED, kind="not_modified")
            _set_or_drop(stored, "reply_markup", markup)
            stored["edit_date"] = int(self._clock())
            self._record_edit("editMessageReplyMarkup", params, stored)
            return copy.deepcopy(stored)

    def _delete_message(self, params: dict[str, Any]) -> bool:
        with self._lock:
            chat = self._resolve_chat(params["chat_id"])
            key = (chat["id"], params["message_id"])
            if key not in self._messages:
                raise bad_request("message to delete not found", kind="state")
            del self._messages[key]
            self._changed.notify_all()
        return True

    def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        with self._lock:
            query = self._pending_queries.pop(params["callback_query_id"], None)
            if query is None:
                raise bad_request(
                    "query is too old and response timeout expired or query ID is invalid",
                    kind="state",
                )
            self.callback_answers.append(dict(params))
            self._changed.notify_all()
        return True

    def _send_chat_action(self, params: dict[str, Any]) -> bool:
        with self._lock:
            chat = self._resolve_chat(params["chat_id"])
            self.chat_actions.append({"chat_id": chat["id"], "action": params["action"]})
        return True

    def _get_chat_member(self, params: dict[str, Any]) -> dict[str, Any]:
        """A spec-complete ChatMember of the kind the user's status calls for."""
        with self._lock:
            chat = self._resolve_chat(params["chat_id"])
            user_id = params["user_id"]
            whole = self._member_objects.get((chat["id"], user_id))
            if whole is not None:
                return copy.deepcopy(whole)
            known = self._members.get((chat["id"], user_id))
            if known is not None:
                status, user = known
            elif user_id == self.bot_user["id"]:
                status, user = "member", self.bot_user
            elif chat["type"] == "private" and user_id == chat["id"]:
                status, user = "member", self._user(user_id, chat.get("first_name", "Test"))
            else:
                status, user = "left", self._user(user_id, "Test")
            member: dict[str, Any] = {"status": status, "user": dict(user)}
            if status == "creator":
                member["is_anonymous"] = False
            elif status == "administrator":
                member.update(_ADMINISTRATOR_RIGHTS)
            elif status == "kicked":
                member["until_date"] = 0
            return member

    def _store_file(self, data: bytes, filename: str, folder: str) -> _StoredFile:
        n = next(self._file_counter)
        suffix = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
        stored = _StoredFile(
            file_id=f"BQACAgIAAxkBAAI{n:06d}{zlib.crc32(filename.encode()) % 10**6:06d}",
            file_unique_id=f"AgAD{n:06d}",
            file_path=f"{folder}/file_{n}.{suffix}",
            data=data,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            stored = self._files.get(params["file_id"])
            if stored is None:
                raise bad_request("invalid file_id", kind="state")
            return {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": len(stored.data),
                "file_path": stored.file_path,
            }

    def _media_caption(self, params: dict[str, Any], message: dict[str, Any]) -> None:
        if "caption" not in params:
            return
        caption, entities = self._format(
            params["caption"],
            params.get("parse_mode"),
            params.get("caption_entities"),
            limit=MAX_CAPTION,
            caption=True,
        )
        if caption:
            message["caption"] = caption
        if entities:
            message["caption_entities"] = entities

    def _send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        document = params["document"]
        with self._lock:
            message = self._new_bot_message(params, "sendDocument")
            self._media_caption(params, message)
            if isinstance(document, UploadedFile):
                stored = self._store_file(document.data, document.filename, "documents")
                info = {
                    "file_name": document.filename,
                    "mime_type": document.content_type,
                    "file_size": len(document.data),
                }
            elif document in self._files:
                stored = self._files[document]
                info = {"file_size": len(stored.data)}
            elif re.match(r"^https?://", document):
                name = urllib.parse.urlsplit(document).path.rsplit("/", 1)[-1] or "file"
                stored = self._store_file(b"", name, "documents")
                info = {"file_name": name}
            else:
                raise bad_request("wrong file identifier/HTTP URL specified", kind="state")
            message["document"] = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                **info,
            }
            self._deliver("sendDocument", params, message)
            return copy.deepcopy(message)

    def _copy_or_forward(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """forwardMessage/copyMessage: a new delivered message with the source's content."""
        source_chat = self._resolve_chat(params["from_chat_id"])
        source = self._messages.get((source_chat["id"], params["message_id"]))
        if source is None:
            what = "forward" if method == "forwardMessage" else "copy"
            raise bad_request(f"message to {what} not found", kind="state")
        message = self._new_bot_message(params, method)
        for key in _COPIED_CONTENT:
            if key in source:
                message[key] = copy.deepcopy(source[key])
        if method == "forwardMessage":
            sender = source.get("from")
            origin = (
                {"type": "user", "sender_user": sender}
                if sender
                else {"type": "channel", "chat": source["chat"], "message_id": source["message_id"]}
            )
            message["forward_origin"] = {**origin, "date": source["date"]}
        else:
            self._media_caption(params, message)
        self._deliver(method, params, message)
        if method == "copyMessage":
            return {"message_id": message["message_id"]}
        return copy.deepcopy(message)

    def _generic(self, method: str, params: dict[str, Any]) -> Any:
        """Any other spec method: validated already; answer plausibly so PTB can parse it.

        Methods returning a Message get a real stored/delivered message (a bare
        ``true`` would crash PTB's de_json); everything else gets ``true``.
        """
        returns = self.spec.returns(method)
        with self._lock:
            if "Message" in returns and method.startswith("edit"):
                stored = self._editable(params)
                if stored is None:
                    return True
                self._media_caption(params, stored)
                stored["edit_date"] = int(self._clock())
                self._record_edit(method, params, stored)
                return copy.deepcopy(stored)
            if method in ("forwardMessage", "copyMessage"):
                return self._copy_or_forward(method, params)
            if "Message" in returns and "chat_id" in params:
                message = self._new_bot_message(params, method)
                self._media_caption(params, message)
                self._deliver(method, params, message)
                return copy.deepcopy(message)
        return True


_COPIED_CONTENT = ("text", "entities", "caption", "caption_entities", "document", "photo")


def _client_gone(conn: socket.socket | None) -> bool:
    """True if the peer closed this connection (readable with EOF)."""
    if conn is None:
        return False
    try:
        readable, _, _ = select.select([conn], [], [], 0)
        if not readable:
            return False
        return conn.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


def _describe(value: Any) -> Any:
    """Parameters as recorded: uploads shown as a short placeholder."""
    if isinstance(value, UploadedFile):
        return f"<file {value.filename} {len(value.data)} bytes>"
    return value


def _set_or_drop(target: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        target.pop(key, None)
    else:
        target[key] = value


def _scope_key(scope: dict[str, Any] | None) -> str:
    return json.dumps(scope or {"type": "default"}, sort_keys=True)


def _detect_commands(text: str) -> list[dict[str, Any]]:
    """bot_command entities, as Telegram adds them to incoming messages."""
    entities = []
    for match in _BOT_COMMAND_IN_TEXT.finditer(text):
        entities.append(
            {
                "type": "bot_command",
                "offset": utf16_len(text[: match.start()]),
                "length": utf16_len(match.group(0)),
            }
        )
    return entities


def _json_response(payload: dict[str, Any], status: int) -> tuple[int, str, bytes]:
    return status, "application/json", json.dumps(payload, ensure_ascii=False).encode("utf-8")


def format_violations(violations: Iterable[Violation]) -> str:
    """One violation per line, for assertion messages."""
    return "\n".join(f"  - {v}" for v in violations)
