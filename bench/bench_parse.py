"""Parser speed and memory benchmark: articles/s on one core, memory across passes, big input.

    .venv/bin/python bench/bench_parse.py [--dir ../shared/polnear/train/texts] [--passes 7]
                                          [--limit N] [--big-mb 10] [--profile]

Parses every ``*.txt`` of ``--dir`` (default: the PolNeAR texts beside the checkout, else
``seeds/``) ``--passes`` times in this one process and prints the median articles/s by wall
clock and by CPU time (the machine is shared, so CPU time is the steadier figure),
ms/article, tracemalloc growth between the second and the last pass (flat memory means
near zero) and peak RSS. Then it times one ``--big-mb`` MB text, binary junk and a text of
unbalanced quote marks, to show that odd input finishes.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import random
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.parsing import parse_article  # noqa: E402

DEFAULT_DIR = ROOT.parent / "shared" / "polnear" / "train" / "texts"


def _load(directory: Path, limit: int | None) -> list[str]:
    files = sorted(directory.glob("*.txt"))[:limit]
    return [f.read_bytes().decode("utf-8", errors="replace") for f in files]


def _pass(texts: list[str]) -> tuple[float, float]:
    w0, c0 = time.perf_counter(), time.process_time()
    for t in texts:
        parse_article(t)
    return time.perf_counter() - w0, time.process_time() - c0


def _timed(label: str, text: str) -> None:
    t0 = time.perf_counter()
    art = parse_article(text)
    dt = time.perf_counter() - t0
    print(
        f"{label:<28} {len(text) / 1e6:7.2f} MB  {dt:7.2f} s  "
        f"{len(art.quotes)} quotes, {len(art.paragraphs)} paragraphs"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--dir", type=Path, default=DEFAULT_DIR if DEFAULT_DIR.is_dir() else ROOT / "seeds"
    )
    ap.add_argument("--passes", type=int, default=7)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--big-mb", type=float, default=10.0)
    ap.add_argument("--profile", action="store_true", help="print the top functions of one pass")
    args = ap.parse_args(argv)

    texts = _load(args.dir, args.limit)
    if not texts:
        print(f"no *.txt in {args.dir}")
        return 1
    size = sum(len(t) for t in texts) / len(texts)
    print(f"{len(texts)} articles from {args.dir} (mean {size / 1000:.1f} K chars)")

    _pass(texts)  # warm-up: imports, regex caches, word lists
    gc.collect()
    tracemalloc.start()
    walls, cpus = [], []
    mem_after: list[int] = []
    for _ in range(max(2, args.passes)):
        wall, cpu = _pass(texts)
        walls.append(wall)
        cpus.append(cpu)
        gc.collect()
        mem_after.append(tracemalloc.get_traced_memory()[0])
    tracemalloc.stop()
    # timings with tracemalloc on are slower: time the same number of clean passes
    walls, cpus = [], []
    for _ in range(max(2, args.passes)):
        wall, cpu = _pass(texts)
        walls.append(wall)
        cpus.append(cpu)
    n = len(texts)
    wall_med, cpu_med = statistics.median(walls), statistics.median(cpus)
    print(
        f"articles/s  median wall {n / wall_med:7.1f}  median cpu {n / cpu_med:7.1f}  "
        f"(best wall {n / min(walls):.1f}; {len(walls)} passes)"
    )
    print(f"ms/article  median wall {1000 * wall_med / n:.2f}  median cpu {1000 * cpu_med / n:.2f}")
    growth = mem_after[-1] - mem_after[0]
    print(
        f"memory      tracemalloc growth pass 2 -> {len(mem_after)}: {growth / 1024:+.1f} KiB  "
        f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )

    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        _pass(texts)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(20)

    rnd = random.Random(0)
    big: list[str] = []
    total = 0
    while total < args.big_mb * 1e6:
        t = texts[rnd.randrange(n)]
        big.append(t)
        total += len(t) + 2
    _timed("big text", "\n\n".join(big))
    _timed("one 1 MB paragraph", " ".join(big)[:1_000_000].replace("\n", " "))
    junk = bytes(rnd.randrange(256) for _ in range(200_000)).decode("latin-1")
    _timed("binary junk", junk)
    _timed("unbalanced marks", ('He said "yes and ' * 20_000) + "“ « „ ''")
    _timed("empty", "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
