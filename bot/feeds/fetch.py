"""Fetching feeds and pages from the web, safely.

Every request has timeouts, an honest User-Agent, a size cap enforced while streaming, a
redirect limit checked hop by hop (each hop must be http/https and, when the admin setting
asks for it, must not resolve to a private, loopback or link-local address). Every failure
is a :class:`FetchError` whose message names the URL and the reason in one line.

The host is resolved once per hop and the connection goes to the address that was checked:
resolving again at connect time would let a DNS server answer "public" to the check and
"127.0.0.1" a moment later (DNS rebinding). The request URL carries the IP, the ``Host``
header the real name, and httpcore's ``sni_hostname`` extension makes TLS send and verify the
real name too.
"""

from __future__ import annotations

import asyncio
import codecs
import ipaddress
import re
import socket
from dataclasses import dataclass
from importlib import metadata

import httpx

from bot.charsets import guess_decode
from bot.config import Settings
from bot.feeds.http_client import shared_client

_REDIRECTS = {301, 302, 303, 307, 308}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""")

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


def _version() -> str:
    try:
        return metadata.version("newsbot")
    except metadata.PackageNotFoundError:
        return "0.0.0"


#: Says who we are: sites can recognise, rate-limit or block the bot instead of guessing.
USER_AGENT = f"newsbot/{_version()} (self-hosted Telegram news briefing bot; python-httpx)"


def user_agent(contact: str | None = None) -> str:
    """The User-Agent, with whom to write to (NEWSBOT_CONTACT) so a site can ask, not block."""
    return f"{USER_AGENT} (+{contact})" if contact else USER_AGENT


class FetchError(Exception):
    """A URL could not be fetched; ``str()`` is one line: the URL and the reason."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Limits for outgoing requests (built from :class:`Settings`; tests shorten them)."""

    max_bytes: int = 5 * 1024 * 1024
    block_private: bool = True
    timeout: float = 15.0
    total_timeout: float = 60.0
    max_redirects: int = 5
    user_agent: str = USER_AGENT

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchPolicy:
        return cls(
            max_bytes=settings.max_page_bytes,
            block_private=settings.block_private_addresses,
            user_agent=user_agent(settings.contact),
        )


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A successful response (``status`` 200-299, or 304 for a conditional request)."""

    url: str
    status: int
    content: bytes
    content_type: str
    charset: str | None
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        return decode_body(self.content, self.charset)


def decode_body(content: bytes, charset: str | None = None) -> str:
    """Bytes to text: BOM, declared charset, in-document declaration, UTF-8, then a guess.

    Old sites still serve windows-1251/1252 or latin-1 pages, often with a wrong header, so a
    declaration that does not decode cleanly is skipped rather than trusted; bytes with no
    usable declaration that are not UTF-8 are decoded by ``charset_normalizer``.
    """
    if content.startswith(codecs.BOM_UTF8):
        return content[3:].decode("utf-8", errors="replace")
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if content.startswith(bom):
            return content[2:].decode(name, errors="replace")
    head = content[:4096]
    candidates: list[str | None] = [charset]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        if match := pattern.search(head):
            candidates.append(match.group(1).decode("ascii", "ignore"))
    candidates.append("utf-8")
    for declared in candidates:
        if not declared:
            continue
        try:
            return content.decode(codecs.lookup(declared).name)
        except (LookupError, UnicodeDecodeError):
            continue
    return guess_decode(content)


def _media_type(header: str | None) -> tuple[str, str | None]:
    """``text/html; charset=UTF-8`` -> (``text/html``, ``UTF-8``)."""
    if not header:
        return "", None
    mime, _, params = header.partition(";")
    match = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", params, re.I)
    return mime.strip().lower(), match.group(1) if match else None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


async def _resolve(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


#: NAT64's well-known prefix (RFC 6052): the last 32 bits are the IPv4 address reached.
NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")


def embedded_ipv4(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one leads to (IPv4-mapped, NAT64), judged as that address."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address in NAT64_PREFIX:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """What NEWSBOT_BLOCK_PRIVATE_ADDRESSES lets through (tests widen it)."""
    return address.is_global


async def check_destination(url: httpx.URL, policy: FetchPolicy) -> list[str]:
    """Refuse non-http(s) URLs, and private addresses when the policy says so.

    Returns the addresses the host resolved to, all checked: the only ones to connect to.
    """
    shown = str(url)
    if url.scheme not in ("http", "https"):
        raise FetchError(shown, f"only http and https URLs are allowed, not {url.scheme!r}")
    if not url.host:
        raise FetchError(shown, "the URL has no host name")
    try:
        resolved = await _resolve(url.host, url.port or (443 if url.scheme == "https" else 80))
    except (OSError, UnicodeError) as error:
        raise FetchError(
            shown, f"unreachable (cannot resolve host {url.host!r}: {error})"
        ) from None
    addresses: list[str] = []
    for raw in resolved:
        address = ipaddress.ip_address(raw.split("%", 1)[0])
        address = embedded_ipv4(address) or address
        if policy.block_private and not _is_public(address):
            raise FetchError(
                shown,
                f"{url.host} is a private or local address ({address}); "
                "NEWSBOT_BLOCK_PRIVATE_ADDRESSES forbids it",
            )
        if str(address) not in addresses:
            addresses.append(str(address))
    if not addresses:
        raise FetchError(shown, f"unreachable (no address for host {url.host!r})")
    return addresses


def pinned_request(
    client: httpx.AsyncClient,
    url: httpx.URL,
    address: str,
    headers: dict[str, str],
    timeout: httpx.Timeout | None = None,
) -> httpx.Request:
    """A GET for ``url`` that connects to ``address`` and still speaks to ``url.host``.

    ``Host`` and TLS (SNI and certificate check) use the real name; ``Connection: close``
    keeps a TLS connection verified for one name from being reused for another on the same
    address by a later redirect hop.
    """
    request = client.build_request(
        "GET",
        url.copy_with(host=address),
        headers={**headers, "Host": url.netloc.decode("ascii"), "Connection": "close"},
        timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
    )
    if url.scheme == "https":
        request.extensions["sni_hostname"] = url.host
    return request


def parse_url(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError, ValueError) as error:
        raise FetchError(url, f"not a valid URL ({error})") from None
    if parsed.scheme not in ("http", "https"):
        raise FetchError(url, "only http and https URLs are allowed")
    if not parsed.host:
        raise FetchError(url, "the URL has no host name")
    return parsed


async def _read_capped(response: httpx.Response, url: str, limit: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(
            url,
            f"response is too large ({_megabytes(int(declared))}, "
            f"limit {_megabytes(limit)}, NEWSBOT_MAX_PAGE_BYTES)",
        )
    chunks: list[bytes] = []
    total = 0
    async for chunk in response.aiter_bytes():
        total += len(chunk)
        if total > limit:
            raise FetchError(
                url,
                f"response is larger than the {_megabytes(limit)} limit (NEWSBOT_MAX_PAGE_BYTES)",
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _describe(error: httpx.HTTPError) -> str:
    if isinstance(error, httpx.TimeoutException):
        return "timed out connecting" if isinstance(error, httpx.ConnectTimeout) else "timed out"
    if isinstance(error, httpx.ConnectError):
        detail = str(error) or type(error).__name__
        return f"unreachable ({detail})"
    if isinstance(error, httpx.TooManyRedirects):
        return "too many redirects"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


async def fetch(
    url: str,
    policy: FetchPolicy,
    *,
    accept: str = PAGE_ACCEPT,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """GET ``url`` within ``policy``; conditional when ``etag``/``last_modified`` are given."""
    try:
        async with asyncio.timeout(policy.total_timeout):
            return await _fetch(url, policy, accept, etag, last_modified)
    except TimeoutError:
        raise FetchError(url, f"timed out after {policy.total_timeout:g} s") from None


async def _fetch(
    url: str, policy: FetchPolicy, accept: str, etag: str | None, last_modified: str | None
) -> FetchResult:
    headers = {"User-Agent": policy.user_agent, "Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = parse_url(url)
    seen = {str(current)}
    client = shared_client()
    timeout = httpx.Timeout(policy.timeout)
    for _ in range(policy.max_redirects + 1):
        addresses = await check_destination(current, policy)
        response = await _connect(client, current, addresses, headers, url, timeout)
        try:
            if response.status_code in _REDIRECTS and "location" in response.headers:
                target = current.join(response.headers["location"])
                if str(target) in seen:
                    raise FetchError(url, f"redirect loop at {target}")
                seen.add(str(target))
                current = target
                continue
            return await _result(response, str(current), url, policy)
        except httpx.HTTPError as error:
            raise FetchError(url, _describe(error)) from None
        finally:
            await response.aclose()
    raise FetchError(url, f"too many redirects (more than {policy.max_redirects})")


async def _connect(
    client: httpx.AsyncClient,
    current: httpx.URL,
    addresses: list[str],
    headers: dict[str, str],
    url: str,
    timeout: httpx.Timeout,
) -> httpx.Response:
    """Send the request to the first checked address that accepts a connection."""
    for index, address in enumerate(addresses):
        request = pinned_request(client, current, address, headers, timeout)
        try:
            return await client.send(request, stream=True)
        except httpx.ConnectError as error:
            if index == len(addresses) - 1:
                raise FetchError(url, _describe(error)) from None
        except httpx.HTTPError as error:
            raise FetchError(url, _describe(error)) from None
    raise AssertionError("check_destination returns at least one address")


async def _result(
    response: httpx.Response, final_url: str, url: str, policy: FetchPolicy
) -> FetchResult:
    status = response.status_code
    if status != 304 and not 200 <= status < 300:
        phrase = f" {response.reason_phrase}" if response.reason_phrase else ""
        raise FetchError(url, f"HTTP {status}{phrase}")
    content = b"" if status == 304 else await _read_capped(response, url, policy.max_bytes)
    mime, charset = _media_type(response.headers.get("content-type"))
    return FetchResult(
        url=final_url,
        status=status,
        content=content,
        content_type=mime,
        charset=charset,
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
    )
