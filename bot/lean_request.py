"""A leaner HTTP client for the Bot API's plain calls (python-telegram-bot's request interface).

Every reply is one ``sendMessage`` POST. Through ``HTTPXRequest`` each costs about 2 ms of the
bot's CPU (httpx's client, httpcore's pool, anyio, and a failed ``import sniffio`` per call),
more than most commands' own work. :class:`LeanRequest` sends the same request (form-encoded
fields, as httpx sends them) over a small pool of keep-alive HTTP/1.1 connections on asyncio
streams, the request line, headers and body in one write: about 0.4 ms.

Only the common case takes this path: a POST without files to an ``http``/``https`` URL, with
no proxy (none given, none in the environment), no socket options and HTTP/1.1. Everything
else (uploads, file downloads, proxies, HTTP/2) goes through ``HTTPXRequest`` unchanged, which
this class extends. Timeouts and errors mean what they mean there: connect, write and read
timeouts per phase and the pool timeout while every connection is busy raise ``TimedOut``;
a refused or broken connection or a malformed answer raises ``NetworkError``; and each
carries, as its ``__cause__``, the httpx exception httpx would have raised (``ConnectError``,
``ReadTimeout``, ...), so code that asks whether a request may have arrived
(``bot.delivery.request_may_have_arrived``) reads them the same. Certificates are
checked as httpx checks them (``SSL_CERT_FILE``/``SSL_CERT_DIR``, else certifi's bundle).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import ssl
import time
import urllib.request
import zlib
from typing import Any
from urllib.parse import urlsplit

import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

#: httpx's default: an idle connection older than this is closed, not reused (a server may
#: have dropped it in the meantime).
KEEPALIVE_EXPIRY = 5.0

_Origin = tuple[str, str, int]
#: The type of ``BaseRequest.DEFAULT_NONE``: a timeout the caller left at the default.
_Default = type(BaseRequest.DEFAULT_NONE)


class _Connection:
    __slots__ = ("idle_since", "reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.idle_since = 0.0

    def usable(self, now: float) -> bool:
        return (
            now - self.idle_since < KEEPALIVE_EXPIRY
            and not self.reader.at_eof()
            and not self.writer.is_closing()
        )

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()


def _ssl_context() -> ssl.SSLContext:
    """The trust httpx uses by default (``trust_env``): the environment's, else certifi's."""
    if os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    if os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
    try:
        import certifi
    except ImportError:  # pragma: no cover - certifi comes with httpx
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=certifi.where())


class LeanRequest(HTTPXRequest):
    """``HTTPXRequest`` with a fast path for POSTs without files (see module docstring)."""

    __slots__ = ("_fast", "_idle", "_slots", "_ssl")

    def __init__(
        self,
        connection_pool_size: int = 256,
        *,
        proxy: Any = None,
        socket_options: Any = None,
        http_version: str = "1.1",
        httpx_kwargs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            connection_pool_size,
            proxy=proxy,
            socket_options=socket_options,
            http_version=http_version,  # type: ignore[arg-type]
            httpx_kwargs=httpx_kwargs,
            **kwargs,
        )
        env_proxies = {k for k in urllib.request.getproxies() if k in ("http", "https", "all")}
        self._fast = (
            proxy is None
            and socket_options is None
            and http_version in ("1.1", "HTTP/1.1")
            and not httpx_kwargs
            and not env_proxies
        )
        self._idle: dict[_Origin, list[_Connection]] = {}
        self._slots = asyncio.BoundedSemaphore(connection_pool_size)
        self._ssl: ssl.SSLContext | None = None

    async def shutdown(self) -> None:
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()
        await super().shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        parts = urlsplit(url)
        if (
            not self._fast
            or method != "POST"
            or (request_data is not None and request_data.contains_files)
            or parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.username is not None
        ):
            return await super().do_request(
                url,
                method,
                request_data,
                read_timeout,
                write_timeout,
                connect_timeout,
                pool_timeout,
            )
        if self._client.is_closed:
            raise RuntimeError("This HTTPXRequest is not initialized!")
        defaults = self._client.timeout
        timeouts = (
            defaults.read if isinstance(read_timeout, _Default) else read_timeout,
            defaults.write if isinstance(write_timeout, _Default) else write_timeout,
            defaults.connect if isinstance(connect_timeout, _Default) else connect_timeout,
            defaults.pool if isinstance(pool_timeout, _Default) else pool_timeout,
        )
        body = request_data.url_encoded_parameters().encode() if request_data else b""
        https = parts.scheme == "https"
        port = parts.port or (443 if https else 80)
        host = parts.hostname
        host_header = parts.netloc.rpartition("@")[2]
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        head = (
            f"POST {target} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: {self.USER_AGENT}\r\n"
            f"Accept: */*\r\nAccept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\n"
            + (
                f"Content-Length: {len(body)}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n\r\n"
                if body
                else "Content-Length: 0\r\n\r\n"
            )
        )
        return await self._send((parts.scheme, host, port), head.encode() + body, timeouts)

    async def _send(
        self, origin: _Origin, payload: bytes, timeouts: tuple[Any, Any, Any, Any]
    ) -> tuple[int, bytes]:
        read_timeout, write_timeout, connect_timeout, pool_timeout = timeouts
        try:
            async with asyncio.timeout(pool_timeout):
                await self._slots.acquire()
        except TimeoutError:
            raise TimedOut(
                message=(
                    "Pool timeout: All connections in the connection pool are occupied. "
                    "Request was *not* sent to Telegram. Consider adjusting the connection "
                    "pool size or the pool timeout."
                )
            ) from httpx.PoolTimeout("no free connection")
        connection: _Connection | None = None
        keep = False
        try:
            connection = await self._connection(origin, connect_timeout)
            try:
                connection.writer.write(payload)
                async with asyncio.timeout(write_timeout):
                    await connection.writer.drain()
            except TimeoutError as error:
                raise TimedOut from httpx.WriteTimeout(str(error) or "write timed out")
            except OSError as error:
                raise NetworkError(_describe(error)) from httpx.WriteError(str(error))
            try:
                async with asyncio.timeout(read_timeout):
                    status, content, keep = await _read_response(connection.reader)
            except TimeoutError as error:
                raise TimedOut from httpx.ReadTimeout(str(error) or "read timed out")
            except OSError as error:
                raise NetworkError(_describe(error)) from httpx.ReadError(str(error))
            except (EOFError, ValueError, asyncio.LimitOverrunError) as error:
                raise NetworkError(_describe(error)) from httpx.RemoteProtocolError(str(error))
            return status, content
        finally:
            if connection is not None:
                if keep:
                    connection.idle_since = time.monotonic()
                    self._idle.setdefault(origin, []).append(connection)
                else:
                    connection.close()
            self._slots.release()

    async def _connection(self, origin: _Origin, connect_timeout: Any) -> _Connection:
        idle = self._idle.get(origin)
        now = time.monotonic()
        while idle:
            connection = idle.pop()
            if connection.usable(now):
                return connection
            connection.close()
        scheme, host, port = origin
        context = None
        if scheme == "https":
            if self._ssl is None:
                self._ssl = _ssl_context()
            context = self._ssl
        try:
            async with asyncio.timeout(connect_timeout):
                reader, writer = await asyncio.open_connection(
                    host, port, ssl=context, server_hostname=host if context else None
                )
        except TimeoutError as error:
            raise TimedOut from httpx.ConnectTimeout(str(error) or "connect timed out")
        except OSError as error:  # refused, unreachable, DNS, TLS
            raise NetworkError(_describe(error)) from httpx.ConnectError(str(error))
        return _Connection(reader, writer)


def _describe(error: BaseException) -> str:
    """Like HTTPXRequest's messages: which failure, and what it said."""
    return f"{error.__class__.__name__}: {error}"


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """(status, body, whether the connection can be reused) of one HTTP/1.x response."""
    while True:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head[:-4].decode("latin-1").split("\r\n")
        version, _, rest = lines[0].partition(" ")
        if not version.startswith("HTTP/1."):
            raise ValueError(f"not an HTTP/1.x response: {lines[0][:80]!r}")
        status = int(rest[:3])
        if status >= 200 or status == 101:
            break  # 1xx interim answers (100 Continue) come before the real one
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        headers[name] = f"{headers[name]}, {value.strip()}" if name in headers else value.strip()
    connection = headers.get("connection", "").lower()
    keep = version == "HTTP/1.1" and "close" not in connection
    if status in (101, 204, 304):
        content = b""
    elif "chunked" in headers.get("transfer-encoding", "").lower():
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
            if size == 0:
                while await reader.readuntil(b"\r\n") != b"\r\n":
                    pass  # trailers
                break
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        content = b"".join(chunks)
    elif "content-length" in headers:
        content = await reader.readexactly(int(headers["content-length"]))
    else:
        content, keep = await reader.read(), False
    return status, _decoded(content, headers.get("content-encoding", "")), keep


def _decoded(content: bytes, encoding: str) -> bytes:
    """The body without its Content-Encoding (we ask for gzip or deflate, as httpx does)."""
    encoding = encoding.strip().lower()
    try:
        if encoding == "gzip":
            return zlib.decompress(content, 16 + zlib.MAX_WBITS)
        if encoding == "deflate":
            try:
                return zlib.decompress(content)
            except zlib.error:  # raw deflate, without the zlib header
                return zlib.decompress(content, -zlib.MAX_WBITS)
    except zlib.error as error:
        raise ValueError(f"bad {encoding} body: {error}") from None
    if encoding not in ("", "identity"):
        raise ValueError(f"unsupported Content-Encoding {encoding!r}")
    return content
