"""Bot API spec (api.json) loading and request validation for the local server.

Every call the bot makes is checked against the machine-readable Bot API spec so a
test fails on the same mistakes Telegram would reject (or silently ignore, like a
misspelled parameter).  Error texts copy Telegram's wording where we know it, so
code that matches on ``BadRequest.message`` behaves the same against both.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

__all__ = [
    "ApiError",
    "ApiSpec",
    "UploadedFile",
    "bad_request",
    "load_spec",
    "spec_path_candidates",
]

SPEC_ENV = "NEWSBOT_BOT_API_SPEC"
_HERE = Path(__file__).resolve().parent
_REPO = _HERE.parents[1]
VENDORED_SPEC = _HERE / "api.json.gz"
PRIMITIVES = frozenset({"Integer", "String", "Boolean", "Float"})
_INT_RE = re.compile(r"^-?[0-9]+$")
_FLOAT_RE = re.compile(r"^-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")
_DISCRIMINATOR_RE = re.compile(r'(?:always|must be) "?([a-z_]+)"?')


class ApiError(Exception):
    """A Bot API error answer: HTTP status, Telegram description, optional parameters."""

    def __init__(
        self,
        error_code: int,
        description: str,
        parameters: dict[str, Any] | None = None,
        *,
        kind: str = "schema",
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters
        self.kind = kind

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(message: str, *, kind: str = "schema") -> ApiError:
    """400 with Telegram's ``Bad Request: `` prefix."""
    return ApiError(400, f"Bad Request: {message}", kind=kind)


@dataclass(frozen=True)
class UploadedFile:
    """One multipart file part (``InputFile`` on the Bot API side)."""

    field: str
    filename: str
    content_type: str
    data: bytes = field(repr=False)


def spec_path_candidates() -> list[Path]:
    """Where the spec is looked for, in order of preference."""
    paths: list[Path] = []
    env = os.environ.get(SPEC_ENV)
    if env:
        paths.append(Path(env))
    paths.append(_REPO.parent / "shared" / "telegram-bot-api" / "api.json")
    paths.append(VENDORED_SPEC)
    return paths


def _read_json(path: Path) -> dict[str, Any]:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return json.loads(raw)


_CACHE: dict[str, ApiSpec] = {}


def load_spec(path: str | os.PathLike[str] | None = None) -> ApiSpec:
    """Load (and cache) the spec: explicit path, $NEWSBOT_BOT_API_SPEC, shared copy, vendored gz."""
    env = os.environ.get(SPEC_ENV)
    if path is None and env and not Path(env).is_file():
        raise FileNotFoundError(f"${SPEC_ENV} points to a missing file: {env}")
    candidates = [Path(path)] if path is not None else spec_path_candidates()
    for candidate in candidates:
        if candidate.is_file():
            key = str(candidate.resolve())
            if key not in _CACHE:
                _CACHE[key] = ApiSpec(_read_json(candidate), source=key)
            return _CACHE[key]
    raise FileNotFoundError(f"Bot API spec not found; tried {[str(c) for c in candidates]}")


def _split(types: str | list[str]) -> list[str]:
    return [types] if isinstance(types, str) else list(types)


def _type_label(types: list[str]) -> str:
    return " or ".join(types)


