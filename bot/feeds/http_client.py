"""One HTTP client for every fetch, and one TLS context for the process.

Building a client loads the CA bundle into a new TLS context, a noticeable stall of the event
loop, so fetches share the client of their event loop (created on the first fetch) and every
client shares the TLS context. Each request still closes its connection
(``fetch.pinned_request``), so the shared pool holds nothing between fetches and a client
left by an event loop that ended (one ``asyncio.run`` per command) holds no socket. The bot
closes its client when the Application stops (``bot.feeds.jobs``).
"""

from __future__ import annotations

import asyncio
import os
import ssl
from collections.abc import Awaitable
from typing import TypeVar

import httpx

T = TypeVar("T")

#: The TLS context per trust setting (SSL_CERT_FILE / SSL_CERT_DIR, which httpx honours).
_contexts: dict[tuple[str | None, str | None], ssl.SSLContext] = {}
_client: httpx.AsyncClient | None = None
_client_owner: tuple[asyncio.AbstractEventLoop, ssl.SSLContext] | None = None
#: Clients made since the process started (tests check that fetches share one).
clients_created = 0


def tls_context() -> ssl.SSLContext:
    """The process's TLS context for the CA bundle httpx would load."""
    key = (os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
    context = _contexts.get(key)
    if context is None:
        context = _contexts[key] = httpx.create_ssl_context()
    return context


def shared_client() -> httpx.AsyncClient:
    """The client of the running event loop (made on its first fetch)."""
    global _client, _client_owner, clients_created
    owner = (asyncio.get_running_loop(), tls_context())
    if _client is None or _client.is_closed or _client_owner != owner:
        _client = httpx.AsyncClient(verify=owner[1], follow_redirects=False)
        _client_owner = owner
        clients_created += 1
    return _client


async def close_shared_client() -> None:
    """Close the shared client (at shutdown); the next fetch makes a new one."""
    global _client, _client_owner
    client, _client, _client_owner = _client, None, None
    if client is not None and not client.is_closed:
        await client.aclose()


async def closing(work: Awaitable[T]) -> T:
    """``work``, then the shared client closed: for one ``asyncio.run`` of a command."""
    try:
        return await work
    finally:
        await close_shared_client()
