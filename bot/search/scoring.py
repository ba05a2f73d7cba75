"""How candidate quotes are scored and ranked against a query (rapidfuzz), the same for the
indexed path and the exhaustive reference."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process


@dataclass(frozen=True, slots=True)
class QuoteHit:
    quote_id: int
    score: float
    highlight: tuple[int, int]  # character span of the quote text that matched the query


def _word_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a match to whole words so the bold part reads naturally."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


def _scored(
    needle: str, folded: Sequence[str], keep: int, cutoff: float
) -> list[tuple[float, int, bool]]:
    """(score, index, compared partially) of the best ``keep`` long and ``keep`` short quotes;
    more when over ``keep`` tie for the best score (the tie-break must see them all, or the
    answer would depend on how many candidates there were)."""
    size = len(needle)
    scored: list[tuple[float, int, bool]] = []

    def best(choices: Sequence[str], scorer: Callable[..., float]) -> list[tuple[str, float, int]]:
        found = process.extract(
            needle, choices, scorer=scorer, processor=None, limit=keep, score_cutoff=cutoff
        )
        if len(found) == keep and found[-1][1] == found[0][1]:
            top = found[0][1]  # extract(limit=None) with the exact score as cutoff finds nothing
            found = process.extract(
                needle,
                choices,
                scorer=scorer,
                processor=None,
                limit=None,
                score_cutoff=top - 0.5,
            )
            found = [(c, min(score, top), k) for c, score, k in found if score >= top - 1e-3]
            found.sort(key=lambda item: (-item[1], item[2]))
        return found

    longer = [i for i, text in enumerate(folded) if len(text) >= size]
    if longer:
        choices = [folded[i] for i in longer] if len(longer) < len(folded) else folded
        for _c, score, k in best(choices, fuzz.partial_ratio):
            scored.append((score, longer[k], True))
    if len(longer) < len(folded):
        shorter = [i for i, text in enumerate(folded) if len(text) < size]
        for _c, score, k in best([" ".join(folded[i].split()) for i in shorter], fuzz.ratio):
            scored.append((score, shorter[k], False))
    return scored


#: (score, compared partially, quote id, text, folded text): a scored quote before its span.
_Scored = tuple[float, bool, int, str, str]


def _best(
    needle: str, scored: list[_Scored], limit: int, whole: str | None = None
) -> list[QuoteHit]:
    """The ``limit`` best, ties to the quote the match covers more of, then to the lower id.
    Spans (an alignment each) are only worked out for quotes that can make the cut. ``whole``,
    the longer query ``needle`` was cut from, breaks ties first: the quote that matches more
    of what was pasted (a variant differing after the cut scores the same on the cut)."""
    if not scored:
        return []
    scored = sorted(scored, key=lambda item: -item[0])
    if len(scored) > limit:
        bar = scored[limit - 1][0]
        scored = [item for item in scored if item[0] >= bar]
    hits = []
    for score, partial, quote_id, text, folded_text in scored:
        span = _word_span(text, 0, len(folded_text))
        if partial:
            alignment = fuzz.partial_ratio_alignment(needle, folded_text, processor=None)
            if alignment is not None:
                span = _word_span(text, alignment.dest_start, alignment.dest_end)
        order = [-(span[1] - span[0]) / max(len(folded_text), 1)]  # more covered first
        if whole is not None:
            squashed = " ".join(folded_text.split())
            order.insert(0, -fuzz.ratio(whole, squashed[: len(whole) + 40], processor=None))
        hits.append((score, order, QuoteHit(quote_id, score, span)))
    hits.sort(key=lambda item: (-item[0], item[1], item[2].quote_id))
    return [hit for _, _, hit in hits[:limit]]


def rank_quotes(
    needle: str,
    ids: Sequence[int],
    texts: Sequence[str],
    folded: Sequence[str],
    limit: int,
    cutoff: float,
    whole: str | None = None,
) -> list[QuoteHit]:
    """The scoring every path shares (the FTS path and the exhaustive reference alike).

    A quote at least as long as the squashed query scores ``partial_ratio``: how well the query
    matches somewhere inside it. A shorter quote scores plain ``ratio`` against the whole query:
    otherwise a one-word fragment ("no", "with") would sit inside almost any query and score 100.
    Ties go to the quote the match covers more of, then to the lower id.
    """
    if not ids:
        return []
    keep = max(limit * 4, 20)
    return _best(
        needle,
        [
            (score, partial, ids[i], texts[i], folded[i])
            for score, i, partial in _scored(needle, folded, keep, cutoff)
        ],
        limit,
        whole,
    )
