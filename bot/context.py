"""The context every handler and job gets: PTB's ``CallbackContext`` with the bot's services.

python-telegram-bot's ``contexttypesbot.py`` pattern: ``context.services`` instead of reading
``bot_data["services"]`` in each handler, and one alias for the Application type.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot, JobQueue

from bot.services import Services

#: ``bot_data`` key of the :class:`Services` (set once, by ``build_application``).
SERVICES = "services"


class NewsContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The callback context of every handler and job, with the store and search on it."""

    @property
    def services(self) -> Services:
        return services_of(self.application)


NewsApplication: TypeAlias = Application[
    ExtBot[None],
    NewsContext,
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    JobQueue[NewsContext],
]
CONTEXT_TYPES = ContextTypes(context=NewsContext)


#: Any application, as ``context.application`` is typed (PTB leaves its context type open).
AnyApplication: TypeAlias = Application[Any, Any, Any, Any, Any, Any]


def services_of(application: AnyApplication) -> Services:
    """The services of an application built by ``build_application``."""
    services: Services = application.bot_data[SERVICES]
    return services
