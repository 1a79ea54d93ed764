"""A cache of work that would otherwise be repeated by every command: compiled offline templates
and parsed policy packs. It lives in the user's cache directory (platformdirs), or in
$DRAFTER_CACHE_DIR; `DRAFTER_CACHE_DIR=off` turns it off.

Entries are keyed by the content they were made from, so an edited template or pack is never read
stale. The cache only saves time: an entry that cannot be read or written is simply made again.
What it holds is plain data (JSON), Jinja2's compiled templates (Python bytecode) and validated
policy packs (pickled): the last two are loaded as they are, trusted because the folder is the
user's own.
"""

from __future__ import annotations

import functools
import json
import os
import pickle
import zlib
from pathlib import Path
from typing import Any

__all__ = ["cache_dir", "cached_data", "cached_object", "store_data", "store_object",
           "template_bytecode_cache", "write_entry"]

_FORMAT = "3"  # bump whenever what an entry holds changes (key order counts: a pack's order is its meaning)


def cache_dir(kind: str) -> Path | None:
    """The folder for entries of `kind` ("packs", "templates"), or None when caching is off."""
    root = os.environ.get("DRAFTER_CACHE_DIR")
    if root and root.lower() == "off":
        return None
    if not root:
        import platformdirs

        root = platformdirs.user_cache_dir("drafter")
    return Path(root) / kind


def _entry(kind: str, key: str, suffix: str) -> Path | None:
    """Where the entry for `key` lives. The name is only a checksum: each entry holds its whole key,
    and is used only when that matches (a command that reads a pack need not load a hash library)."""
    folder = cache_dir(kind)
    if folder is None:
        return None
    data = f"{_FORMAT}\0{key}".encode("utf-8")
    return folder / f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}{len(data):x}{suffix}"


def cached_data(kind: str, text: str) -> Any | None:
    """What `store_data(kind, text, data)` stored for this exact text, else None."""
    entry = _entry(kind, text, ".json")
    if entry is None:
        return None
    try:
        stored = json.loads(entry.read_bytes())
    except (OSError, ValueError):
        return None
    if isinstance(stored, dict) and stored.get("key") == text:
        return stored.get("data")
    return None


def store_data(kind: str, text: str, data: Any) -> None:
    """Remember `data` (parsed from `text`) when JSON holds it exactly; otherwise, or when the cache
    cannot be written, do nothing."""
    entry = _entry(kind, text, ".json")
    if entry is None:
        return
    try:
        encoded = json.dumps({"key": text, "data": data}, ensure_ascii=False)
    except (TypeError, ValueError):
        return  # e.g. a YAML date: JSON would give it back as a string
    if json.loads(encoded)["data"] != data:
        return  # e.g. integer mapping keys, which JSON turns into strings
    write_entry(entry, encoded)


def cached_object(kind: str, key: str) -> Any | None:
    """What `store_object(kind, key, value)` stored under this exact key, else None."""
    entry = _entry(kind, key, ".pickle")
    if entry is None:
        return None
    try:
        stored_key, value = pickle.loads(entry.read_bytes())
    except Exception:  # noqa: BLE001 - a damaged or outdated entry fails in many ways; it is made again
        return None
    return value if stored_key == key else None


def store_object(kind: str, key: str, value: Any) -> None:
    """Remember `value` (made from what `key` says) for `cached_object`; do nothing when the cache
    cannot be written."""
    entry = _entry(kind, key, ".pickle")
    if entry is not None:
        write_entry(entry, pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL))


def write_entry(entry: Path, content: str | bytes) -> None:
    """Write a cache entry atomically; a cache that cannot be written is left as it is."""
    from .errors import DeliveryError
    from .files import write_atomic

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(entry, content, durable=False)
    except (OSError, DeliveryError):
        return  # a cache that cannot be written only makes the next run slower


def template_bytecode_cache(settings: str) -> Any | None:
    """A Jinja2 bytecode cache for templates compiled with `settings` (the environment's options,
    written out: templates compiled differently never share an entry), or None when caching is off
    or the folder cannot be made. Trusted templates only: a user's folder is compiled afresh."""
    folder = cache_dir("templates")
    if folder is None:
        return None
    import hashlib

    import jinja2

    key = hashlib.sha256(f"{_FORMAT}\0{jinja2.__version__}\0{settings}".encode("utf-8")).hexdigest()
    try:
        (folder / key[:16]).mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _quiet_bytecode_cache_class()(str(folder / key[:16]))


@functools.cache
def _quiet_bytecode_cache_class() -> type:
    import jinja2

    class QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
        """Jinja2's file cache, except that an entry it cannot read or write is compiled afresh
        instead of failing the draft."""

        def load_bytecode(self, bucket: Any) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # noqa: BLE001 - a damaged entry fails in many ways (pickle, marshal, I/O)
                bucket.reset()

        def dump_bytecode(self, bucket: Any) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    return QuietBytecodeCache
