"""Regression floor on PolNeAR: parser + the shared scorer on a fixed sample of articles.

Skipped when ``../shared/polnear/train`` is not beside the checkout. The floor sits a bit
below the measured score of the sample so that only a real regression fails it.
"""

from __future__ import annotations

import importlib.util
import zlib
from pathlib import Path

import pytest

from bot.parsing import parse_article

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
GOLD_DIR = SHARED / "polnear" / "train"
SCORER = SHARED / "tools" / "quote_score.py"
SAMPLE = 120
E2E_FLOOR = 0.86
EXTRACTION_FLOOR = 0.90


def _scorer():
    spec = importlib.util.spec_from_file_location("quote_score", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_polnear_sample_scores_above_floor() -> None:
    if not (GOLD_DIR / "gold.jsonl").is_file() or not SCORER.is_file():
        pytest.skip(f"PolNeAR gold or scorer not found under {SHARED} (../shared absent)")
    qs = _scorer()
    gold, texts = qs.load_gold(str(GOLD_DIR))
    # a fixed, publisher-mixed sample: ids ordered by a stable hash
    names = sorted(gold, key=lambda n: zlib.crc32(n.encode()))[:SAMPLE]
    gold = {n: gold[n] for n in names}
    texts = {n: texts[n] for n in names}
    preds = {
        n: [q for q in parse_article(texts[n]).to_json(n)["quotes"] if q["kind"] != "indirect"]
        for n in names
    }
    res, _ = qs.score(gold, texts, preds)
    summary = qs.summary(res)
    assert res["e2e"]["f1"] >= E2E_FLOOR, summary
    assert res["extraction"]["f1"] >= EXTRACTION_FLOOR, summary
