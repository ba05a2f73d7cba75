"""Decoding bytes that declare no encoding (and are not UTF-8), for pages and article files.

``charset_normalizer`` (installed with trafilatura) guesses the encoding from the bytes, so
undeclared windows-1251, ISO-8859-7 or Shift-JIS text reads right instead of turning into
cp1252 mojibake. Short Western text is ambiguous (a few accented letters fit a dozen code
pages equally well), so cp1252 wins whenever it decodes the bytes as cleanly as the best
guess: it is still what most undeclared Western pages are written in.
"""

from __future__ import annotations

from charset_normalizer import from_bytes

_WESTERN = "cp1252"


def guess_decode(content: bytes) -> str:
    """Text of undeclared, non-UTF-8 bytes: the cleanest guess, cp1252 on a tie."""
    best = from_bytes(content).best()
    western = from_bytes(content, cp_isolation=[_WESTERN]).best()
    if western is not None and (best is None or western.chaos <= best.chaos):
        return str(western)
    if best is not None:
        return str(best)
    return content.decode("latin-1")
