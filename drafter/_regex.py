"""Regular expressions compiled once per machine instead of once per command.

Python compiles every pattern from its source in each new process, in Python code, and drafter's
patterns are long: compiling them takes a tenth of a short command's start-up. `compile()` keeps
what the compiler produces in drafter's cache (see `drafter.cache`), keyed by the interpreter that
made it, and builds the pattern object straight from it the next time. Whatever goes wrong (another
Python version, a damaged file, a change in the `re` module's internals) ends in a plain
`re.compile`, so the cache can only save time, never change a match.

Only patterns written in drafter's own code belong here: the file keeps every pattern it is given.
"""

from __future__ import annotations

import atexit
import marshal
import re
import sys
from typing import Any

__all__ = ["compile"]

_MAX_PATTERNS = 4000  # far more than drafter has; a bound in case a caller passes generated patterns

# (source, flags) -> what `re._compiler.compile` hands to `_sre.compile`; None until first use
_compiled: dict[tuple[str, int], tuple[Any, ...]] | None = None
_new: dict[tuple[str, int], tuple[Any, ...]] = {}


def compile(source: str, flags: int = 0) -> re.Pattern[str]:  # noqa: A001 - the name re users know
    """`re.compile(source, flags)`, from the machine's cache of compiled patterns when it can be."""
    key = (source, int(flags))
    parts = _known().get(key)
    if parts is not None:
        try:
            return _sre().compile(source, *parts)
        except Exception:  # noqa: BLE001 - an entry the running interpreter cannot use
            pass
    pattern = re.compile(source, flags)
    parts = _parts(source, int(flags), pattern)
    if parts is not None and len(_known()) + len(_new) < _MAX_PATTERNS:
        if not _new:
            atexit.register(_save)
        _new[key] = parts
    return pattern


def _parts(source: str, flags: int, pattern: re.Pattern[str]) -> tuple[Any, ...] | None:
    """What the compiler makes of `source`, or None if this interpreter's `re` works differently
    from the one this was written for (the pattern built from the parts must equal `pattern`)."""
    try:
        from re import _compiler, _parser

        parsed = _parser.parse(source, flags)
        code = [int(op) for op in _compiler._code(parsed, flags)]  # opcodes are an int subclass
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        parts = (int(flags | parsed.state.flags), code, int(parsed.state.groups - 1), groupindex,
                 tuple(indexgroup))
        rebuilt = _sre().compile(source, *parts)
    except Exception:  # noqa: BLE001 - private API of the `re` module: anything may have changed
        return None
    same = (rebuilt == pattern and rebuilt.flags == pattern.flags and rebuilt.groups == pattern.groups
            and rebuilt.groupindex == pattern.groupindex)
    return parts if same else None


def _sre() -> Any:
    import _sre

    return _sre


def _file_name() -> str:
    sre = _sre()
    return f"{sys.implementation.cache_tag}-{sre.MAGIC}-{sre.CODESIZE}.marshal"


def _cache_file():
    from .cache import cache_dir

    folder = cache_dir("regex")
    return None if folder is None else folder / _file_name()


def _known() -> dict[tuple[str, int], tuple[Any, ...]]:
    global _compiled
    if _compiled is None:
        _compiled = _read()
    return _compiled


def _read() -> dict[tuple[str, int], tuple[Any, ...]]:
    try:
        path = _cache_file()
        stored = marshal.loads(path.read_bytes()) if path is not None else {}
    except Exception:  # noqa: BLE001 - missing, unreadable or damaged: compile afresh
        return {}
    return stored if isinstance(stored, dict) else {}


def _save() -> None:
    """Add the patterns compiled in this process to the file (read again: another process may
    have added its own meanwhile)."""
    if not _new:
        return
    path = _cache_file()
    if path is None:
        return
    merged = {**_read(), **_new}
    _new.clear()
    from .cache import write_entry

    try:
        content = marshal.dumps(merged)
    except ValueError:
        return  # not plain data after all: those patterns are simply compiled again next time
    write_entry(path, content)
