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
import zlib
from typing import Any

__all__ = ["compile"]

_MAX_PATTERNS = 4000  # far more than drafter has; a bound in case a caller passes generated patterns

# checksum of (flags, source) -> marshal of (source, flags, what `re._compiler.compile` hands to
# `_sre.compile`). Each entry is decoded only when its pattern is asked for: the file holds every
# pattern drafter has compiled, and a command needs a few of them.
_compiled: dict[int, bytes] | None = None  # read on first use
_new: dict[int, bytes] = {}


def compile(source: str, flags: int = 0) -> re.Pattern[str]:  # noqa: A001 - the name re users know
    """`re.compile(source, flags)`, from the machine's cache of compiled patterns when it can be."""
    flags = int(flags)
    key = _key(source, flags)
    entry = _known().get(key)
    if entry is not None:
        try:
            stored_source, stored_flags, parts = marshal.loads(entry)
            if stored_source == source and stored_flags == flags:
                return _sre().compile(source, *parts)
        except Exception:  # noqa: BLE001 - an entry the running interpreter cannot use
            pass
    pattern = re.compile(source, flags)
    parts = _parts(source, flags, pattern)
    if parts is not None and len(_known()) + len(_new) < _MAX_PATTERNS:
        try:
            encoded = marshal.dumps((source, flags, parts))
        except ValueError:
            return pattern  # not plain data after all: compiled afresh next time too
        if not _new:
            atexit.register(_save)
        _new[key] = encoded
    return pattern


def _key(source: str, flags: int) -> int:
    data = f"{flags}\0{source}".encode("utf-8", "surrogatepass")
    return zlib.crc32(data) << 32 | zlib.adler32(data)


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
    return f"patterns-{sys.implementation.cache_tag}-{sre.MAGIC}-{sre.CODESIZE}.marshal"


def _cache_file():
    from .cache import cache_dir

    folder = cache_dir("regex")
    return None if folder is None else folder / _file_name()


def _known() -> dict[int, bytes]:
    global _compiled
    if _compiled is None:
        _compiled = _read()
    return _compiled


def _read() -> dict[int, bytes]:
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
    merged = {key: entry for key, entry in {**_read(), **_new}.items()
              if isinstance(key, int) and isinstance(entry, bytes)}
    _new.clear()
    from .cache import write_entry

    write_entry(path, marshal.dumps(merged))
