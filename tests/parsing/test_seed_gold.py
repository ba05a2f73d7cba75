"""The seed article is answered right: quotes, speakers, roles and reported speech.

Two layers: the hand-made gold in ``../shared/seeds`` checked entry by entry (skipped when
``../shared`` is not beside the checkout), and the same facts written out here so that
they are checked everywhere.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.parsing import ParsedArticle, parse_article

REPO = Path(__file__).resolve().parents[2]
SEED_ID = "000_ebf8c23c351aad17"
SEED = REPO / "seeds" / f"{SEED_ID}.txt"
GOLD = REPO.parent / "shared" / "seeds" / f"{SEED_ID}.gold.json"


@pytest.fixture(scope="module")
def text() -> str:
    return SEED.read_bytes().decode("utf-8")


@pytest.fixture(scope="module")
def parsed(text: str) -> ParsedArticle:
    return parse_article(text)


def _covering(parsed: ParsedArticle, start: int, end: int, kinds: set[str]):
    """The quote of one of ``kinds`` covering most of ``[start, end)``, if any."""
    best, best_ov = None, 0
    for q in parsed.quotes:
        if q.kind not in kinds:
            continue
        ov = min(q.end, end) - max(q.start, start)
        if ov > best_ov:
            best, best_ov = q, ov
    if best is None or best_ov < 0.9 * (end - start):
        return None
    return best


@pytest.fixture(scope="module")
def gold() -> dict:
    if not GOLD.is_file():
        pytest.skip(f"seed gold not found at {GOLD} (../shared is not beside the checkout)")
    return json.loads(GOLD.read_text("utf-8"))


def test_gold_direct_quotes_found_with_speaker_and_kind(parsed: ParsedArticle, gold: dict) -> None:
    for g in gold["quotes"]:
        q = _covering(parsed, g["start"], g["end"], {"direct", "partial"})
        assert q is not None, g["text"]
        assert (q.start, q.end, q.text) == (g["start"], g["end"], g["text"])
        assert q.speaker == g["speaker"], g["text"]
        assert q.kind == g["kind"], g["text"]
        assert q.speaker_role, g["text"]


def test_gold_reported_statements_are_indirect_quotes(parsed: ParsedArticle, gold: dict) -> None:
    for g in gold["reported"]:
        q = _covering(parsed, g["start"], g["end"], {"indirect"})
        assert q is not None, g["text"]
        assert q.speaker == g["speaker"], g["text"]
        assert q.cue == g["cue"], g["text"]


def test_gold_people_and_organisations(parsed: ParsedArticle, gold: dict) -> None:
    names = [p.name for p in parsed.people]
    for g in gold["people"]:
        assert g["name"] in names
    for org in gold["organisations"]:
        assert org in parsed.organisations


# --- the same facts, hard-coded -------------------------------------------------------

DIRECT = [
    ("The presidents, as always when they speak, were on the same wavelength.", "direct"),
    ("Our president made it clear that Russia will pursue its stated objectives", "direct"),
    ("the idea is hanging in the air.", "direct"),
    ("comprehensive", "partial"),
    ("It's hard even for me to say who hung up first.", "direct"),
    ("Either leader can pick up the phone during the day", "direct"),
]

REPORTED = [
    ("Putin informed his US counterpart about the humanitarian aspects", "Vladimir Putin"),
    ("Putin reiterated Moscow's readiness to keep engaging in dialogue", "Vladimir Putin"),
    ("Trump, meanwhile, stressed the need for a swift end to hostilities", "Donald Trump"),
    ("He confirmed the two intend to continue communication", "Yuri Ushakov"),
    ("NBC News reported that some of the weapons", "NBC News"),
    ("according to Ushakov, this sensitive topic was not addressed", "Yuri Ushakov"),
]


def test_every_direct_quote_is_yuri_ushakovs(parsed: ParsedArticle) -> None:
    direct = [q for q in parsed.quotes if q.kind != "indirect"]
    assert len(direct) == len(DIRECT)
    for q, (start_of_text, kind) in zip(direct, DIRECT, strict=True):
        assert q.text.startswith(start_of_text)
        assert q.kind == kind
        assert q.speaker == "Yuri Ushakov"
        assert q.speaker_role == "aide to the President of Russia"


def test_pronoun_quote_resolves_to_ushakov(parsed: ParsedArticle) -> None:
    q = next(q for q in parsed.quotes if q.text.startswith("Either leader"))
    assert (q.speaker, q.cue) == ("Yuri Ushakov", "emphasized")


def test_headings_are_not_quotes(parsed: ParsedArticle) -> None:
    assert not any("Same Wavelength" in q.text or "Who Hung Up" in q.text for q in parsed.quotes)


def test_reported_statements_with_speakers(parsed: ParsedArticle) -> None:
    indirect = [(q.text, q.speaker) for q in parsed.quotes if q.kind == "indirect"]
    for start_of_text, speaker in REPORTED:
        assert any(t.startswith(start_of_text) and s == speaker for t, s in indirect), start_of_text


def test_swift_end_to_hostilities_is_trumps(parsed: ParsedArticle) -> None:
    hits = [q for q in parsed.quotes if "swift end to hostilities" in q.text]
    assert [q.speaker for q in hits] == ["Donald Trump"]


def test_people_with_roles(parsed: ParsedArticle) -> None:
    roles = {p.name: p.role for p in parsed.people}
    assert roles["Yuri Ushakov"] == "aide to the President of Russia"
    assert roles["Vladimir Putin"] in {"Russian President", "President of Russia"}
    assert roles["Donald Trump"] in {"US President", "President of the United States"}
