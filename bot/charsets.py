"""Decoding bytes that declare no encoding (and are not UTF-8), for pages and article files.

``charset_normalizer`` (installed with trafilatura) guesses the encoding from the bytes, so
undeclared windows-1251, ISO-8859-7 or Shift-JIS text reads right instead of turning into
cp1252 mojibake. Its guesses can tie: short Western text fits a dozen code pages equally
well, and ISO-8859-7 and windows-1253 differ only in a few letters. Among the tied guesses
the one with the fewest stray symbols wins (``¶ννα`` loses to ``Άννα``), and cp1252, still
what most undeclared Western pages are written in, wins what is left of a tie.
"""

from __future__ import annotations

import unicodedata

from charset_normalizer import from_bytes

_WESTERN = "cp1252"
_TYPOGRAPHY = frozenset("“”‘’«»„‚—–…¡¿€£°\u00a0")


def _stray_symbols(text: str) -> int:
    """Characters a decoding in the wrong code page tends to produce amid letters."""
    return sum(
        1
        for ch in text
        if ord(ch) > 127 and ch not in _TYPOGRAPHY and unicodedata.category(ch)[0] not in "LMN"
    )


def guess_decode(content: bytes) -> str:
    """Text of undeclared, non-UTF-8 bytes: the cleanest of charset_normalizer's guesses."""
    guesses = list(from_bytes(content))
    guesses += list(from_bytes(content, cp_isolation=[_WESTERN]))
    if not guesses:
        return content.decode("latin-1")
    chaos = min(g.chaos for g in guesses)
    tied = [g for g in guesses if g.chaos <= chaos]
    texts = {g.encoding: str(g) for g in tied}
    order = sorted(texts, key=lambda name: (_stray_symbols(texts[name]), name != _WESTERN))
    return texts[order[0]]
