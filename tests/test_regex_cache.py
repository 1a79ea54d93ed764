"""Compiled patterns kept between runs: the same pattern as `re.compile`, or `re.compile` itself."""

from __future__ import annotations

import marshal
import re
import subprocess
import sys

import pytest

from drafter import _regex, signals

SAMPLES = ["They will pay on Friday.", "We can't pay on 12/1; the ERP migration is stuck.",
           "Laid off half the team; no longer answering calls", "ÉTÉ 2026 — payé le 3 décembre", ""]


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(_regex, "_compiled", None)
    monkeypatch.setattr(_regex, "_new", {})
    monkeypatch.setattr(_regex.atexit, "register", lambda function: None)
    return tmp_path / "cache" / "regex"


def next_process() -> None:
    """What a new process sees: the file written, nothing in memory."""
    _regex._save()
    _regex._compiled = None


def drafters_patterns() -> list[tuple[str, int]]:
    sources = [*signals._TEXT_PATTERNS.values(), *signals._CUE_PATTERNS.values()]
    return [(source, flags) for source in sources for flags in (0, re.I)]


def test_every_pattern_of_the_signals_can_be_kept(fresh_cache):
    for source, flags in drafters_patterns():
        assert _regex._parts(source, flags, re.compile(source, flags)) is not None, source[:60]


def test_a_kept_pattern_is_the_pattern_re_compiles(fresh_cache, monkeypatch):
    for source, flags in drafters_patterns():
        _regex.compile(source, flags)
    next_process()
    assert len(list(fresh_cache.glob("*.marshal"))) == 1

    def no_compiling(*args, **kwargs):
        raise AssertionError("compiled although the cache holds the pattern")

    monkeypatch.setattr(_regex.re, "compile", no_compiling)
    kept = [_regex.compile(source, flags) for source, flags in drafters_patterns()]
    monkeypatch.undo()
    for pattern, (source, flags) in zip(kept, drafters_patterns()):
        fresh = re.compile(source, flags)
        assert pattern == fresh and pattern.groupindex == fresh.groupindex
        for text in SAMPLES:
            assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in fresh.finditer(text)]


def test_named_groups_survive(fresh_cache):
    source = r"(?P<day>\d{1,2})/(?P<month>\d{1,2})"
    _regex.compile(source)
    next_process()
    assert _regex.compile(source).match("3/12").groupdict() == {"day": "3", "month": "12"}


@pytest.mark.parametrize("content", [b"", b"not marshal data", b"\xe9" * 40])
def test_a_damaged_file_only_costs_a_compile(fresh_cache, content):
    _regex.compile(r"\bpay\b")
    next_process()
    for path in fresh_cache.glob("*.marshal"):
        path.write_bytes(content)
    assert _regex.compile(r"\bpay\b").search("we pay") is not None


@pytest.mark.parametrize("entry", [marshal.dumps((r"\bpay\b", 0, ("not", "what the compiler makes"))),
                                   marshal.dumps((r"\bpaid\b", 0, (0, [], 0, {}, ()))),  # another pattern's
                                   b"damaged"])
def test_an_unusable_entry_is_compiled_afresh(fresh_cache, entry):
    _regex._compiled = {_regex._key(r"\bpay\b", 0): entry}
    assert _regex.compile(r"\bpay\b").search("we pay").span() == (3, 6)


def test_off_writes_nothing(fresh_cache, monkeypatch):
    monkeypatch.setenv("DRAFTER_CACHE_DIR", "off")
    assert _regex.compile(r"\d+").match("42")
    next_process()
    assert not fresh_cache.exists()


def test_a_command_leaves_its_patterns_for_the_next(tmp_path):
    env = {"DRAFTER_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    probe = "from drafter import _regex; _regex.compile(r'(?i)invoice\\s+#?(\\d+)')"
    subprocess.run([sys.executable, "-c", probe], env=env, check=True)
    [path] = (tmp_path / "regex").glob("*.marshal")
    assert sys.implementation.cache_tag in path.name
    check = ("from drafter import _regex, cache; import re\n"
             "re.compile = None  # any compiling would fail\n"
             "print(_regex.compile(r'(?i)invoice\\s+#?(\\d+)').search('INVOICE #42').group(1))")
    done = subprocess.run([sys.executable, "-c", check], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "42"
