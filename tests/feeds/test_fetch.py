"""The safe HTTP GET: limits, refusals and clear one-line reasons, against a local server."""

from __future__ import annotations

import dataclasses
import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.config import Settings
from bot.feeds import fetch as fetch_module
from bot.feeds.fetch import USER_AGENT, FetchError, FetchPolicy, decode_body, fetch
from tests.feeds.test_fetch_webserver import TEST_POLICY, WebServer, running_web_server


@pytest.fixture
def web() -> Iterator[WebServer]:
    with running_web_server() as server:
        yield server


async def test_fetch_returns_body_type_charset_and_validators(web: WebServer) -> None:
    url = web.add(
        "/a",
        "<p>hello</p>",
        content_type="text/html; charset=UTF-8",
        etag='"v1"',
        last_modified="Mon, 02 Nov 2026 10:00:00 GMT",
    )
    result = await fetch(url, TEST_POLICY)
    assert result.status == 200
    assert result.content == b"<p>hello</p>"
    assert (result.content_type, result.charset) == ("text/html", "UTF-8")
    assert (result.etag, result.last_modified) == ('"v1"', "Mon, 02 Nov 2026 10:00:00 GMT")


async def test_requests_carry_an_honest_user_agent(web: WebServer) -> None:
    await fetch(web.add("/ua", "x"), TEST_POLICY)
    agent = web.hits[0].headers["user-agent"]
    assert agent == USER_AGENT
    assert agent.startswith("newsbot/")


async def test_the_admin_contact_is_in_the_user_agent(web: WebServer) -> None:
    settings = Settings(contact="ops@example.org", block_private_addresses=False)
    await fetch(web.add("/ua", "x"), FetchPolicy.from_settings(settings))
    assert web.hits[0].headers["user-agent"] == f"{USER_AGENT} (+ops@example.org)"
    assert FetchPolicy.from_settings(Settings()).user_agent == USER_AGENT


async def test_conditional_request_gets_not_modified(web: WebServer) -> None:
    url = web.add("/feed", "<rss/>", etag='"v7"')
    result = await fetch(url, TEST_POLICY, etag='"v7"')
    assert result.not_modified
    assert result.content == b""
    assert web.hits[0].headers["if-none-match"] == '"v7"'


@pytest.mark.parametrize(
    "url", ["ftp://example.com/feed", "file:///etc/passwd", "javascript:alert(1)", "example.com"]
)
async def test_only_http_and_https_urls_are_fetched(url: str) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        await fetch(url, TEST_POLICY)


async def test_loopback_is_refused_when_private_addresses_are_blocked(web: WebServer) -> None:
    url = web.add("/secret", "x")
    with pytest.raises(FetchError, match="private or local address"):
        await fetch(url, FetchPolicy(block_private=True))
    assert web.hits == []


@pytest.mark.parametrize(
    "host", ["10.1.2.3", "192.168.0.10", "169.254.169.254", "[::1]", "0.0.0.0"]
)
async def test_private_and_link_local_addresses_are_refused(host: str) -> None:
    with pytest.raises(FetchError, match="NEWSBOT_BLOCK_PRIVATE_ADDRESSES"):
        await fetch(f"http://{host}/", FetchPolicy(block_private=True))


def pretend_public(monkeypatch: pytest.MonkeyPatch, names: dict[str, str]) -> None:
    """Resolve these names as given (no real DNS) and count 127.0.0.1 as a public address.

    Every connection stays on this machine: the point of pinning is that only checked
    addresses are ever connected to.
    """

    async def resolve(host: str, port: int) -> list[str]:
        return [names[host]] if host in names else ["::1"]

    monkeypatch.setattr(fetch_module, "_resolve", resolve)
    monkeypatch.setattr(fetch_module, "_is_public", lambda address: str(address) == "127.0.0.1")


