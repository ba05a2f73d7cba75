"""The topics the parser gives each article of a folder, to judge them by hand.

    .venv/bin/python bench/topics_report.py ../shared/realnews/dev/texts
    .venv/bin/python bench/topics_report.py ../shared/realnews/dev/html   # pages, extracted

One line per article: its id, its title, and its topics in order. ``.html`` files go
through the page extraction first, as a fetched page would.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.ingest import IngestError, read_article_file
from bot.parsing import parse_article


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    files = sorted(p for p in args.folder.iterdir() if p.suffix in (".txt", ".md", ".html"))
    for path in files:
        try:
            article = parse_article(read_article_file(path))
        except IngestError as error:
            print(f"{path.stem}: refused: {error}")
            continue
        print(f"{path.stem}: {article.title}\n    {' · '.join(article.topics) or '(none)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
