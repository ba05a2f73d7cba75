"""Page extraction on saved pages: what was dropped, what looks left over, what was refused.

    .venv/bin/python bench/pages_report.py ../shared/realnews/dev [--before]

For each ``html/ID.html`` it prints the title and each line the cleaning step dropped, with
its reason; then the kept lines that still look like page furniture to a loose check
(short lines that are not sentences, copyright or sign-up words), for a reader to judge.
With ``gold.jsonl`` beside, it also counts the gold quotes whose text is no longer in the
article (cleaning must not cut the story). ``--before`` reads ``texts/ID.txt`` instead: the
extraction as it was when the texts were saved.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from bot.feeds import pages
from bot.feeds.fetch import decode_body

SUSPECT = re.compile(
    r"(?i)©|copyright|rights reserved|sign up|newsletter|subscribe|click here|read more|"
    r"related|contributed|reporting by|photo|getty|^by |@\w+\.\w+|app\b|\| |must-reads"
)
SITE_SUFFIX = re.compile(r"\s(?:\||::|–|—|-)\s.*(?:\b(?:news|cnn|dw|times|tv)\b|\d{4})", re.I)


def _suspect(line: str) -> bool:
    short = len(line.split()) <= 6 and not line.rstrip("”’\"'").endswith((".", "?", "!", ":"))
    return short or bool(SUSPECT.search(line))


def _before(folder: Path, page_id: str) -> tuple[str, list[str]]:
    head, _, body = (folder / "texts" / f"{page_id}.txt").read_text().partition("\n\n")
    title = next((x[7:] for x in head.splitlines() if x.startswith("title: ")), "")
    return title, [p for p in body.split("\n\n") if p.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--before", action="store_true")
    args = parser.parse_args()
    gold: dict[str, list[str]] = {}
    if (args.folder / "gold.jsonl").exists():
        for line in (args.folder / "gold.jsonl").read_text().splitlines():
            item = json.loads(line)
            gold[item["id"]] = [q["text"] for q in item["quotes"]]
    totals = {"pages": 0, "refused": 0, "dropped": 0, "suspect": 0, "suffix": 0, "lost": 0}
    for path in sorted((args.folder / "html").glob("*.html")):
        totals["pages"] += 1
        dropped: list[tuple[str, str]] = []
        if args.before:
            title, kept = _before(args.folder, path.stem)
        else:
            url = _url(args.folder, path.stem)
            markup = decode_body(path.read_bytes())
            page, cleaned = pages.read_page(markup, url)
            if reason := pages.refusal(cleaned, markup):
                totals["refused"] += 1
                print(f"== {path.stem}: REFUSED: {reason}")
                continue
            title, kept, dropped = page.title or "", cleaned.paragraphs, cleaned.dropped
        print(f"== {path.stem}: {title}")
        totals["suffix"] += bool(SITE_SUFFIX.search(title))
        for reason, text in dropped:
            print(f"   - [{reason}] {text[:110]}")
        totals["dropped"] += len(dropped)
        for text in kept:
            if _suspect(text):
                totals["suspect"] += 1
                print(f"   ? {text[:110]}")
        flat = " ".join(" ".join(kept).split())
        lost = [q for q in gold.get(path.stem, []) if " ".join(q.split()) not in flat]
        totals["lost"] += len(lost)
        for quote in lost:
            print(f"   ! gold quote lost: {quote[:100]}")
    print(
        f"{totals['pages']} pages, {totals['refused']} refused, {totals['dropped']} lines dropped,"
        f" {totals['suspect']} kept lines to check by hand, {totals['suffix']} titles that look"
        f" suffixed, {totals['lost']} gold quotes lost"
    )
    return 0


def _url(folder: Path, page_id: str) -> str:
    """The page's URL from its saved text's front matter (the host helps clean the title)."""
    text = folder / "texts" / f"{page_id}.txt"
    if text.exists():
        for line in text.read_text().partition("\n\n")[0].splitlines():
            if line.startswith("url: "):
                return line[5:].strip()
    return ""


if __name__ == "__main__":
    sys.exit(main())
