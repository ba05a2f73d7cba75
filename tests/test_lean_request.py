"""bot.lean_request: the Bot API's plain calls over keep-alive HTTP/1.1 without httpx.

Against the local Bot API server (which validates every call) and small raw socket servers
for what it never does: chunked or gzipped bodies, closing after an answer, never answering,
refusing connections, TLS.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from telegram import Bot, InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.delivery import request_may_have_arrived
from bot.lean_request import LeanRequest
from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations
from tests.botapi.server import BotApiServer

OK = b'{"ok":true,"result":true}'


def data(**params: object) -> RequestData:
    return RequestData([RequestParameter.from_input(k, v) for k, v in params.items()])


@asynccontextmanager
async def lean(**kwargs: object) -> AsyncIterator[LeanRequest]:
    request = LeanRequest(**kwargs)  # type: ignore[arg-type]
    await request.initialize()
    try:
        yield request
    finally:
        await request.shutdown()


Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def raw_server(
    handle: Handler, ssl_context: ssl.SSLContext | None = None
) -> AsyncIterator[int]:
    """A TCP server on 127.0.0.1 running ``handle`` per connection; yields its port."""
    tasks: set[asyncio.Task] = set()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        tasks.add(asyncio.current_task())  # type: ignore[arg-type]
        try:
            await handle(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=ssl_context)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def read_request(reader: asyncio.StreamReader) -> tuple[str, dict[str, str], bytes]:
    head = (await reader.readuntil(b"\r\n\r\n")).decode()
    lines = head.split("\r\n")
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", 0)))
    return lines[0], headers, body


def answer(body: bytes, *extra: str, status: str = "200 OK") -> bytes:
    head = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", *extra]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def test_a_bot_on_lean_requests_passes_the_servers_checks() -> None:
    server = BotApiServer(BOT_TOKEN).start()
    try:
        server.add_chat(7)
        async with lean() as request:
            bot = Bot(BOT_TOKEN, base_url=server.base_url, request=request)
            async with bot:
                me = await bot.get_me()
                sent = [
                    await bot.send_message(7, f"<b>n°{i}</b> &amp; “quotes”", parse_mode="HTML")
                    for i in range(5)
                ]
        assert me.username == server.bot_user["username"]
        assert [m.text for m in sent] == [f"n°{i} & “quotes”" for i in range(5)]
        assert [m.text for m in server.delivered(7)] == [m.text for m in sent]
        assert_no_violations(server)
    finally:
        server.stop()


async def test_the_request_is_what_httpx_would_send_and_connections_are_reused() -> None:
    seen: list[tuple[str, dict[str, str], bytes]] = []
    connections = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        while True:
            seen.append(await read_request(reader))
            writer.write(answer(OK, "Content-Type: application/json"))
            await writer.drain()

    async with raw_server(handle) as port, lean() as request:
        url = f"http://127.0.0.1:{port}/bot{BOT_TOKEN}/sendMessage"
        for _ in range(3):
            status, body = await request.do_request(
                url, "POST", data(chat_id=5, text="a&b é", reply_markup={"x": [1]})
            )
            assert (status, body) == (200, OK)
        assert await request.do_request(url.replace("sendMessage", "getMe"), "POST") == (200, OK)
    assert connections == 1
    line, headers, body = seen[0]
    assert line == f"POST /bot{BOT_TOKEN}/sendMessage HTTP/1.1"
    assert headers["host"] == f"127.0.0.1:{port}"
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert headers["user-agent"] == LeanRequest.USER_AGENT
    expected = httpx.Request(
        "POST", url, data={"chat_id": "5", "text": "a&b é", "reply_markup": '{"x": [1]}'}
    )
    assert body == expected.read()
    assert seen[-1][1]["content-length"] == "0"


async def test_chunked_gzip_and_close_answers_are_read() -> None:
    payload = json.dumps({"ok": True, "result": {"text": "é" * 3000}}).encode()
    packed = gzip.compress(payload)
    connections = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await read_request(reader)
        head = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
        chunks = b"".join(
            b"%x\r\n%s\r\n" % (len(packed[i : i + 700]), packed[i : i + 700])
            for i in range(0, len(packed), 700)
        )
        writer.write(
            f"{head}Content-Encoding: gzip\r\n\r\n".encode() + chunks + b"0\r\nX-Trailer: 1\r\n\r\n"
        )
        await read_request(reader)
        writer.write(answer(payload, "Connection: close"))
        await writer.drain()

    async with raw_server(handle) as port, lean() as request:
        url = f"http://127.0.0.1:{port}/botX/getMe"
        assert await request.do_request(url, "POST") == (200, payload)
        assert await request.do_request(url, "POST") == (200, payload)
        assert await request.do_request(url, "POST") == (200, payload)  # a new connection
    assert connections == 2


async def test_a_dropped_idle_connection_is_not_reused() -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(answer(OK))
        await writer.drain()  # and close: the keep-alive connection dies while idle

    async with raw_server(handle) as port, lean() as request:
        url = f"http://127.0.0.1:{port}/botX/getMe"
        for _ in range(3):
            assert await request.do_request(url, "POST") == (200, OK)
            await asyncio.sleep(0.05)


async def test_failures_raise_what_httpx_request_raises_with_httpx_causes() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(10)

    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"SSH-2.0-OpenSSH\r\n\r\n")
        await writer.drain()

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{")
        await writer.drain()

    async with lean(read_timeout=0.2) as request:
        async with raw_server(silent) as port:
            with pytest.raises(TimedOut) as timed_out:
                await request.do_request(f"http://127.0.0.1:{port}/botX/getMe", "POST")
        assert isinstance(timed_out.value.__cause__, httpx.ReadTimeout)
        assert request_may_have_arrived(timed_out.value)
        for handle in (garbage, hang_up):
            async with raw_server(handle) as port:
                with pytest.raises(NetworkError) as broken:
                    await request.do_request(f"http://127.0.0.1:{port}/botX/getMe", "POST")
            assert isinstance(broken.value.__cause__, httpx.RemoteProtocolError)
            assert request_may_have_arrived(broken.value)
        # port now closed: refused, so the request never left
        with pytest.raises(NetworkError) as refused:
            await request.do_request(f"http://127.0.0.1:{port}/botX/getMe", "POST")
        assert isinstance(refused.value.__cause__, httpx.ConnectError)
        assert not request_may_have_arrived(refused.value)


async def test_a_full_pool_times_out_as_httpx_does() -> None:
    async def slow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(0.5)
        writer.write(answer(OK))
        await writer.drain()

    async with raw_server(slow) as port, lean(connection_pool_size=1, pool_timeout=0.1) as request:
        url = f"http://127.0.0.1:{port}/botX/getMe"
        first = asyncio.create_task(request.do_request(url, "POST"))
        await asyncio.sleep(0.05)
        with pytest.raises(TimedOut, match="Pool timeout") as full:
            await request.do_request(url, "POST")
        assert not request_may_have_arrived(full.value)
        assert await first == (200, OK)


async def test_a_cancelled_request_frees_its_connection() -> None:
    async def slow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            await read_request(reader)
            await asyncio.sleep(0.3)
            writer.write(answer(OK))
            await writer.drain()

    async with raw_server(slow) as port, lean(connection_pool_size=1, pool_timeout=0.1) as request:
        url = f"http://127.0.0.1:{port}/botX/getUpdates"
        poll = asyncio.create_task(request.do_request(url, "POST"))
        await asyncio.sleep(0.05)
        poll.cancel()
        with pytest.raises(asyncio.CancelledError):
            await poll
        # the half-answered connection was closed, not handed to the next request
        assert await request.do_request(url, "POST") == (200, OK)


async def test_uploads_downloads_and_proxies_go_through_httpx(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with lean() as request:
        assert request._fast
    async with lean(proxy="http://127.0.0.1:9") as request:
        assert not request._fast
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    async with lean() as request:
        assert not request._fast
    monkeypatch.delenv("HTTPS_PROXY")
    calls: list[str] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        line, headers, _ = await read_request(reader)
        calls.append(f"{line.split()[0]} {headers.get('content-type', '').split(';')[0]}")
        writer.write(answer(OK))
        await writer.drain()

    async with raw_server(handle) as port, lean() as request:
        await request.do_request(f"http://127.0.0.1:{port}/file/botX/a.txt", "GET")
        upload = RequestData(
            [
                RequestParameter.from_input("chat_id", 1),
                RequestParameter.from_input("document", InputFile(b"abc", filename="a.txt")),
            ]
        )
        assert upload.contains_files
        await request.do_request(f"http://127.0.0.1:{port}/botX/sendDocument", "POST", upload)
    assert calls == ["GET ", "POST multipart/form-data"]


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a certificate")
async def test_https_checks_the_certificate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            await read_request(reader)
            writer.write(answer(OK))
            await writer.drain()

    async with raw_server(handle, context) as port:
        url = f"https://localhost:{port}/botX/getMe"
        async with lean() as request:  # certifi's roots do not know this certificate
            with pytest.raises(NetworkError) as untrusted:
                await request.do_request(url, "POST")
            assert isinstance(untrusted.value.__cause__, httpx.ConnectError)
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        async with lean() as request:
            assert await request.do_request(url, "POST") == (200, OK)
            assert await request.do_request(url, "POST") == (200, OK)
