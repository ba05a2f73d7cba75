"""Telegram's HTML parse mode, re-implemented for the local Bot API server.

The parser follows tdlib's ``parse_html`` (the code behind ``parse_mode=HTML``) so
that the error messages, byte offsets and resulting entities match what Telegram
answers.  Telegram's own parser tolerates a bare ``&`` or ``>`` in text, but the
Bot API documentation requires them to be escaped; an unescaped one almost always
means the bot forgot to escape user/article text, which breaks the day a ``<``
shows up.  ``strict=True`` (the default) therefore rejects them too, with an error
worded like Telegram's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ALLOWED_TAGS",
    "HtmlParseError",
    "ParsedText",
    "parse_html",
    "utf16_len",
]

ALLOWED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)

_SIMPLE_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = b" \t\r\n\f\v"
_PLAIN_RUN = re.compile(rb"[^&<>]+")
_URL_RE = re.compile(r"^(https?|tg|ftp|mailto|tel)://|^(https?|tg|mailto|tel):", re.IGNORECASE)


class HtmlParseError(ValueError):
    """An HTML string Telegram would refuse; ``str(err)`` is Telegram's wording."""


@dataclass
class ParsedText:
    """Text after entity parsing plus the entities (offsets in UTF-16 code units)."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Length as Telegram measures entity offsets: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _decode_entity(data: bytes, pos: int) -> tuple[str, int] | None:
    """Decode ``&...;`` at ``pos`` the way tdlib does; ``None`` if not an entity."""
    end = data.find(b";", pos + 1, pos + 12)
    if end == -1:
        return None
    body = data[pos + 1 : end].decode("ascii", "replace")
    if body.startswith("#"):
        digits = body[1:]
        try:
            if digits[:1] in ("x", "X"):
                code = int(digits[1:], 16) if re.fullmatch(r"[0-9a-fA-F]{1,6}", digits[1:]) else -1
            else:
                code = int(digits) if re.fullmatch(r"[0-9]{1,7}", digits) else -1
        except ValueError:
            return None
        if code <= 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        return chr(code), end + 1
    if body in _NAMED_ENTITIES:
        return _NAMED_ENTITIES[body], end + 1
    return None


def _at(data: bytes, i: int) -> int:
    """Byte at ``i`` or 0 past the end (tdlib works on NUL-terminated strings)."""
    return data[i] if i < len(data) else 0


def _is_space(c: int) -> bool:
    return c != 0 and c in _SPACES


@dataclass
class _Open:
    tag: str
    argument: str
    offset: int  # UTF-16 offset in the result
    begin: int  # index in the result string (code points)


def parse_html(text: str, *, strict: bool = True) -> ParsedText:
    """Parse Telegram HTML into plain text and entities, or raise HtmlParseError.

    Error texts are what follows ``"Bad Request: can't parse entities: "`` in
    Telegram's answer, with byte offsets into the UTF-8 encoded input.
    """
    data = text.encode("utf-8")
    out: list[str] = []
    out_utf16 = 0
    entities: list[dict[str, Any]] = []
    stack: list[_Open] = []
    n = len(data)
    i = 0

    out_len = 0  # len("".join(out)), kept as we go

    def emit(chunk: str) -> None:
        nonlocal out_utf16, out_len
        out.append(chunk)
        out_utf16 += utf16_len(chunk)
        out_len += len(chunk)

    while i < n:
        c = data[i]
        if c == ord("&"):
            decoded = _decode_entity(data, i)
            if decoded is not None:
                emit(decoded[0])
                i = decoded[1]
                continue
            if strict:
                raise HtmlParseError(
                    f'Unescaped "&" at byte offset {i}; '
                    "use &amp; (Bot API: all &, < and > outside tags must be escaped)"
                )
        if c == ord(">") and strict:
            raise HtmlParseError(
                f'Unescaped ">" at byte offset {i}; '
                "use &gt; (Bot API: all &, < and > outside tags must be escaped)"
            )
        if c != ord("<"):
            if c == ord("&") or c == ord(">"):  # not strict: kept as it is
                emit(chr(c))
                i += 1
                continue
            # copy the run of plain text up to the next &, < or > (whole UTF-8 characters:
            # those three are ASCII, so never inside one)
            j = _PLAIN_RUN.match(data, i).end()  # type: ignore[union-attr]
            emit(data[i:j].decode("utf-8"))
            i = j
            continue

        begin = i
        i += 1
        if _at(data, i) != ord("/"):
            while _at(data, i) != 0 and not _is_space(_at(data, i)) and _at(data, i) != ord(">"):
                i += 1
            if _at(data, i) == 0:
                raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
            tag = data[begin + 1 : i].decode("utf-8", "replace").lower()
            if tag not in ALLOWED_TAGS:
                raise HtmlParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
            argument = ""
            while _at(data, i) != ord(">"):
                while _is_space(_at(data, i)):
                    i += 1
                if _at(data, i) == ord(">"):
                    break
                attr_begin = i
                while (
                    _at(data, i) != 0 and not _is_space(_at(data, i)) and _at(data, i) != ord("=")
                ):
                    if _at(data, i) == ord(">"):
                        break
                    i += 1
                attr_name = data[attr_begin:i].decode("utf-8", "replace")
                if not attr_name:
                    raise HtmlParseError(
                        f'Empty attribute name in the tag "{tag}" at byte offset {begin}'
                    )
                while _is_space(_at(data, i)):
                    i += 1
                if _at(data, i) != ord("="):
                    if tag == "blockquote" and attr_name == "expandable":
                        argument = "1"
                        continue
                    if _at(data, i) == 0:
                        raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
                    raise HtmlParseError(
                        "Expected equal sign in declaration of an attribute of the tag "
                        f'"{tag}" at byte offset {begin}'
                    )
                i += 1
                while _is_space(_at(data, i)):
                    i += 1
                if _at(data, i) == 0:
                    raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                quote = _at(data, i)
                if quote not in (ord("'"), ord('"')):
                    token_begin = i
                    while chr(_at(data, i)).isalnum() or _at(data, i) in (ord("."), ord("-")):
                        if _at(data, i) >= 0x80:
                            break
                        i += 1
                    value = data[token_begin:i].decode("ascii", "replace").lower()
                    if not _is_space(_at(data, i)) and _at(data, i) != ord(">"):
                        raise HtmlParseError(
                            f"Unexpected end of name token at byte offset {token_begin}"
                        )
                else:
                    i += 1
                    raw = bytearray()
                    while _at(data, i) != quote and _at(data, i) != 0:
                        if _at(data, i) == ord("&"):
                            decoded = _decode_entity(data, i)
                            if decoded is not None:
                                raw += decoded[0].encode("utf-8")
                                i = decoded[1]
                                continue
                        raw.append(data[i])
                        i += 1
                    if _at(data, i) == quote:
                        i += 1
                    value = raw.decode("utf-8", "replace")
                if _at(data, i) == 0:
                    raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
                if tag == "a" and attr_name == "href":
                    argument = value
                elif tag == "code" and attr_name == "class" and value.startswith("language-"):
                    argument = value[len("language-") :]
                elif tag == "span" and attr_name == "class" and value.startswith("tg-"):
                    argument = value[len("tg-") :]
                elif tag == "tg-emoji" and attr_name == "emoji-id":
                    argument = value
                elif tag == "blockquote" and attr_name == "expandable":
                    argument = "1"
            if tag == "span" and argument != "spoiler":
                raise HtmlParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {begin}'
                )
            stack.append(_Open(tag, argument, out_utf16, out_len))
            i += 1  # skip '>'
            continue

        # end tag
        if not stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {begin}")
        i += 1
        name_begin = i
        while _at(data, i) != 0 and not _is_space(_at(data, i)) and _at(data, i) != ord(">"):
            i += 1
        end_name = data[name_begin:i].decode("utf-8", "replace").lower()
        while _is_space(_at(data, i)):
            i += 1
        if _at(data, i) != ord(">"):
            raise HtmlParseError(f"Unclosed end tag at byte offset {begin}")
        i += 1
        top = stack[-1]
        if end_name and end_name != top.tag:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{top.tag}>", '
                f'found "</{end_name}>"'
            )
        stack.pop()
        length = out_utf16 - top.offset
        if length <= 0:
            continue
        entity: dict[str, Any] | None = None
        if top.tag in _SIMPLE_ENTITY:
            entity = {"type": _SIMPLE_ENTITY[top.tag]}
        elif top.tag == "a":
            url = top.argument or "".join(out)[top.begin :]
            if _URL_RE.match(url) or re.match(r"^[\w.-]+\.[a-z]{2,}(/|$)", url, re.I):
                entity = {"type": "text_link", "url": url}
        elif top.tag == "pre":
            last = entities[-1] if entities else None
            if (
                last is not None
                and last["type"] == "code"
                and last["offset"] == top.offset
                and last["length"] == length
                and last.get("language")
            ):
                last["type"] = "pre"
                continue
            entity = {"type": "pre"}
        elif top.tag == "code":
            if stack and stack[-1].tag == "pre" and top.argument:
                entity = {"type": "code", "language": top.argument}
            else:
                entity = {"type": "code"}
        elif top.tag == "tg-emoji":
            if not re.fullmatch(r"[0-9]{1,19}", top.argument) or int(top.argument) == 0:
                raise HtmlParseError("Invalid custom emoji identifier specified")
            entity = {"type": "custom_emoji", "custom_emoji_id": top.argument}
        elif top.tag == "blockquote":
            entity = {"type": "expandable_blockquote" if top.argument else "blockquote"}
        if entity is not None:
            entity = {"type": entity.pop("type"), "offset": top.offset, "length": length, **entity}
            entities.append(entity)
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return ParsedText("".join(out), entities)
