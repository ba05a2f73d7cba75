"""Time find_entities + extract_topics over the PolNeAR texts (ms per article, one core).

Usage: .venv/bin/python bench/bench_entities.py [TEXT_DIR] [--runs N]
The budget for this part of the parser is ~0.7 ms per 5 KB article.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.parsing.entities import find_entities
from bot.parsing.topics import extract_topics

_DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "polnear" / "train" / "texts"


def _one_pass(texts: list[tuple[str, str, str]]) -> float:
    start = time.perf_counter()
    for whole, title, body in texts:
        mentions = find_entities(whole)
        places = sorted({m.canonical for m in mentions if m.kind == "place"})
        orgs = sorted({m.canonical for m in mentions if m.kind == "organisation"})
        extract_topics(title, body, places, orgs, [])
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("text_dir", nargs="?", default=str(_DEFAULT_DIR))
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    files = sorted(Path(args.text_dir).glob("*.txt"))
    if not files:
        print(f"no .txt files in {args.text_dir}", file=sys.stderr)
        return 1
    texts = []
    for f in files:
        whole = f.read_text(encoding="utf-8", errors="replace")
        title, _, body = whole.partition("\n")
        texts.append((whole, title, body))
    kb = sum(len(t[0]) for t in texts) / len(texts) / 1024
    _one_pass(texts[:20])  # warm-up
    runs = [_one_pass(texts) for _ in range(args.runs)]
    med = statistics.median(runs)
    per = med / len(texts) * 1000
    best = min(runs) / len(texts) * 1000  # least disturbed by other processes
    print(
        f"{len(texts)} articles, mean {kb:.1f} KB: median {per:.3f} ms/article "
        f"({per / kb * 5:.3f} ms per 5 KB), best run {best:.3f} ms/article "
        f"({best / kb * 5:.3f} ms per 5 KB), {len(texts) / med:.0f} articles/s, "
        f"runs: {', '.join(f'{r:.2f}s' for r in runs)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
