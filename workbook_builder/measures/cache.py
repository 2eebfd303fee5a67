"""A cache of validated mappings, so a build does not parse and validate the same YAML again.

Loading ``appendix_2.yaml`` (1,650 lines) means libyaml's parse, a line number for every key,
pydantic's validation into typed models and each reader's check of its locators: about a tenth of
a second, every build. A mapping that passed is pickled into the user's cache folder
(``$SCORECARD_CACHE``, else ``$XDG_CACHE_HOME/scorecard``, else ``~/.cache/scorecard``) under a key
made of the file's exact bytes and the source of the code that validates it, so an edited mapping
or a new version of scorecard is validated afresh; a mapping with an error is never kept. The
cache is an optimisation only: a folder that cannot be read or written is ignored, and deleting it
is always safe. It holds the user's own validated mappings, read back only by this user's builds.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from functools import lru_cache
from pathlib import Path

import pydantic

from .. import __version__

#: the modules whose code decides what a valid mapping is and what it becomes
_VALIDATORS = ("measures/mapping.py", "sources/*.py", "yamlfile.py", "periods.py", "audiences.py", "errors.py")


def folder() -> Path:
    """Where validated mappings are kept."""
    if os.environ.get("SCORECARD_CACHE"):
        return Path(os.environ["SCORECARD_CACHE"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "scorecard"


@lru_cache(maxsize=1)
def _code() -> str:
    """A fingerprint of the validating code: scorecard's and pydantic's versions and the source files."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(f"{__version__} {pydantic.VERSION}".encode())
    for pattern in _VALIDATORS:
        for path in sorted(package.glob(pattern)):
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _path(data: bytes) -> Path:
    return folder() / "mappings" / f"{hashlib.sha256(_code().encode() + data).hexdigest()}.pickle"


def cached_mapping(data: bytes):
    """The validated mapping for a file with these bytes, if this version of the code kept one; else None."""
    try:
        with open(_path(data), "rb") as handle:
            return pickle.load(handle)  # noqa: S301 - our own cache, written by keep_mapping below
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        return None


def keep_mapping(data: bytes, mapping) -> None:
    """Keep a validated mapping for the next build; any failure to write is ignored."""
    from ..errors import UserError
    from ..files import make_folder, write_atomic

    target = _path(data)
    try:
        make_folder(target.parent)
        write_atomic(target, pickle.dumps(mapping, protocol=pickle.HIGHEST_PROTOCOL))
    except (UserError, OSError, pickle.PicklingError):
        pass
