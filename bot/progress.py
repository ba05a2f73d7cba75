"""Progress of ``newsbot ingest``: a bar on a terminal, plain lines when stderr is not one.

Each skipped file is reported once, as it is skipped, above the bar (tqdm keeps the bar
below what is written through it).
"""

from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm

#: Without a terminal, one line each time this many more files are done.
PLAIN_EVERY = 500


class FileProgress:
    """An ``on_file`` callback for :func:`bot.ingest.ingest_paths` that shows how far it got."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total = total
        self.done = 0
        self.bar: tqdm | None = None
        if self.stream.isatty():
            self.bar = tqdm(total=total, unit="file", file=self.stream, dynamic_ncols=True)

    def __call__(self, name: str, reason: str | None) -> None:
        self.done += 1
        if reason is not None:
            self.write(f"skipped {name}: {reason}")
        if self.bar is not None:
            self.bar.update(1)
        elif self.done % PLAIN_EVERY == 0 and self.done < self.total:
            self.write(f"{self.done}/{self.total} files")

    def write(self, line: str) -> None:
        if self.bar is not None:
            self.bar.write(line, file=self.stream)
        else:
            print(line, file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
