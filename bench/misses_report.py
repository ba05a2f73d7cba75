"""Gold quotes the parser misses or gives the wrong speaker, grouped by the shape around them.

    .venv/bin/python bench/misses_report.py ../shared/realnews/dev
    .venv/bin/python bench/misses_report.py ../shared/polnear/train --show 5 --kind missed

The folder (``gold.jsonl`` and ``texts/``) is parsed in process and scored with the shared
scorer (``quote_score.py`` in ``../tools`` beside the folder's parent, or ``--scorer``). Each
missed gold quote is put in a group named by its shape: the mark that opens it (double,
curly single, straight single, guillemet, none), whether its paragraph is a ``Q:``/``A:`` or
``NAME:`` line of a transcript, and what the parser did with the stretch (no segment there,
a segment it dropped, a segment of another length). Mis-attributed quotes are grouped by how
the parser found the speaker it gave. Counts per group come first, then ``--show N`` examples
per group with a little context (printed, never saved). Nothing of the texts is written.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

from bot.parsing.attribution import Attributor
from bot.parsing.entities import is_organisation
from bot.parsing.pipeline import _not_a_person, parse_article
from bot.parsing.quotes import Segment, segment_quotes, single_quoted
from bot.parsing.structure import parse_layout

_LABEL = re.compile(r"(?:Q|A|[A-Z][A-Z.'’ -]{1,30})[.:]\s")
_OPEN_MARKS = {
    '"': "double",
    "“": "double",
    "”": "double",
    "''": "double",
    "‘": "curly-single",
    "’": "curly-single",
    "'": "straight-single",
    "«": "guillemet",
    "»": "guillemet",
    "„": "low-double",
    "‚": "low-single",
}


_Error = tuple[str, dict[str, Any], dict[str, Any] | None]


def _scorer(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("quote_score", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"no scorer at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _opening_mark(text: str, start: int) -> str:
    i = start - 1
    while i >= 0 and text[i] in " \u00a0\t":
        i -= 1
    if i >= 1 and text[i - 1 : i + 1] == "''":
        return "double"
    return _OPEN_MARKS.get(text[i : i + 1], "none") if i >= 0 else "none"


def _paragraph_of(text: str, pos: int) -> str:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return text[a : b if b >= 0 else len(text)]


def _shape(text: str, gold: dict[str, Any], segments: list[Segment]) -> str:
    start, end = gold["start"], gold["end"]
    parts = [_opening_mark(text, start)]
    line = _paragraph_of(text, start).lstrip(" \"“'‘")
    if _LABEL.match(line):
        parts.append("label-line")
    if "\n" in text[start:end]:
        parts.append("multi-paragraph")
    overlapping = [s for s in segments if s.start < end and start < s.end]
    if not overlapping:
        parts.append("no-segment")
    elif any(abs(s.start - start) + abs(s.end - end) <= 4 for s in overlapping):
        parts.append("segment-dropped")
    else:
        parts.append("segment-other-span")
    return " ".join(parts)


def _segments(text: str) -> list[Segment]:
    layout = parse_layout(text)
    return single_quoted(text, layout.paragraphs, segment_quotes(text, layout.paragraphs))


def _hows(text: str) -> list[tuple[int, int, str]]:
    """(segment start, end, how the attributor found its speaker), for misattributions."""
    layout = parse_layout(text)
    segs = _segments(text)
    spans = [(p.start, p.end) for p in layout.paragraphs]
    if layout.title_span is not None:
        spans.insert(0, layout.title_span)
    from bot.parsing.people import PeopleFinder

    people = PeopleFinder(text, _not_a_person).find(
        spans, [(s.start, s.end) for s in segs], layout.title_span
    )
    atts = Attributor(text, layout.paragraphs, segs, people, is_organisation).run()
    return [(s.start, s.end, a.how or "none") for s, a in zip(segs, atts, strict=True)]


def _context(text: str, start: int, end: int, width: int = 90) -> str:
    a, b = max(0, start - width), min(len(text), end + width)
    return " ".join((text[a:start] + "[[" + text[start:end] + "]]" + text[end:b]).split())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold_dir", type=Path)
    parser.add_argument("--scorer", type=Path, help="quote_score.py (default: ../tools beside)")
    parser.add_argument("--show", type=int, default=3, help="examples per group")
    parser.add_argument(
        "--kind", choices=("missed", "misattributed", "spurious", "all"), default="all"
    )
    args = parser.parse_args()
    scorer = _scorer(args.scorer or args.gold_dir.parent.parent / "tools" / "quote_score.py")
    gold, texts = scorer.load_gold(str(args.gold_dir))
    preds = {}
    for name, text in texts.items():
        art = parse_article(text)
        preds[name] = [
            {"start": q.start, "end": q.end, "text": q.text, "speaker": q.speaker}
            for q in art.quotes
            if q.kind != "indirect"
        ]
    _res, errors = scorer.score(gold, texts, preds)
    kinds = ("missed", "misattributed", "spurious") if args.kind == "all" else (args.kind,)
    for kind in kinds:
        groups: dict[str, list[tuple[str, dict[str, Any], dict[str, Any] | None]]] = defaultdict(
            list
        )
        for name, g, p in errors[kind]:
            text = texts[name]
            if kind == "missed":
                key = _shape(text, g, _segments(text))
                key += " named" if g.get("speaker") else " unnamed"
                if key.endswith("segment-dropped named"):
                    how = next(
                        (h for a, b, h in _hows(text) if a < g["end"] and g["start"] < b), "?"
                    )
                    key += f" how={how}"
            elif kind == "misattributed":
                how = next((h for a, b, h in _hows(text) if a < p["end"] and p["start"] < b), "?")
                given = "none" if p["speaker"] is None else "name"
                key = f"{_opening_mark(text, g['start'])} how={how} pred={given}"
            else:
                key = _opening_mark(text, p["start"]) if p["start"] is not None else "unlocated"
            groups[key].append((name, g if g is not None else p, p))
        total = sum(len(v) for v in groups.values())
        print(f"== {kind}: {total}")
        for key, items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            print(f"  {len(items):5}  {key}")
        for key, items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            if args.show <= 0:
                break
            print(f"\n-- {kind}: {key} ({len(items)})")
            for name, q, p in items[: args.show]:
                print(f"  - {name}")
                print(f"    {_context(texts[name], q['start'], q['end'])[:400]}")
                if kind != "spurious":
                    spoke = p["speaker"] if p else None
                    print(
                        f"    gold {q.get('speaker')!r} (source {q.get('source_text')!r})"
                        f" pred {spoke!r}"
                    )
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
