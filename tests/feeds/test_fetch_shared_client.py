"""Fetches share one HTTP client and TLS context; NAT64 addresses are judged by the IPv4
address they lead to."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.feeds import fetch as fetch_module
from bot.feeds import http_client
from bot.feeds.fetch import FetchError, FetchPolicy, check_destination, fetch, parse_url
from tests.botapi.pytest_plugin import BOT_TOKEN
from tests.botapi.server import BotApiServer
from tests.conftest import polling_bot
from tests.feeds.test_fetch_webserver import TEST_POLICY, WebServer, running_web_server


@pytest.fixture
def web() -> Iterator[WebServer]:
    with running_web_server() as server:
        yield server


async def test_fetches_share_one_client_and_one_tls_context(web: WebServer) -> None:
    await http_client.close_shared_client()
    before = http_client.clients_created
    context = http_client.tls_context()
    for path in ("/a", "/b", "/c"):
        await fetch(web.add(path, "x"), TEST_POLICY)
    assert http_client.clients_created == before + 1
    assert http_client.tls_context() is context
    client = http_client.shared_client()
    await http_client.close_shared_client()
    assert client.is_closed
    await fetch(web.add("/d", "x"), TEST_POLICY)  # a new client after closing
    assert http_client.clients_created == before + 2


async def test_the_limits_still_hold_on_the_shared_client(web: WebServer) -> None:
    web.add("/big", "x" * 5000)
    small = FetchPolicy(block_private=False, timeout=2.0, total_timeout=4.0, max_bytes=1000)
    with pytest.raises(FetchError, match="too large"):
        await fetch(f"{web.base}/big", small)
    assert (await fetch(f"{web.base}/big", TEST_POLICY)).content == b"x" * 5000


async def test_the_bot_closes_the_shared_client_when_it_stops(
    bot_api: BotApiServer, tmp_path: Path, web: WebServer
) -> None:
    settings = Settings(
        api_base_url=bot_api.base_url, db_path=tmp_path / "news.db", seeds_dir=tmp_path / "none"
    )
    async with polling_bot(settings, BOT_TOKEN) as (_, application):
        await fetch(web.add("/a", "x"), TEST_POLICY)
        client = http_client.shared_client()
        assert not client.is_closed
        assert application.post_stop is not None
        await application.post_stop(application)  # what run_polling does once stopped
        assert client.is_closed


def _resolving_to(monkeypatch: pytest.MonkeyPatch, address: str) -> None:
    async def resolve(host: str, port: int) -> list[str]:
        return [address]

    monkeypatch.setattr(fetch_module, "_resolve", resolve)


@pytest.mark.parametrize(
    ("nat64", "embedded"),
    [
        ("64:ff9b::7f00:1", "127.0.0.1"),
        ("64:ff9b::a00:5", "10.0.0.5"),
        ("64:ff9b::a9fe:a9fe", "169.254.169.254"),
        ("64:ff9b::c0a8:1", "192.168.0.1"),
    ],
)
async def test_a_nat64_address_of_a_private_ipv4_is_refused_like_it(
    nat64: str, embedded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _resolving_to(monkeypatch, nat64)
    with pytest.raises(FetchError, match=rf"private or local address \({embedded}\)"):
        await check_destination(parse_url("http://sixty-four.test/"), FetchPolicy())


async def test_a_nat64_address_of_a_public_ipv4_is_allowed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _resolving_to(monkeypatch, "64:ff9b::808:808")
    assert await check_destination(parse_url("http://sixty-four.test/"), FetchPolicy()) == [
        "8.8.8.8"
    ]
