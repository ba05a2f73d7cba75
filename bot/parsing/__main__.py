"""``python -m bot.parsing FILE...``: one ``to_json`` line per file (id = file stem)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.parsing import parse_article


def main(argv: list[str]) -> int:
    for name in argv:
        path = Path(name)
        text = path.read_bytes().decode("utf-8", errors="replace")
        print(json.dumps(parse_article(text).to_json(path.stem), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
