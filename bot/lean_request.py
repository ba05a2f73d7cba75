"""A leaner HTTP client for the Bot API's plain calls (python-telegram-bot's request interface).

Every reply is one ``sendMessage`` POST. Through ``HTTPXRequest`` each costs about 2 ms of the
bot's CPU (httpx's client, httpcore's pool, anyio, and a failed ``import sniffio`` per call),
more than most commands' own work. :class:`LeanRequest` sends the same request (form-encoded
fields, as httpx sends them) over a small pool of keep-alive HTTP/1.1 connections on asyncio
streams, the request line, headers and body in one write: about 0.4 ms. The HTTP/1.1 protocol
itself (framing, chunked bodies, keep-alive rules, limits on a malformed answer) is h11's, the
library httpcore runs under httpx: only httpx's pool, anyio and client layers are skipped.

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

import h11
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
    """One keep-alive connection: its streams and h11's state of the HTTP exchange on it."""

    __slots__ = ("http", "idle_since", "reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.http = h11.Connection(h11.CLIENT)
        self.idle_since = 0.0

    def usable(self, now: float) -> bool:
        return (
            now - self.idle_since < KEEPALIVE_EXPIRY
            and self.http.our_state is h11.IDLE
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
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = [
            ("Host", parts.netloc.rpartition("@")[2]),
            ("User-Agent", self.USER_AGENT),
            ("Accept", "*/*"),
            ("Accept-Encoding", "gzip, deflate"),
            ("Connection", "keep-alive"),
            ("Content-Length", str(len(body))),
        ]
        if body:
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
        request = h11.Request(method="POST", target=target, headers=headers)
        return await self._send((parts.scheme, parts.hostname, port), request, body, timeouts)

    async def _send(
        self,
        origin: _Origin,
        request: h11.Request,
        body: bytes,
        timeouts: tuple[Any, Any, Any, Any],
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
            http = connection.http
            try:
                connection.writer.write(
                    http.send(request)
                    + http.send(h11.Data(data=body))
                    + http.send(h11.EndOfMessage())
                )
                async with asyncio.timeout(write_timeout):
                    await connection.writer.drain()
            except TimeoutError as error:
                raise TimedOut from httpx.WriteTimeout(str(error) or "write timed out")
            except OSError as error:
                raise NetworkError(_describe(error)) from httpx.WriteError(str(error))
            try:
                async with asyncio.timeout(read_timeout):
                    status, content, keep = await _read_response(connection)
            except TimeoutError as error:
                raise TimedOut from httpx.ReadTimeout(str(error) or "read timed out")
            except OSError as error:
                raise NetworkError(_describe(error)) from httpx.ReadError(str(error))
            except (h11.ProtocolError, ValueError) as error:
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


async def _read_response(connection: _Connection) -> tuple[int, bytes, bool]:
    """(status, body, whether the connection can be reused) of one answer, framed by h11."""
    http, reader = connection.http, connection.reader
    status, encoding, chunks = 0, b"", []
    while True:
        event = http.next_event()
        if event is h11.NEED_DATA:
            http.receive_data(await reader.read(65536))  # b"" at EOF: h11 decides what it means
        elif isinstance(event, h11.Response):
            status = event.status_code
            encoding = b", ".join(v for k, v in event.headers if k == b"content-encoding")
        elif isinstance(event, h11.Data):
            chunks.append(event.data)
        elif isinstance(event, h11.EndOfMessage):
            break
        elif isinstance(event, h11.ConnectionClosed):
            raise ValueError("the server closed the connection before answering")
        # h11.InformationalResponse (100 Continue): the real answer follows
    keep = http.our_state is h11.DONE and http.their_state is h11.DONE
    if keep:
        http.start_next_cycle()
    return status, _decoded(b"".join(chunks), encoding.decode("latin-1")), keep


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
