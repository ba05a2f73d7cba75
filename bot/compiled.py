"""The parser compiled with mypyc, used only while it matches its sources.

``scripts/compile.sh`` (and a wheel built with the switch in ``setup.py``) compiles the modules of
``bot/parsing`` into extension modules beside their ``.py`` files, and writes a stamp: the
digest of the sources it compiled. Python imports an extension module before a ``.py`` file
of the same name, so after an edit the old compiled code would run. ``bot/parsing/__init__.py``
therefore asks :func:`prefer_fresh_code` first: when the stamp does not match the sources, the
package's modules are imported from their ``.py`` files instead, and a warning says to compile
again.

Kept free of imports from the rest of ``bot`` (``setup.py`` uses it to write the stamp).
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import logging
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

STAMP_NAME = "_compiled.txt"
#: Package modules never compiled: the package's ``__init__`` runs this check first.
NOT_COMPILED = ("__init__.py", "__main__.py")

log = logging.getLogger(__name__)


def compiled_sources(package_dir: Path) -> list[Path]:
    """The ``.py`` files of a package that are compiled, in a fixed order."""
    return sorted(p for p in package_dir.glob("*.py") if p.name not in NOT_COMPILED)


def sources_digest(package_dir: Path) -> str:
    """SHA-256 over the names and bytes of the compiled sources."""
    digest = hashlib.sha256()
    for path in compiled_sources(package_dir):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def write_stamp(package_dir: Path) -> None:
    """Record that the package's extension modules were built from its sources as they are."""
    (package_dir / STAMP_NAME).write_text(sources_digest(package_dir) + "\n", encoding="ascii")


def has_extensions(package_dir: Path) -> bool:
    """Does the package hold any compiled module for this interpreter?"""
    return any(
        any(package_dir.glob("*" + suffix)) for suffix in importlib.machinery.EXTENSION_SUFFIXES
    )


def is_fresh(package_dir: Path) -> bool:
    """Were the extension modules built from the sources as they are now?"""
    try:
        stamp = (package_dir / STAMP_NAME).read_text(encoding="ascii").strip()
    except OSError:
        return False
    return stamp == sources_digest(package_dir)


class _SourcesFirst:
    """A meta path finder: the package's submodules come from their ``.py`` files."""

    def __init__(self, package: str, package_dir: Path) -> None:
        self.prefix = package + "."
        self.package_dir = package_dir

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if not name.startswith(self.prefix) or "." in name[len(self.prefix) :]:
            return None
        source = self.package_dir / (name[len(self.prefix) :] + ".py")
        if not source.is_file():
            return None
        return importlib.util.spec_from_file_location(name, source)


def prefer_fresh_code(package: str, package_dir: Path) -> str:
    """Make the package's submodules import fresh code; say which: ``compiled`` or ``source``.

    Compiled modules are used when they exist and match their sources; stale ones are
    bypassed (their ``.py`` files are imported instead) with a warning.
    """
    if not has_extensions(package_dir):
        return "source"
    if is_fresh(package_dir):
        return "compiled"
    if not any(isinstance(f, _SourcesFirst) and f.prefix == package + "." for f in sys.meta_path):
        sys.meta_path.insert(0, _SourcesFirst(package, package_dir))  # type: ignore[arg-type]
    log.warning(
        "%s: the compiled modules are older than their sources, so the sources are used "
        "(slower); run scripts/compile.sh to compile them again",
        package,
    )
    return "source"
