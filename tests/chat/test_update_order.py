"""bot.application.ChatOrderedProcessor: updates run concurrently, each chat's in order."""

from __future__ import annotations

import asyncio
import random

from telegram import Chat, Message, Update, User
from telegram.ext import ApplicationBuilder, ContextTypes, TypeHandler

from bot.application import ChatOrderedProcessor
from tests.botapi.pytest_plugin import BOT_TOKEN
from tests.botapi.server import BotApiServer


def message_update(update_id: int, chat_id: int) -> Update:
    user = User(chat_id, "Test", is_bot=False)
    chat = Chat(chat_id, Chat.PRIVATE)
    message = Message(update_id, None, chat, from_user=user, text=f"/help {update_id}")  # type: ignore[arg-type]
    return Update(update_id, message=message)


async def test_chats_run_side_by_side_and_each_keeps_its_order(bot_api: BotApiServer) -> None:
    rng = random.Random(3)
    events: list[tuple[str, int, int]] = []
    running = 0
    most = 0

    async def handle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        nonlocal running, most
        chat = update.effective_chat.id
        events.append(("start", chat, update.update_id))
        running += 1
        most = max(most, running)
        await asyncio.sleep(rng.random() * 0.01)  # a reply's round trip, of varying length
        running -= 1
        events.append(("end", chat, update.update_id))

    application = (
        ApplicationBuilder()
        .token(BOT_TOKEN)
        .base_url(bot_api.base_url)
        .concurrent_updates(ChatOrderedProcessor(4))
        .build()
    )
    application.add_handler(TypeHandler(Update, handle))
    updates = [message_update(i, 100 + rng.randrange(6)) for i in range(1, 121)]
    async with application:
        await application.start()
        for update in updates:
            await application.update_queue.put(update)
        await application.update_queue.join()
        await application.stop()
    assert len(events) == 2 * len(updates)
    for chat in {u.effective_chat.id for u in updates}:
        # one at a time, in arrival order: start 1, end 1, start 5, end 5, ...
        expected = [
            (what, u.update_id)
            for u in updates
            if u.effective_chat.id == chat
            for what in ("start", "end")
        ]
        assert [(what, i) for what, c, i in events if c == chat] == expected
    assert 1 < most <= 4  # several chats at once, never more than the limit


async def test_updates_without_a_chat_are_handled_too(bot_api: BotApiServer) -> None:
    seen: list[int] = []

    async def handle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(update.update_id)

    application = (
        ApplicationBuilder()
        .token(BOT_TOKEN)
        .base_url(bot_api.base_url)
        .concurrent_updates(ChatOrderedProcessor(2))
        .build()
    )
    application.add_handler(TypeHandler(Update, handle))
    async with application:
        await application.start()
        for i in range(1, 6):
            await application.update_queue.put(Update(i))
        await application.update_queue.join()
        await application.stop()
    assert sorted(seen) == [1, 2, 3, 4, 5]
