"""The local Bot API server in a process of its own: ``python -m tests.botapi.serve``.

In the same process as the bot, the server's handler threads share the bot's GIL: a busy
event loop delays when the server *sees* a request, so sends the bot spaced correctly can
arrive bunched and draw 429s that Telegram itself would not give. Benchmarks that measure the
bot against the rate cap therefore run the server here, with only loopback in between.

    with ServerProcess() as server:
        server.call("add_chat", 1001)
        ... the bot talks to server.base_url ...
        delivered = server.call("delivered")
        hits = server.get("rate_limit_hits")

Any public method or attribute of :class:`BotApiServer` is reached with ``call``/``get``.
The control channel is the child's stdin/stdout carrying pickled frames (``SentMessage`` and
``ApiCall`` are plain dataclasses); a plain subprocess, unlike ``multiprocessing``'s spawn,
never re-imports the caller's ``__main__``. The child exits when its stdin closes, so it
cannot outlive the process that started it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

from tests.botapi.server import DEFAULT_TOKEN, BotApiServer

__all__ = ["ServerProcess"]

REPO = Path(__file__).resolve().parents[2]
_STOP = "__stop__"


def _send(out: IO[bytes], frame: object) -> None:
    pickle.dump(frame, out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()


def serve(control_in: IO[bytes], control_out: IO[bytes]) -> None:
    """Child side: read the options, start the server, answer requests until told to stop."""
    token, options = pickle.load(control_in)
    server = BotApiServer(token, **options).start()
    _send(control_out, ("ok", server.port))
    try:
        while True:
            try:
                name, kind, args, kwargs = pickle.load(control_in)
            except EOFError:  # the parent is gone: do not outlive it
                break
            if name == _STOP:
                _send(control_out, ("ok", None))
                break
            try:
                value = getattr(server, name)
                result = value(*args, **kwargs) if kind == "call" else value
            except Exception as error:  # re-raised in the parent, as text (always picklable)
                _send(control_out, ("error", f"{type(error).__name__}: {error}"))
            else:
                _send(control_out, ("ok", result))
    finally:
        server.stop()


class ServerProcess:
    """A :class:`BotApiServer` in a child process (see module docstring)."""

    def __init__(self, token: str = DEFAULT_TOKEN, **options: Any) -> None:
        self.token = token
        self._options = options
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()  # one request/answer pair at a time
        self._port = 0

    def start(self) -> ServerProcess:
        if self._process is not None:
            return self
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
        }
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.botapi.serve"],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        try:
            self._port = self._exchange((self.token, self._options))
        except Exception:
            self.stop()
            raise
        return self

    def _exchange(self, frame: object) -> Any:
        process = self._process
        if process is None or process.stdin is None or process.stdout is None:
            raise RuntimeError("server process not started")
        with self._lock:
            _send(process.stdin, frame)
            try:
                status, value = pickle.load(process.stdout)
            except EOFError:
                raise RuntimeError(f"server process exited ({process.poll()})") from None
        if status == "error":
            raise RuntimeError(value)
        return value

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """``server.method(*args, **kwargs)`` in the server process."""
        return self._exchange((method, "call", args, kwargs))

    def get(self, attribute: str) -> Any:
        """``server.attribute`` (a property or plain attribute) in the server process."""
        return self._exchange((attribute, "get", (), {}))

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/file/bot"

    def stop(self) -> None:
        """Stop the server and reap the child (killed if it does not exit in time)."""
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(OSError, EOFError, ValueError, pickle.PickleError):
            if process.stdin is not None and process.stdout is not None and process.poll() is None:
                with self._lock:
                    _send(process.stdin, (_STOP, "call", (), {}))
                    pickle.load(process.stdout)
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main() -> None:
    """Keep the control frames off the stdout that anything else might print to."""
    control_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(sys.stdin.buffer, control_out)


if __name__ == "__main__":
    main()
