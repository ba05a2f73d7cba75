"""Every person a store keeps for a folder of articles, to judge by hand which are not people.

    .venv/bin/python bench/people_report.py ../shared/realnews/dev/texts
    .venv/bin/python bench/people_report.py ../shared/realnews/dev/texts \
        --gold ../shared/realnews/dev

The folder is ingested into a temporary store as ``newsbot ingest`` does; then each stored
person is printed with the articles naming them and the first place the article names them.
A person is marked ``ok`` when a given name or title goes with the name in the text, or the
gold (``--gold DIR`` holding ``gold.jsonl``) names them as a speaker; every other one is
marked ``check``: the reader's list to judge. The last line counts both.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

from bot.ingest import ingest_paths
from bot.parsing.people import gender_of_first
from bot.store import Store
from bot.store.articles import person_key


def _context(text: str, name: str, width: int = 60) -> str:
    i = text.find(name)
    if i < 0:
        return ""
    return " ".join(text[max(0, i - width) : i + len(name) + width].split())


def _gold_speakers(gold_dir: Path | None) -> set[str]:
    if gold_dir is None:
        return set()
    keys: set[str] = set()
    for line in (gold_dir / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            for quote in json.loads(line)["quotes"]:
                if quote.get("speaker"):
                    keys.add(person_key(quote["speaker"]))
    return keys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--gold", type=Path, help="a folder with gold.jsonl (speakers are ok)")
    args = parser.parse_args()
    gold = _gold_speakers(args.gold)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "people.db")
        ingest_paths(store, [args.folder], on_file=lambda _name, _why: None)
        rows = store.db.execute(
            "select p.name, group_concat(a.slug, ' '), min(a.body) from people p "
            "join article_people ap on ap.person_id = p.id join articles a on a.id = ap.article_id "
            "group by p.id order by p.name"
        ).fetchall()
        store.close()
    ok = check = 0
    for name, slugs, body in rows:
        words = name.split()
        titled = re.search(r"(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov)\.? " + re.escape(name), body)
        known = (
            (len(words) >= 2 and gender_of_first(words[0]) is not None)
            or titled is not None
            or any(set(person_key(name).split()) <= set(g.split()) for g in gold)
        )
        mark = "ok   " if known else "check"
        ok += known
        check += not known
        print(f"{mark} {name:32} {slugs[:60]:60} {_context(body, name)[:140]}")
    print(f"{len(rows)} people: {ok} ok, {check} to check by hand")
    return 0


if __name__ == "__main__":
    sys.exit(main())
