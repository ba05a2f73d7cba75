"""A small web server on 127.0.0.1 for the feed, page and fetch tests (no outside network).

Routes are registered per test: fixed bodies with content types, ETag/Last-Modified
validation (answering 304), redirects, slow answers, and raw byte bodies without a length.
The tests at the bottom check the server itself.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from bot.feeds.fetch import FetchPolicy


@dataclass(slots=True)
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0
    send_length: bool = True


@dataclass(slots=True)
class Hit:
    path: str
    headers: dict[str, str]


class WebServer:
    """Threaded HTTP/1.0 server whose routes the test defines; records every request."""

    def __init__(self) -> None:
        self.routes: dict[str, Route | Callable[[], Route]] = {}
        self.hits: list[Hit] = []
        server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        server.daemon_threads = True
        server.block_on_close = False  # a slow handler must not hold up the test's teardown
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def start(self) -> WebServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: bytes | str = b"", **options: object) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(body=data, **options)  # type: ignore[arg-type]
        return self.url(path)

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        self.routes[path] = Route(status=status, content_type=None, headers={"Location": to})
        return self.url(path)

    def count(self, path: str) -> int:
        return sum(1 for hit in self.hits if hit.path == path)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        web = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:
                web.hits.append(Hit(self.path, {k.lower(): v for k, v in self.headers.items()}))
                found = web.routes.get(self.path) or web.routes.get(self.path.split("?")[0])
                route = found() if callable(found) else found
                if route is None:
                    route = Route(status=404, body=b"not found", content_type="text/plain")
                if route.delay:
                    time.sleep(route.delay)
                if self._not_modified(route):
                    self.send_response(304)
                    self.end_headers()
                    return
                try:
                    self.send_response(route.status)
                    if route.content_type:
                        self.send_header("Content-Type", route.content_type)
                    for name, value in route.headers.items():
                        self.send_header(name, value)
                    if route.etag:
                        self.send_header("ETag", route.etag)
                    if route.last_modified:
                        self.send_header("Last-Modified", route.last_modified)
                    if route.send_length:
                        self.send_header("Content-Length", str(len(route.body)))
                    self.end_headers()
                    self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (size cap, timeout): expected in those tests

            def _not_modified(self, route: Route) -> bool:
                tag = self.headers.get("If-None-Match")
                if route.etag and tag:
                    return tag == route.etag
                since = self.headers.get("If-Modified-Since")
                return bool(route.last_modified and since == route.last_modified)

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler


@contextmanager
def running_web_server() -> Iterator[WebServer]:
    """Use as a fixture body in each test module: ``with running_web_server() as web``."""
    server = WebServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def web() -> Iterator[WebServer]:
    with running_web_server() as server:
        yield server


#: Fetch limits for tests: loopback allowed (the servers run there), short timeouts.
TEST_POLICY = FetchPolicy(block_private=False, timeout=2.0, total_timeout=4.0, max_bytes=200_000)


def test_server_serves_routes_and_records_requests(web: WebServer) -> None:
    web.add("/hello", "hi", content_type="text/plain")
    response = httpx.get(web.url("/hello"))
    assert response.text == "hi"
    assert web.count("/hello") == 1


def test_server_answers_304_for_a_matching_etag(web: WebServer) -> None:
    web.add("/feed", "<rss/>", etag='"v1"')
    response = httpx.get(web.url("/feed"), headers={"If-None-Match": '"v1"'})
    assert response.status_code == 304


def test_unknown_paths_are_404(web: WebServer) -> None:
    assert httpx.get(web.url("/nope")).status_code == 404
