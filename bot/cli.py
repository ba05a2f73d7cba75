"""The ``newsbot`` command line: run, console, ask, ingest, parse, feeds, brief, health.

Errors a user can fix (a bad setting, a broken database file) end in one line and exit code 2,
never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot import __version__
from bot.config import ConfigError, Settings, load_settings
from bot.feeds.cli import add_feeds_parser, cmd_feeds
from bot.logging_setup import configure_logging
from bot.store import StoreError

log = logging.getLogger("newsbot")


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    if not settings.token:
        print(
            "TELEGRAM_BOT_TOKEN is not set: "
            "starting the local console chat on the sample articles.",
            file=sys.stderr,
        )
        return cmd_console(settings, args)
    from bot.application import build_application, run_bot
    from bot.health import schedule_heartbeat
    from bot.services import Services
    from handlers import ALLOWED_UPDATES

    services = Services.start(settings)
    try:
        application = build_application(services, token=settings.token)
        api_host = settings.api_base_url.split("://", 1)[-1].split("/", 1)[0]
        if settings.webhook_url:
            schedule_heartbeat(application, "webhook")
            log.info(
                "webhook mode: %s posts updates to %s (listening on %s:%d)",
                api_host,
                settings.webhook_url,
                settings.webhook_listen,
                settings.webhook_port,
            )
            return run_bot(
                application,
                lambda: application.run_webhook(
                    listen=settings.webhook_listen,
                    port=settings.webhook_port,
                    url_path=settings.webhook_path,
                    webhook_url=settings.webhook_url,
                    secret_token=settings.webhook_secret,
                    allowed_updates=ALLOWED_UPDATES,
                ),
            )
        schedule_heartbeat(application, "polling")
        log.info("polling %s for updates", api_host)
        return run_bot(
            application, lambda: application.run_polling(allowed_updates=ALLOWED_UPDATES)
        )
    finally:
        services.close()


def cmd_health(settings: Settings, args: argparse.Namespace) -> int:
    """Exit 0 when the running bot's heartbeat is fresh, else 1: for HEALTHCHECK and monitors."""
    from bot.health import check_heartbeat

    healthy, line = check_heartbeat(settings.heartbeat_path)
    print(line, file=sys.stdout if healthy else sys.stderr)
    return 0 if healthy else 1


def cmd_console(settings: Settings, args: argparse.Namespace) -> int:
    from bot.console import console_log_path, run_console

    configure_logging(
        settings.log_level, settings.token, settings.log_format, console_log_path(settings)
    )
    run_console(settings)
    return 0


def cmd_ask(settings: Settings, args: argparse.Namespace) -> int:
    from bot.console import ask

    ask(settings, " ".join(args.message))
    return 0


def cmd_ingest(settings: Settings, args: argparse.Namespace) -> int:
    from bot.feeds.cli import ingest_urls, is_url
    from bot.feeds.fetch import FetchPolicy
    from bot.ingest import ingest_paths, iter_article_files
    from bot.progress import FileProgress
    from bot.store import Store

    local = [Path(p) for p in args.paths if not is_url(p)]
    urls = [p for p in args.paths if is_url(p)]
    empty_folders: list[Path] = []
    files = list(iter_article_files(local, empty_folders.append))
    progress = FileProgress(len(files) + len(empty_folders) + len(urls))
    store = Store.open(settings.db_path)
    try:
        report = ingest_paths(store, [*files, *empty_folders], progress)
        ingest_urls(store, urls, FetchPolicy.from_settings(settings), report, progress)
    finally:
        progress.close()
        store.close()
    print(report.summary())
    return 1 if report.failed and not (report.added or report.updated or report.unchanged) else 0


def cmd_parse(settings: Settings, args: argparse.Namespace) -> int:
    from bot.ingest import IngestError, read_article_file
    from bot.parsing import parse_article

    failed = 0
    for name in args.files:
        path = Path(name)
        try:
            text = read_article_file(path)
        except (IngestError, OSError) as error:
            print(f"skipped {name}: {getattr(error, 'strerror', None) or error}", file=sys.stderr)
            failed += 1
            continue
        parsed = parse_article(text, transcripts=args.transcripts)
        if args.json:
            print(json.dumps(parsed.to_json(path.stem), ensure_ascii=False))
        else:
            print(f"{path.stem}: {parsed.title}")
            for quote in parsed.quotes:
                print(f"  [{quote.kind}] {quote.speaker or '?'}: {quote.text[:100]}")
    return 1 if failed else 0


