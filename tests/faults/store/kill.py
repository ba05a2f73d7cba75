"""Killing a process at a chosen SQL statement (SIGKILL: no clean-up, no rollback by Python).

The child is a fork of the test process (no interpreter start per kill point); its SQLite
connections are opened after the fork, and a trace callback kills it as statement ``at``
begins, so every statement before it ran and none after.
"""

from __future__ import annotations

import os
import signal
import sqlite3
from collections.abc import Callable

KILLED = -signal.SIGKILL


def run_killed_at(at: int, work: Callable[[], None]) -> int:
    """Run ``work`` in a forked child killed at its ``at``-th SQL statement (1-based);
    returns how it ended: ``KILLED``, or its exit code (0 when it finished first)."""
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            _kill_at(at)
            work()
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def _kill_at(at: int) -> None:
    real_connect = sqlite3.connect
    seen = 0

    def trace(_statement: str) -> None:
        nonlocal seen
        seen += 1
        if seen >= at:
            os.kill(os.getpid(), signal.SIGKILL)

    def connect(*args, **kwargs):  # type: ignore[no-untyped-def]
        conn = real_connect(*args, **kwargs)
        conn.set_trace_callback(trace)
        return conn

    sqlite3.connect = connect  # type: ignore[assignment]
