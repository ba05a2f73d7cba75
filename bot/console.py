"""A local chat with the bot in the terminal: the real handlers, no Telegram.

Outgoing Bot API calls are answered in-process by :class:`ConsoleBotApi`, which prints each
message as a Telegram user would see it (HTML rendered, buttons numbered). Typing a button's
number presses it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot.application import build_application
from bot.config import Settings
from bot.context import NewsApplication
from bot.render import html_to_text
from bot.services import Services

CONSOLE_CHAT_ID = 1
CONSOLE_USER = {
    "id": CONSOLE_CHAT_ID,
    "is_bot": False,
    "first_name": "there",
    "username": "console",
}
BOT_USER = {
    "id": 1000,
    "is_bot": True,
    "first_name": "newsbot",
    "username": "newsbot_console_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
CONSOLE_TOKEN = "1000:console-chat-has-no-telegram-token"


class ConsoleBotApi(BaseRequest):
    """Answers the Bot API methods the handlers use, printing what would be sent."""

    def __init__(self, out: TextIO, bold: tuple[str, str] = ("", "")) -> None:
        self.out = out
        self.bold = bold
        self.buttons: list[tuple[str, str, int]] = []  # (label, callback data, message id)
        self._message_ids = itertools.count(1)
        self.messages: dict[int, dict[str, Any]] = {}
        #: Whether the last message shown has buttons: only then is a typed number a press.
        self.showing_buttons = False

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        result = self.answer(name, params)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in {"sendMessage", "editMessageText"}:
            return self._show(method, params)
        if method == "answerCallbackQuery" and params.get("text"):
            self.out.write(f"  ({params['text']})\n")
        if method == "getUpdates":
            return []
        return True

    def _show(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        text = str(params.get("text", ""))
        shown = html_to_text(text, self.bold) if params.get("parse_mode") else text
        message_id = (
            int(params["message_id"]) if method == "editMessageText" else next(self._message_ids)
        )
        prefix = "(edited) " if method == "editMessageText" else ""
        self.out.write(f"{prefix}{shown}\n")
        markup = params.get("reply_markup")
        self.showing_buttons = bool(
            markup
            and any("callback_data" in b for row in markup.get("inline_keyboard", ()) for b in row)
        )
        if markup and markup.get("inline_keyboard"):
            labels = []
            self.buttons = [b for b in self.buttons if b[2] != message_id]
            for row in markup["inline_keyboard"]:
                for button in row:
                    if "callback_data" in button:
                        self.buttons.append((button["text"], button["callback_data"], message_id))
                        labels.append(f"[{len(self.buttons)}] {button['text']}")
                    elif "url" in button:
                        labels.append(f"{button['text']}: {button['url']}")
            self.out.write("  " + "   ".join(labels) + "\n")
        self.out.write("\n")
        self.out.flush()
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": CONSOLE_CHAT_ID, "type": "private", "first_name": "there"},
            "from": BOT_USER,
            "text": text,
        }
        self.messages[message_id] = message
        return message


class ConsoleChat:
    """Turns typed lines into Telegram updates and feeds them to the Application."""

    def __init__(self, application: NewsApplication, api: ConsoleBotApi) -> None:
        self.application = application
        self.api = api
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1_000_000)

    def update_for(self, line: str) -> dict[str, Any]:
        """A button number presses that button when the bot's last message has buttons;
        anything else (a number after a message without any, too) is a text message."""
        update_id = next(self._update_ids)
        if line.isdigit() and self.api.showing_buttons and 1 <= int(line) <= len(self.api.buttons):
            _label, data, message_id = self.api.buttons[int(line) - 1]
            return {
                "update_id": update_id,
                "callback_query": {
                    "id": str(update_id),
                    "from": CONSOLE_USER,
                    "chat_instance": "console",
                    "data": data,
                    "message": self.api.messages[message_id],
                },
            }
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": CONSOLE_CHAT_ID, "type": "private", "first_name": "there"},
            "from": CONSOLE_USER,
            "text": line,
        }
        if line.startswith("/"):
            length = len(line.split(maxsplit=1)[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return {"update_id": update_id, "message": message}

    async def send(self, line: str) -> None:
        update = Update.de_json(self.update_for(line), self.application.bot)
        await self.application.process_update(update)


def console_log_path(settings: Settings) -> Path:
    """Where the console chat logs (beside the database), so log lines stay out of the chat."""
    return settings.db_path.parent / "console.log"


def console_settings(settings: Settings) -> Settings:
    """The person at the terminal owns the bot, so the console user is an admin."""
    return dataclasses.replace(settings, admins=settings.admins | {CONSOLE_CHAT_ID})


async def _run(settings: Settings, lines: list[str] | None, out: TextIO, interactive: bool) -> None:
    services = Services.start(console_settings(settings))
    bold = ("\033[1m", "\033[0m") if interactive and out.isatty() else ("", "")
    api = ConsoleBotApi(out, bold)
    application = build_application(services, token=CONSOLE_TOKEN, request=api, rate_limit=False)
    try:
        await application.initialize()
        chat = ConsoleChat(application, api)
        if lines is not None:
            for line in lines:
                await chat.send(line)
            return
        loop = asyncio.get_running_loop()
        while True:
            if interactive:
                out.write("you> ")
                out.flush()
            raw = await loop.run_in_executor(None, sys.stdin.readline)
            if raw == "":
                if interactive:
                    out.write("\n")  # Ctrl-D: the shell prompt starts on a line of its own
                    out.flush()
                break
            line = raw.strip()
            if line:
                await chat.send(line)
    finally:
        await application.shutdown()
        services.close()


def run_console(settings: Settings, out: TextIO = sys.stdout) -> None:
    """Interactive (or piped) chat on standard input until end of input."""
    interactive = sys.stdin.isatty()
    if interactive:
        out.write(
            "newsbot console — type /help; a number presses a button; Ctrl-D quits.\n"
            f"(Log: {console_log_path(settings)})\n\n"
        )
    asyncio.run(_run(settings, None, out, interactive))


def ask(settings: Settings, message: str, out: TextIO = sys.stdout) -> None:
    """One message through the real handlers; the reply is printed."""
    asyncio.run(_run(settings, [message], out, interactive=False))
