"""One person, one identity: when two written names are the same person.

Within an article the people finder already reads ``Trump``, ``Mr. Trump`` and ``President
Trump`` as the ``Donald Trump`` it names. Across articles the store asks this module: a name
of one word (a surname, its title dropped) is the full name it ends, when only one full name
known ends in it, or when the title it came with picks one of several (``President Trump``
is the Trump whose role is president); two full names sharing a surname stay two people.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def name_key(name: str) -> str:
    """The key a person is stored under: the name, case-folded, single-spaced."""
    return " ".join(name.casefold().split())


def surname_key(name: str) -> str:
    """The last word of a name that is not a suffix (``Martin Luther King Jr.`` -> ``king``)."""
    words = name_key(name).split()
    while len(words) > 1 and words[-1].rstrip(",") in _SUFFIXES:
        words.pop()
    return words[-1].rstrip(",") if words else ""


def is_surname_only(name: str) -> bool:
    """A name of one word (``Trump``), which an article's full name may complete."""
    return len(name.split()) == 1


@dataclass(frozen=True, slots=True)
class Known:
    """A person already stored: their row id, name and role."""

    id: int
    name: str
    role: str | None = None


def full_name_for(surname: str, role: str | None, known: Iterable[Known]) -> Known | None:
    """The one full name that the one-word ``surname`` (said with ``role``) is, or None.

    ``known`` are the stored people with that surname. Only full names count (a stored
    one-word name is no better than this one); one of them is the answer, or, of several,
    the only one whose role shares a word with ``role`` (``President`` picks the Trump who
    is president, not the one who is his daughter).
    """
    key = name_key(surname)
    full = [k for k in known if not is_surname_only(k.name) and surname_key(k.name) == key]
    if len(full) == 1:
        return full[0]
    if not full or not role:
        return None
    words = set(name_key(role).split())
    fitting = [k for k in full if k.role and words & set(name_key(k.role).split())]
    return fitting[0] if len(fitting) == 1 else None


def takes_over(full_name: str, known: Iterable[Known]) -> Known | None:
    """The stored one-word person that a new ``full_name`` completes, or None.

    ``Trump`` stored before any article named ``Donald Trump`` becomes Donald Trump when
    he is first named in full, unless another full name with that surname is already
    stored (the one-word person could be either).
    """
    if is_surname_only(full_name):
        return None
    key = surname_key(full_name)
    short: Known | None = None
    for k in known:
        if is_surname_only(k.name):
            if name_key(k.name) == key:
                short = k
        elif surname_key(k.name) == key and name_key(k.name) != name_key(full_name):
            return None
    return short