class ApiSpec:
    """Methods and types from api.json plus a validator for calls and objects."""

    def __init__(self, data: dict[str, Any], *, source: str = "<memory>") -> None:
        self.data = data
        self.source = source
        self.version: str = data.get("version", "?")
        self.methods: dict[str, dict[str, Any]] = data["methods"]
        self.types: dict[str, dict[str, Any]] = data["types"]
        self._method_by_lower = {name.lower(): name for name in self.methods}

    # -- lookups ---------------------------------------------------------------------------
    def method_name(self, name: str) -> str | None:
        """Canonical method name; Telegram matches method names case-insensitively."""
        return self._method_by_lower.get(name.lower())

    def fields(self, owner: dict[str, Any]) -> dict[str, dict[str, Any]]:
        return {f["name"]: f for f in owner.get("fields", [])}

    def returns(self, method: str) -> list[str]:
        return list(self.methods[method].get("returns", []))

    @cached_property
    def _discriminators(self) -> dict[str, tuple[str, dict[str, str]]]:
        """For abstract types: (discriminating field, value -> subtype)."""
        out: dict[str, tuple[str, dict[str, str]]] = {}
        for name, tdef in self.types.items():
            subs = tdef.get("subtypes")
            if not subs:
                continue
            field_name = ""
            mapping: dict[str, str] = {}
            for sub in subs:
                first = (self.types.get(sub, {}).get("fields") or [None])[0]
                if not first:
                    continue
                m = _DISCRIMINATOR_RE.search(first["description"])
                if m:
                    field_name = first["name"]
                    mapping[m.group(1)] = sub
            if field_name and len(mapping) == len(subs):
                out[name] = (field_name, mapping)
        return out

    # -- nested (JSON) values ------------------------------------------------------------------
    def check_value(
        self,
        value: Any,
        types: str | list[str],
        path: str,
        files: dict[str, UploadedFile] | None = None,
    ) -> list[str]:
        """Problems with a JSON value against a union of spec types (empty list = valid)."""
        options = _split(types)
        best: list[str] | None = None
        for option in options:
            problems = self._check_one(value, option, path, files)
            if not problems:
                return []
            if best is None or len(problems) < len(best):
                best = problems
        if len(options) > 1 and best and best[0].startswith(f'field "{path}" must be'):
            return [f'field "{path}" must be of type {_type_label(options)}']
        return best or []

    def _check_one(
        self, value: Any, tname: str, path: str, files: dict[str, UploadedFile] | None
    ) -> list[str]:
        if tname.startswith("Array of "):
            if not isinstance(value, list):
                return [f'field "{path}" must be of type {tname}']
            problems: list[str] = []
            for idx, item in enumerate(value):
                inner = tname[len("Array of ") :]
                problems += self.check_value(item, inner, f"{path}[{idx}]", files)
            return problems
        if tname == "Integer":
            ok = isinstance(value, int) and not isinstance(value, bool)
            return [] if ok else [f'field "{path}" must be of type Integer']
        if tname == "Float":
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            return [] if ok else [f'field "{path}" must be of type Float']
        if tname == "Boolean":
            return [] if isinstance(value, bool) else [f'field "{path}" must be of type Boolean']
        if tname == "String":
            return [] if isinstance(value, str) else [f'field "{path}" must be of type String']
        if tname == "InputFile":
            if isinstance(value, UploadedFile):
                return []
            if isinstance(value, str) and value.startswith("attach://"):
                if files is not None and value[len("attach://") :] not in files:
                    return [f'field "{path}" refers to a missing multipart part {value!r}']
                return []
            return [f'field "{path}" must be of type InputFile']
        tdef = self.types.get(tname)
        if tdef is None:
            return [f'field "{path}" has unknown spec type {tname}']
        if not isinstance(value, dict):
            return [f'field "{path}" must be of type {tname}']
        if tdef.get("subtypes"):
            disc = self._discriminators.get(tname)
            if disc:
                key, mapping = disc
                sub = mapping.get(value.get(key)) if isinstance(value.get(key), str) else None
                if sub is None:
                    return [
                        f'field "{path}.{key}" must be one of {sorted(mapping)} for {tname}, '
                        f"got {value.get(key)!r}"
                    ]
                return self._check_one(value, sub, path, files)
            return self.check_value(value, tdef["subtypes"], path, files)
        fields = self.fields(tdef)
        if not fields:  # placeholder types like CallbackGame
            return []
        problems = []
        for fname, fdef in fields.items():
            if fdef["required"] and fname not in value:
                problems.append(f'field "{path}.{fname}" is required in {tname}')
        for key, item in value.items():
            fdef = fields.get(key)
            if fdef is None:
                problems.append(f'unknown field "{path}.{key}" in {tname}')
                continue
            problems += self.check_value(item, fdef["types"], f"{path}.{key}", files)
        return problems

    def check_object(self, value: Any, type_expr: str | list[str]) -> list[str]:
        """Validate an object we produce (e.g. a Message) against the spec."""
        return self.check_value(value, type_expr, "result")

    # -- top-level parameters --------------------------------------------------------------
    def _coerce_param(
        self,
        name: str,
        value: Any,
        types: list[str],
        files: dict[str, UploadedFile],
    ) -> Any:
        """Turn one raw parameter into its typed value, the way the Bot API parses it.

        Form and query values are always strings (PTB JSON-encodes ints, bools and
        objects into them); a JSON body may carry native values.  Like Telegram, a
        numeric string is accepted for an Integer and a number for a String.
        """
        if isinstance(value, UploadedFile):
            if "InputFile" in types:
                return value
            raise bad_request(f'parameter "{name}" must be of type {_type_label(types)}')
        if isinstance(value, str):
            for tname in types:
                if tname == "Integer" and _INT_RE.match(value.strip()):
                    return int(value.strip())
                if tname == "Float" and _FLOAT_RE.match(value.strip()):
                    return float(value.strip())
                if tname == "Boolean" and value.strip().lower() in ("true", "false", "1", "0"):
                    return value.strip().lower() in ("true", "1")
            if "InputFile" in types and value.startswith("attach://"):
                part = files.get(value[len("attach://") :])
                if part is None:
                    raise bad_request(f'parameter "{name}": multipart part {value!r} is missing')
                return part
            if "String" in types:
                return value
            structured = [t for t in types if t not in PRIMITIVES and t != "InputFile"]
            if structured:
                try:
                    decoded = json.loads(value)
                except ValueError:
                    raise bad_request(
                        f'can\'t parse {name} JSON object: parameter "{name}" must be a '
                        f"JSON-serialized {_type_label(types)}"
                    ) from None
                return self._check_structured(name, decoded, structured, files)
            raise bad_request(f'parameter "{name}" must be of type {_type_label(types)}')
        # native JSON value (application/json body)
        if isinstance(value, bool):
            if "Boolean" in types:
                return value
        elif isinstance(value, int):
            if "Integer" in types:
                return value
            if "Float" in types:
                return float(value)
            if "String" in types:
                return str(value)
        elif isinstance(value, float):
            if "Float" in types:
                return value
            if "String" in types:
                return str(value)
        elif isinstance(value, dict | list):
            structured = [t for t in types if t not in PRIMITIVES and t != "InputFile"]
            if structured:
                return self._check_structured(name, value, structured, files)
        raise bad_request(f'parameter "{name}" must be of type {_type_label(types)}')

    def _check_structured(
        self, name: str, value: Any, types: list[str], files: dict[str, UploadedFile]
    ) -> Any:
        problems = self.check_value(value, types, name, files)
        if problems:
            raise bad_request(f"can't parse {name}: {problems[0]}")
        return value

    def validate_call(
        self,
        method: str,
        raw: dict[str, Any],
        files: dict[str, UploadedFile] | None = None,
    ) -> dict[str, Any]:
        """Typed parameters for ``method`` or ApiError (404 for unknown methods)."""
        canonical = self.method_name(method)
        if canonical is None:
            raise ApiError(404, "Not Found", kind="unknown_method")
        files = files or {}
        fields = self.fields(self.methods[canonical])
        merged: dict[str, Any] = dict(raw)
        for part_name, part in files.items():
            if part_name in fields and part_name not in merged:
                merged[part_name] = part
        attached = {
            v[len("attach://") :]
            for v in _iter_strings(merged)
            if isinstance(v, str) and v.startswith("attach://")
        }
        unknown = [k for k in merged if k not in fields and k not in attached]
        if unknown:
            raise bad_request(
                f'unknown parameter "{unknown[0]}" for method {canonical} '
                "(Telegram silently ignores it, so it has no effect)",
                kind="unknown_param",
            )
        params: dict[str, Any] = {}
        for fname, fdef in fields.items():
            if fname not in merged:
                if fdef["required"]:
                    raise bad_request(_missing_message(canonical, fname), kind="missing_param")
                continue
            params[fname] = self._coerce_param(fname, merged[fname], fdef["types"], files)
        return params


def _iter_strings(value: Any) -> list[str]:
    """All string leaves (used to find attach:// references)."""
    out: list[str] = []
    if isinstance(value, str):
        out.append(value)
        if value[:1] in "[{":
            with contextlib.suppress(ValueError):
                out += _iter_strings(json.loads(value))
    elif isinstance(value, dict):
        for item in value.values():
            out += _iter_strings(item)
    elif isinstance(value, list):
        for item in value:
            out += _iter_strings(item)
    return out


def _missing_message(method: str, name: str) -> str:
    """Telegram's wording for the common missing parameters."""
    if name == "text" and method in ("sendMessage", "editMessageText"):
        return "message text is empty"
    if name in ("chat_id", "message_id", "user_id", "callback_query_id", "file_id"):
        return f"{name} is empty"
    return f'parameter "{name}" is required'
