"""Recognising the same story twice: canonical URLs and near-identical texts.

Feeds link the same article with different tracking parameters (``utm_source=rss``,
``fbclid``...) and syndicate it under other URLs with a different header or footer, so a story
is matched by its normalised URL first and by a fingerprint of its words second.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "hsa_", "__hs", "_hs", "vero_", "oly_")
_TRACKING_NAMES = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ref_src",
        "ref_url",
        "cmpid",
        "ncid",
        "sr_share",
        "at_medium",
        "at_campaign",
        "spm",
        "s_cid",
        "icid",
        "ito",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_WORD = re.compile(r"\w+", re.UNICODE)

#: Two texts sharing at least this share of their 3-word shingles are one story.
SIMILARITY_THRESHOLD = 0.8
#: A text less than this fraction of the other's length is a different (shorter) story.
MIN_LENGTH_RATIO = 0.6
#: Shingle hashes kept per article, and how many two texts must share to be compared.
SKETCH_SIZE = 32
CANDIDATE_OVERLAP = 4


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)


def normalise_url(url: str) -> str:
    """A canonical form: lower-case scheme and host, no default port, no fragment, no
    tracking parameters, remaining parameters sorted; ``/`` for an empty path."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    netloc = host if port is None or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    )
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def _digest(shingle: str) -> bytes:
    return hashlib.blake2b(shingle.encode(), digest_size=8).digest()


def shingles(text: str, size: int = 3) -> set[int]:
    """Hashes of every run of ``size`` consecutive words (case and punctuation ignored).

    63-bit, so they fit SQLite's signed integers.
    """
    words = [w.casefold() for w in _WORD.findall(text)]
    if len(words) < size:
        words += [""] * (size - len(words))
    return {
        int.from_bytes(_digest(" ".join(words[i : i + size]))) >> 1
        for i in range(len(words) - size + 1)
    }


def sketch(text: str, size: int = SKETCH_SIZE) -> list[int]:
    """The ``size`` smallest shingle hashes: a small sample that near-identical texts share.

    Stored per article and indexed, so candidates are found with one query; the full
    comparison (:func:`similarity`) then runs only against those few.
    """
    return sorted(shingles(text))[:size]


def similarity(a: str, b: str) -> float:
    """Share of shingles the two texts have in common, relative to the shorter text.

    Relative to the shorter one so a syndicated copy with an extra footer still matches.
    """
    first, second = shingles(a), shingles(b)
    smaller, larger = sorted((len(first), len(second)))
    if not smaller or smaller < larger * MIN_LENGTH_RATIO:
        return 0.0
    return len(first & second) / smaller


def near_duplicate(a: str, b: str) -> bool:
    return similarity(a, b) >= SIMILARITY_THRESHOLD
