"""Is the bot alive? It writes a heartbeat file every few seconds; ``newsbot health`` reads it.

The heartbeat is written by a job on the bot's own event loop, and only while the bot is
taking updates (polling, or its webhook server up) and its store answers, so a bot that
hangs, lost its store or stopped polling goes stale and a container's ``HEALTHCHECK`` (or a
supervisor) sees it within a minute.
"""

from __future__ import annotations

import json
import logging
import os
import time
from datetime import timedelta
from pathlib import Path

from bot import __version__
from bot.context import AnyApplication, NewsApplication, NewsContext, services_of
from bot.services import Services

log = logging.getLogger(__name__)

INTERVAL = timedelta(seconds=15)
#: A heartbeat older than this means the bot is not working (four missed beats).
STALE_AFTER = 60.0
JOB = "heartbeat"


def write_heartbeat(path: Path, mode: str, now: float | None = None) -> None:
    """Replace the heartbeat file in one step, so a reader never sees half of it."""
    beat = {"time": time.time() if now is None else now, "pid": os.getpid(), "mode": mode}
    beat["version"] = __version__
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(json.dumps(beat), encoding="utf-8")
    os.replace(partial, path)


def check_heartbeat(path: Path, now: float | None = None) -> tuple[bool, str]:
    """(healthy, one line saying why) from the heartbeat file at ``path``."""
    try:
        beat = json.loads(path.read_text(encoding="utf-8"))
        written = float(beat["time"])
    except FileNotFoundError:
        return False, f"no heartbeat at {path}: the bot is not running (or still starting)"
    except (OSError, ValueError, KeyError, TypeError) as error:
        return False, f"unreadable heartbeat at {path}: {error}"
    age = (time.time() if now is None else now) - written
    described = f"pid {beat.get('pid')}, {beat.get('mode')}, heartbeat {age:.0f} s ago"
    if age > STALE_AFTER:
        return False, f"stale: {described} (more than {STALE_AFTER:.0f} s)"
    return True, f"ok: {described}"


def _taking_updates(application: AnyApplication) -> bool:
    updater = application.updater
    return application.running and (updater is None or updater.running)


async def _beat(context: NewsContext) -> None:
    application = context.application
    services: Services = services_of(application)
    if not _taking_updates(application):
        log.warning("not taking updates: no heartbeat written")
        return
    try:
        services.store.db.execute("select count(*) from meta").fetchone()
        write_heartbeat(services.settings.heartbeat_path, context.bot_data.get(JOB, "polling"))
    except Exception as error:  # the next beat tries again; a stale file tells the rest
        log.warning("no heartbeat written: %s", error)


def schedule_heartbeat(application: NewsApplication, mode: str) -> None:
    """Write the heartbeat once start-up is done, then every ``INTERVAL`` (``mode``: polling
    or webhook).

    The first beat is written in ``post_init`` (after the application's own start-up work),
    not by the job: a repeating job scheduled before the job queue starts first fires one
    interval late."""
    application.bot_data[JOB] = mode
    previous = application.post_init

    async def start_beating(app: NewsApplication) -> None:
        if previous is not None:
            await previous(app)
        services: Services = services_of(app)
        write_heartbeat(services.settings.heartbeat_path, mode)
        if app.job_queue is not None:
            app.job_queue.run_repeating(_beat, interval=INTERVAL, first=INTERVAL, name=JOB)

    application.post_init = start_beating
