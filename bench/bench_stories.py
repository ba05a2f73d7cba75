"""How well articles are grouped into stories, against events labelled by hand.

Usage:
    .venv/bin/python bench/bench_stories.py                  # bench/data/story_labels.tsv
    .venv/bin/python bench/bench_stories.py --labels L.tsv --texts DIR --show-errors

Each labelled article (``file-stem<TAB>event``; texts read in place from the PolNeAR train
folder, never copied) is ingested into a new store in date order, as a feed would bring it,
with its date and outlet (from the file name) as front matter. The stories the store made are
scored against the events: pairwise precision and recall (over pairs of articles put
together) and B-cubed F1 (per article), beside two baselines on the same articles: one story
per article, and one story per set of title words. The grouping is also scored on each half of
the labelled days (the earlier and the later), so a rule tuned on one half is checked on the
other.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Hashable, Mapping
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.grouping import _words  # noqa: E402
from bot.ingest import ingest_text  # noqa: E402
from bot.store import Store  # noqa: E402

LABELS = REPO / "bench" / "data" / "story_labels.tsv"
TEXTS = REPO.parent / "shared" / "polnear" / "train" / "texts"


def read_labels(path: Path) -> dict[str, str]:
    labels: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            stem, event = line.split("\t")[:2]
            labels[stem] = event
    return labels


def outlet_and_day(stem: str) -> tuple[str, str]:
    outlet, day = stem.split("_")[:2]
    return outlet, day


def pairwise(truth: Mapping[str, Hashable], found: Mapping[str, Hashable]) -> tuple[float, float]:
    """Precision and recall over the pairs of articles put in one story."""
    true_pairs = {p for p in combinations(sorted(truth), 2) if truth[p[0]] == truth[p[1]]}
    found_pairs = {p for p in combinations(sorted(found), 2) if found[p[0]] == found[p[1]]}
    both = len(true_pairs & found_pairs)
    precision = both / len(found_pairs) if found_pairs else 1.0
    recall = both / len(true_pairs) if true_pairs else 1.0
    return precision, recall


def bcubed(
    truth: Mapping[str, Hashable], found: Mapping[str, Hashable]
) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 (Bagga and Baldwin), averaged over articles."""
    by_truth: dict[Hashable, set[str]] = defaultdict(set)
    by_found: dict[Hashable, set[str]] = defaultdict(set)
    for item in truth:
        by_truth[truth[item]].add(item)
        by_found[found[item]].add(item)
    precision = recall = 0.0
    for item in truth:
        same = len(by_truth[truth[item]] & by_found[found[item]])
        precision += same / len(by_found[found[item]])
        recall += same / len(by_truth[truth[item]])
    precision /= len(truth)
    recall /= len(truth)
    return precision, recall, 2 * precision * recall / (precision + recall)


def title_words(text: str) -> frozenset[str]:
    title = next((line for line in text.splitlines() if line.strip()), "")
    return frozenset(_words(title))


def group_by_store(labels: Mapping[str, str], texts: Path) -> tuple[dict[str, int], float]:
    """Each article's story id after ingesting them in date order; and articles per second."""
    order = sorted(labels, key=lambda stem: (outlet_and_day(stem)[1], stem))
    found: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "eval.db")
        try:
            began = time.process_time()
            ids = {}
            for stem in order:
                outlet, day = outlet_and_day(stem)
                body = (texts / f"{stem}.txt").read_text(encoding="utf-8")
                text = f"date: {day}\nsource: {outlet}\n\n{body}"
                ids[stem] = ingest_text(store, text, slug=stem).article_id
            spent = time.process_time() - began
            for stem, article_id in ids.items():
                found[stem] = store.stories.story_of(article_id)
        finally:
            store.close()
    return found, len(order) / spent if spent else 0.0


def halves(truth: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The labels of the earlier and of the later half of the labelled days."""
    days = sorted({outlet_and_day(stem)[1] for stem in truth})
    middle = days[len(days) // 2]
    early = {stem: e for stem, e in truth.items() if outlet_and_day(stem)[1] < middle}
    late = {stem: e for stem, e in truth.items() if outlet_and_day(stem)[1] >= middle}
    return early, late


def report(name: str, truth: Mapping[str, str], found: Mapping[str, Hashable]) -> None:
    p, r = pairwise(truth, found)
    bp, br, bf = bcubed(truth, found)
    stories = len(set(found.values()))
    print(
        f"{name:<28} pairwise P {p:.3f} R {r:.3f} · B-cubed P {bp:.3f} R {br:.3f} "
        f"F1 {bf:.3f} · {stories} stories"
    )


def show_errors(truth: Mapping[str, str], found: Mapping[str, Hashable]) -> None:
    by_found: dict[Hashable, list[str]] = defaultdict(list)
    for stem, story in found.items():
        by_found[story].append(stem)
    for members in by_found.values():
        events = {truth[m] for m in members}
        if len(events) > 1:
            print("wrong merge:", ", ".join(sorted(members)))
    by_truth: dict[str, list[str]] = defaultdict(list)
    for stem, event in truth.items():
        by_truth[event].append(stem)
    for event, members in by_truth.items():
        stories = {found[m] for m in members}
        if len(stories) > 1:
            print(f"split {event}:", ", ".join(f"{m}={found[m]}" for m in sorted(members)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--texts", type=Path, default=TEXTS)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    truth = read_labels(args.labels)
    events = len(set(truth.values()))
    days = sorted(outlet_and_day(s)[1] for s in truth)
    print(f"{len(truth)} articles, {events} events, {days[0]} to {days[-1]} ({args.labels.name})")
    found, rate = group_by_store(truth, args.texts)
    words = {
        stem: title_words((args.texts / f"{stem}.txt").read_text(encoding="utf-8"))
        for stem in truth
    }
    early, late = halves(truth)
    for name, grouping in (
        ("stories (bot.grouping)", found),
        ("one story per article", {stem: stem for stem in truth}),
        ("one story per title words", words),
    ):
        report(name, truth, grouping)
        for half, labels in (("earlier", early), ("later", late)):
            last = max(outlet_and_day(stem)[1] for stem in labels)
            report(f"  {half} half (to {last})", labels, {s: grouping[s] for s in labels})
    print(f"ingested with grouping at {rate:.0f} articles per CPU second (parse included)")
    if args.show_errors:
        show_errors(truth, found)


if __name__ == "__main__":
    main()