def cmd_brief(settings: Settings, args: argparse.Namespace) -> int:
    """Print the briefing a subscriber (or a new one) would get, as they would read it."""
    from datetime import UTC, date, datetime

    from bot.briefings import briefing_for
    from bot.render import html_to_text
    from bot.scheduling import slot_on
    from bot.services import Services
    from bot.store.subscriptions import Subscription

    services = Services.start(settings)
    try:
        subscription = services.store.subscriptions.get(args.chat) if args.chat else None
        now = datetime.now(UTC)
        tz = subscription.tzinfo if subscription else settings.timezone
        try:
            day = date.fromisoformat(args.date) if args.date else now.astimezone(tz).date()
        except ValueError:
            print(f"newsbot: --date must be YYYY-MM-DD, got {args.date!r}", file=sys.stderr)
            return 2
        as_of = now
        if subscription is not None:
            as_of = min(now, slot_on(subscription, day))
        elif args.date:
            zone = getattr(settings.timezone, "key", "UTC")
            default = Subscription(0, settings.digest_time, zone, True, False, True, None, now, now)
            as_of = min(now, slot_on(default, day))
        briefing = briefing_for(services.store, args.chat, day, as_of)
    finally:
        services.close()
    print(html_to_text(briefing.text))
    for row in briefing.buttons:
        for label, data in row:
            print(f"  [{label}] ({data})")
    return 0


def story_json(story: dict[str, Any]) -> dict[str, Any]:
    """One story as ``newsbot stories --json`` prints it (a stable contract)."""
    from pathlib import PurePath

    from bot.store.stories import sources_of
    from bot.story_text import best_title

    articles = story["articles"]
    return {
        "id": story["id"],
        "title": best_title([a["title"] for a in articles if a.get("title")]) or story["title"],
        "articles": [
            {
                "id": a["id"],
                "file": PurePath(a["path"]).stem if a.get("path") else None,
                "url": a.get("url"),
                "source": a.get("source"),
                "date": a.get("date"),
            }
            for a in articles
        ],
        "sources": len(sources_of(articles)) or 1,
        "quotes": sum(a.get("n_quotes") or 0 for a in articles),
    }


def cmd_stories(settings: Settings, args: argparse.Namespace) -> int:
    """Print the stories (grouped articles), oldest first: for people, or as JSON lines."""
    from datetime import date

    from bot.store import Store

    if args.since:
        try:
            date.fromisoformat(args.since)
        except ValueError:
            print(f"newsbot: --since must be YYYY-MM-DD, got {args.since!r}", file=sys.stderr)
            return 2
    store = Store.open(settings.db_path)
    try:
        stories = [story_json(s) for s in store.stories.since(args.since)]
    finally:
        store.close()
    for story in stories:
        if args.json:
            print(json.dumps(story, ensure_ascii=False))
            continue
        print(
            f"#{story['id']} {story['title']} ({story['sources']} sources, "
            f"{len(story['articles'])} articles, {story['quotes']} quotes)"
        )
        for article in story["articles"]:
            where = article["file"] or article["url"] or ""
            print(f"  - {article['date'] or '?'} {article['source'] or '?'}: {where}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbot",
        description="A Telegram bot for news briefings. Without a command: run.",
        epilog="`newsbot COMMAND --help` tells more about a command.",
    )
    parser.add_argument("--version", action="version", version=f"newsbot {__version__}")
    sub = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    sub.add_parser("run", help="run the bot (the console chat when no token is set)")
    sub.add_parser("console", help="chat with the bot in this terminal")
    ask = sub.add_parser("ask", help="send one message to the bot and print the reply")
    ask.add_argument("message", nargs="+")
    ingest = sub.add_parser(
        "ingest", help="add article files, folders (.txt, .md, saved .html) or web pages"
    )
    ingest.add_argument("paths", nargs="+")
    parse = sub.add_parser(
        "parse", help="print what the parser understands of article files (.txt, .md, .html)"
    )
    parse.add_argument("files", nargs="+")
    parse.add_argument("--json", action="store_true", help="one JSON object per file per line")
    parse.add_argument(
        "--transcripts",
        action="store_true",
        help="also read interview transcripts printed without quote marks (Q:/A:, NAME:)",
    )
    add_feeds_parser(sub)
    brief = sub.add_parser("brief", help="print the daily briefing a subscriber would get")
    brief.add_argument("--chat", type=int, help="the subscriber's chat id (default: a new one)")
    brief.add_argument("--date", help="briefing date, YYYY-MM-DD (default: today)")
    stories = sub.add_parser("stories", help="print the stories: articles grouped by event")
    stories.add_argument("--since", help="only stories with an article of this day or later")
    stories.add_argument("--json", action="store_true", help="one JSON object per story per line")
    sub.add_parser("health", help="exit 0 if the running bot is healthy (its heartbeat is fresh)")
    return parser


COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "run": cmd_run,
    "console": cmd_console,
    "ask": cmd_ask,
    "ingest": cmd_ingest,
    "parse": cmd_parse,
    "feeds": cmd_feeds,
    "brief": cmd_brief,
    "stories": cmd_stories,
    "health": cmd_health,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"newsbot: configuration error: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.token, settings.log_format)
    try:
        return COMMANDS[command](settings, args)
    except StoreError as error:
        print(f"newsbot: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
