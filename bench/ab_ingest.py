"""Ingestion of two checkouts compared run by run, for a shared machine.

    .venv/bin/python bench/ab_ingest.py OTHER_CHECKOUT [-n 2000] [--mode every] [--rounds 3]

Separate ``bench/corpus.py`` runs of two versions drift apart with the machine's other load
(CPU seconds included: a busy sibling core slows this one). Here both versions run at once
in two worker processes, each on its own store, and take turns: run 1 (``PARSE_AHEAD``
texts) of this checkout, run 1 of the other, run 2 of the other, run 2 of this one, ...
so both meet the same load. Each worker imports ``bot`` from its own checkout and times its
runs in CPU seconds; the texts are the corpus variants of ``bench/corpus.py``, made once
here and handed to both. ``--mode every`` ingests through ``bot.ingest.ingest_batch`` (as
``newsbot ingest`` of a folder: parse, save, grouping), ``parse`` only parses, ``save``
saves parses made here beforehand (the store's share alone). Prints articles per CPU
second for each side, per round and their median, and the ratio of the medians.
"""

from __future__ import annotations

import argparse
import math
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def worker(repo: Path, mode: str, texts_file: Path, store_path: Path) -> None:
    """Serve runs read on stdin (``first last``): ingest those texts, print the CPU seconds."""
    sys.path.insert(0, str(repo))
    import bot.parsing
    from bot.ingest import content_hash, ingest_batch
    from bot.parsing import parse_article
    from bot.store import ArticleToSave, Store

    texts: list[str] = pickle.loads(texts_file.read_bytes())
    parsed = [parse_article(text) for text in texts] if mode == "save" else []
    store = Store.open(store_path)
    with store.articles.batch(max_articles=50):
        # which parser runs: compiled or source (a checkout older than the build: source)
        print("ready", getattr(bot.parsing, "CODE", "source"), flush=True)
        for line in sys.stdin:
            first, last = map(int, line.split())
            numbers = range(first, last)
            started = time.process_time()
            if mode == "every":
                ingest_batch(store, [(f"v{i:06d}", texts[i], None) for i in numbers])
            elif mode == "parse":
                for i in numbers:
                    parse_article(texts[i])
            else:
                store.articles.save_all(
                    [
                        ArticleToSave(parsed[i], f"v{i:06d}", content_hash(texts[i]), texts[i])
                        for i in numbers
                    ]
                )
            print(time.process_time() - started, flush=True)
    store.close()


def compare(other: Path, n: int, mode: str, rounds: int) -> None:
    sys.path.insert(0, str(REPO / "bench"))
    import corpus  # the variants, as bench/corpus.py makes them

    from bot.ingest import PARSE_AHEAD

    variator = corpus.Variator(corpus.load_sources())
    texts = [variator.variant(i)[0] for i in range(n)]
    sides = {"this": REPO, "other": other.resolve()}
    rates: dict[str, list[float]] = {side: [] for side in sides}
    code: dict[str, str] = {}
    runs = math.ceil(n / PARSE_AHEAD)
    with tempfile.TemporaryDirectory() as tmp:
        texts_file = Path(tmp) / "texts.pickle"
        texts_file.write_bytes(pickle.dumps(texts))
        for round_ in range(rounds):
            procs = {
                side: subprocess.Popen(
                    [
                        sys.executable,
                        __file__,
                        "--worker",
                        str(repo),
                        "--mode",
                        mode,
                        "--texts",
                        str(texts_file),
                        "--store",
                        f"{tmp}/{side}-{round_}.db",
                    ],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                for side, repo in sides.items()
            }
            for side, proc in procs.items():
                assert proc.stdout is not None
                ready, code[side] = proc.stdout.readline().split()
                assert ready == "ready"
            cpu = dict.fromkeys(sides, 0.0)
            for run in range(runs):
                order = list(sides) if (run + round_) % 2 == 0 else list(reversed(sides))
                for side in order:
                    proc = procs[side]
                    assert proc.stdin is not None and proc.stdout is not None
                    first = run * PARSE_AHEAD
                    proc.stdin.write(f"{first} {min(n, first + PARSE_AHEAD)}\n")
                    proc.stdin.flush()
                    cpu[side] += float(proc.stdout.readline())
            for side, proc in procs.items():
                assert proc.stdin is not None
                proc.stdin.close()
                proc.wait()
                rates[side].append(n / cpu[side])
            print(
                f"round {round_ + 1}: "
                + ", ".join(f"{side} {rates[side][-1]:.1f}" for side in sides)
                + " articles/CPU-s",
                flush=True,
            )
    medians = {side: statistics.median(rates[side]) for side in sides}
    print(
        f"{n} articles, --mode {mode}, median of {rounds}: this ({REPO}, {code['this']}) "
        f"{medians['this']:.1f}, other ({other}, {code['other']}) {medians['other']:.1f} "
        "articles/CPU-s; "
        f"this / other {medians['this'] / medians['other']:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("other", type=Path, nargs="?", help="the other checkout's root")
    parser.add_argument("-n", type=int, default=2000, help="articles (default 2,000)")
    parser.add_argument("--mode", choices=("every", "parse", "save"), default="every")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--texts", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        worker(args.worker, args.mode, args.texts, args.store)
    elif args.other is None:
        parser.error("give the other checkout's root")
    else:
        sys.path.insert(0, str(REPO))
        compare(args.other, args.n, args.mode, args.rounds)


if __name__ == "__main__":
    main()
