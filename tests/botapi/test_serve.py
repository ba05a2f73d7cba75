"""The Bot API server in its own process (what the fan-out benchmark uses), driven by pipe."""

from __future__ import annotations

import httpx
import pytest

from tests.botapi.serve import ServerProcess


def test_the_server_process_serves_http_and_answers_control_calls() -> None:
    with ServerProcess() as server:
        server.call("add_chat", 501)
        server.call("rate_limit", per_second=1)
        url = f"{server.base_url}{server.token}/sendMessage"
        first = httpx.post(url, json={"chat_id": 501, "text": "one"})
        second = httpx.post(url, json={"chat_id": 501, "text": "two"})
        assert first.json()["ok"] is True
        assert second.status_code == 429  # the server's own rate limit, in its own process
        [delivered] = server.call("delivered")
        assert (delivered.chat_id, delivered.text) == (501, "one")
        assert server.get("rate_limit_hits") == 1
        with pytest.raises(RuntimeError, match="ValueError"):
            server.call("add_chat", -5)  # errors come back as one line naming the exception
    assert server._process is None  # stopped and reaped
