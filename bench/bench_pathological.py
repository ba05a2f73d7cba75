"""Parse cost of pathological texts: seconds and peak memory per MB, at growing sizes.

    .venv/bin/python bench/bench_pathological.py            # 0.5, 1 and 2 MB of each shape
    .venv/bin/python bench/bench_pathological.py --mb 1 5   # other sizes

Shapes: a text of nothing but quote marks, one huge paragraph of ordinary sentences,
thousands of quote marks that never close, the same few names over and over, many
different names, curly single marks and apostrophes, a paragraph of quotes in single
marks, a chain of thousands of "she said", and thousands of one-word quotes.
The cost is linear when seconds per MB stay level as the size grows.
Each figure is the median of ``--runs`` parses (peak memory from ``tracemalloc`` on one
more parse).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable

from bot.parsing import parse_article

_SENTENCE = (
    "The council met on Tuesday to discuss the new budget, and the mayor said the plan "
    'was "a fair deal for every family in the city," before the vote was delayed. '
)


_FIRST = ("Ann", "Bob", "Cara", "Dan", "Eve", "Finn", "Gus", "Hal", "Ida", "Jo")


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def quote_marks(size: int) -> str:
    """Nothing but marks, straight and curly, with a space now and then."""
    return "Marks\n\n" + _repeat('""“”" “ ” \'\'', size)


def huge_paragraph(size: int) -> str:
    """One paragraph of ordinary reporting sentences with quotes, never broken."""
    return "A long day\n\n" + _repeat(_SENTENCE, size)


def unclosed_marks(size: int) -> str:
    """Thousands of quotes opened and never closed, in one paragraph."""
    return "Open marks\n\n" + _repeat('Mayor Ann Fisher said "we will see and ', size)


def repeated_names(size: int) -> str:
    """The same person named again and again, in every form."""
    unit = (
        'Donald Trump said Trump, Mr. Trump and President Trump agreed. "We will win," Trump said. '
    )
    return "Trump again\n\n" + _repeat(unit, size)


def many_names(size: int) -> str:
    """A different made-up person in every sentence."""
    parts, n, total = [], 0, 0
    while total < size:
        first = _FIRST[n % len(_FIRST)]
        unit = f'{first} Quill{n} said "the plan works," and Quill{n} left. '
        parts.append(unit)
        total += len(unit)
        n += 1
    return "Many people\n\n" + "".join(parts)[:size]


def single_marks(size: int) -> str:
    """Curly single marks and apostrophes in every pattern, never a sentence end."""
    return "Single marks\n\n" + _repeat("‘a ’b ‘c’ don’t ‘", size)


def said_in_single_marks(size: int) -> str:
    """One paragraph of thousands of quotes in single marks, each with its speech cue."""
    return "Said in single marks\n\n" + _repeat(
        "'We will go,' she said. ‘We will,’ he said. ", size
    )


def pronoun_chain(size: int) -> str:
    """Thousands of quotes each given to "she", one person named at the start."""
    return "Pronoun chain\n\nMary Jones spoke.\n\n" + _repeat('"We will go," she said. ', size)


def tiny_quotes(size: int) -> str:
    """Thousands of one-word quotes in one sentence."""
    return "Tiny quotes\n\n" + _repeat('"ab" ', size)


SHAPES: dict[str, Callable[[int], str]] = {
    "quote marks": quote_marks,
    "one huge paragraph": huge_paragraph,
    "unclosed marks": unclosed_marks,
    "repeated names": repeated_names,
    "many names": many_names,
    "single marks": single_marks,
    "said in single marks": said_in_single_marks,
    "pronoun chain": pronoun_chain,
    "tiny quotes": tiny_quotes,
}


def measure(text: str, runs: int) -> tuple[float, float]:
    """Median seconds of ``runs`` parses and the peak traced memory of one, in MB."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        parse_article(text)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    parse_article(text)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times), peak / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, nargs="+", default=[0.5, 1.0, 2.0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"{'shape':20} {'MB':>5} {'s':>7} {'s/MB':>7} {'peak MB':>8} {'peak/MB':>8}")
    for name, make in SHAPES.items():
        for mb in args.mb:
            text = make(int(mb * 1e6))
            seconds, peak = measure(text, args.runs)
            size = len(text.encode()) / 1e6
            print(
                f"{name:20} {size:5.2f} {seconds:7.3f} {seconds / size:7.3f} "
                f"{peak:8.1f} {peak / size:8.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