async def test_every_redirect_hop_is_checked_against_the_private_address_rule(
    web: WebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    pretend_public(monkeypatch, {"news.test": "127.0.0.1"})
    port = web.base.rsplit(":", 1)[1]
    web.add("/inside", "internal data")
    web.redirect("/out", f"http://localhost:{port}/inside")  # localhost -> ::1, private
    with pytest.raises(FetchError, match="private or local address"):
        await fetch(
            f"http://news.test:{port}/out", dataclasses.replace(TEST_POLICY, block_private=True)
        )
    assert web.count("/out") == 1
    assert web.count("/inside") == 0


async def test_a_name_resolving_to_loopback_is_refused_before_any_connection(
    web: WebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def resolve(host: str, port: int) -> list[str]:
        assert host == "rebind.test"
        return ["127.0.0.1"]

    monkeypatch.setattr(fetch_module, "_resolve", resolve)
    port = web.base.rsplit(":", 1)[1]
    web.add("/secret", "internal data")
    with pytest.raises(FetchError, match=r"rebind\.test is a private or local address"):
        await fetch(f"http://rebind.test:{port}/secret", FetchPolicy(block_private=True))
    assert web.hits == []


async def test_the_connection_goes_to_the_checked_address_with_the_real_host_name(
    web: WebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name resolves once, and that answer is where we connect.

    ``news.test`` does not exist in any real DNS: the fetch can only succeed by connecting
    to the address our (patched) resolver returned, and a second resolution would fail.
    """
    answers = iter([["127.0.0.1"]])

    async def resolve(host: str, port: int) -> list[str]:
        assert host == "news.test"
        return next(answers)  # a second lookup would raise StopIteration

    monkeypatch.setattr(fetch_module, "_resolve", resolve)
    port = web.base.rsplit(":", 1)[1]
    web.add("/story", "<p>story</p>")
    result = await fetch(f"http://news.test:{port}/story", TEST_POLICY)
    assert result.content == b"<p>story</p>"
    assert result.url == f"http://news.test:{port}/story"  # the name, not the address
    assert web.hits[0].headers["host"] == f"news.test:{port}"


def self_signed(tmp: Path, name: str) -> tuple[Path, Path]:
    """A certificate for ``name`` that is its own CA (openssl's command line, no packages)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp / f"{name}.pem", tmp / f"{name}.key"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@contextmanager
def https_server(cert: Path, key: Path) -> Iterator[int]:
    """The test web server's routes over TLS on 127.0.0.1; yields the port."""
    with running_web_server() as web:
        web.add("/story", "<p>over tls</p>")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        server = web._server
        server.socket = context.wrap_socket(server.socket, server_side=True)
        yield server.server_address[1]


@pytest.mark.parametrize(("served_name", "ok"), [("news.test", True), ("other.test", False)])
async def test_tls_to_the_checked_address_verifies_the_real_host_name(
    served_name: str, ok: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Connected by IP, TLS still sends and checks ``news.test`` (httpcore's sni_hostname)."""
    cert, key = self_signed(tmp_path, served_name)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # httpx trusts it as the only CA

    async def resolve(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    monkeypatch.setattr(fetch_module, "_resolve", resolve)
    with https_server(cert, key) as port:
        url = f"https://news.test:{port}/story"
        if ok:
            assert (await fetch(url, TEST_POLICY)).content == b"<p>over tls</p>"
        else:
            with pytest.raises(FetchError, match=r"certificate|hostname"):
                await fetch(url, TEST_POLICY)


async def test_redirects_are_followed_to_the_final_url(web: WebServer) -> None:
    web.add("/final", "done")
    url = web.redirect("/start", "/middle", status=301)
    web.redirect("/middle", web.url("/final"), status=307)
    result = await fetch(url, TEST_POLICY)
    assert result.url == web.url("/final")
    assert result.content == b"done"


async def test_a_redirect_loop_is_reported(web: WebServer) -> None:
    url = web.redirect("/a", "/b")
    web.redirect("/b", "/a")
    with pytest.raises(FetchError, match="redirect loop") as caught:
        await fetch(url, TEST_POLICY)
    assert str(caught.value).startswith(url)


async def test_too_many_redirects_are_reported(web: WebServer) -> None:
    for hop in range(10):
        web.redirect(f"/r{hop}", f"/r{hop + 1}")
    with pytest.raises(FetchError, match="too many redirects"):
        await fetch(web.url("/r0"), dataclasses.replace(TEST_POLICY, max_redirects=3))


@pytest.mark.parametrize(("status", "reason"), [(404, "HTTP 404"), (500, "HTTP 500")])
async def test_http_errors_name_the_url_and_status(
    web: WebServer, status: int, reason: str
) -> None:
    url = web.add("/broken", "oops", status=status)
    with pytest.raises(FetchError) as caught:
        await fetch(url, TEST_POLICY)
    assert str(caught.value).startswith(f"{url}: {reason}")


async def test_an_unreachable_host_is_reported() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="unreachable"):
        await fetch(f"http://127.0.0.1:{port}/feed", TEST_POLICY)


async def test_a_slow_server_times_out(web: WebServer) -> None:
    url = web.add("/slow", "late", delay=2.0)
    policy = dataclasses.replace(TEST_POLICY, timeout=0.3, total_timeout=1.0)
    with pytest.raises(FetchError, match="timed out"):
        await fetch(url, policy)


async def test_an_oversize_response_with_a_length_is_refused_before_download(
    web: WebServer,
) -> None:
    url = web.add("/big", b"x" * 300_000)
    with pytest.raises(FetchError, match="too large"):
        await fetch(url, TEST_POLICY)


async def test_an_oversize_response_without_a_length_is_cut_off_while_streaming(
    web: WebServer,
) -> None:
    url = web.add("/stream", b"y" * 300_000, send_length=False)
    with pytest.raises(FetchError, match="NEWSBOT_MAX_PAGE_BYTES"):
        await fetch(url, TEST_POLICY)


async def test_a_page_in_a_legacy_encoding_is_decoded_from_its_header(web: WebServer) -> None:
    text = "Новости: «мир» — сегодня"
    url = web.add("/ru", text.encode("cp1251"), content_type="text/html; charset=windows-1251")
    assert (await fetch(url, TEST_POLICY)).text() == text


def test_decoding_uses_the_meta_charset_when_the_header_has_none() -> None:
    html = '<html><head><meta charset="windows-1251"></head><body>Привет</body></html>'
    assert "Привет" in decode_body(html.encode("cp1251"))


def test_decoding_falls_back_to_cp1252_for_undeclared_legacy_text() -> None:
    assert decode_body("café “quoted”".encode("cp1252")) == "café “quoted”"


def test_decoding_skips_a_declared_charset_that_does_not_fit() -> None:
    assert decode_body("naïve".encode("cp1252"), "utf-8") == "naïve"


def test_decoding_honours_a_utf8_byte_order_mark() -> None:
    assert decode_body("\ufeffhello".encode()) == "hello"
