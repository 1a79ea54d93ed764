"""Trigger words read only where words start let through every pattern the full reading would run
and that can match: the signals and cues found are the same."""

from __future__ import annotations

from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafter import signals
from drafter.signals import (_CUE_PATTERNS, _DATE_KEY, _DATE_WORDS, _TEXT_PATTERNS, _TRIGGERS, _candidates,
                             _fold, _keys_to_try, _pattern)

WORDS = sorted({word for triggers in (*_TRIGGERS.values(), _DATE_WORDS) for word in triggers})
PATTERN_KEYS = (*_TEXT_PATTERNS, *_CUE_PATTERNS)
# Words the patterns need around their trigger words, phrases that match, and what comes before
# each: single spaces, punctuation, accented letters or nothing (where a word starts or does not),
# and for some texts other white space or letters whose lower case is longer.
OTHER_WORDS = ["the", "cfo", "has", "have", "month", "year", "off", "down", "offices", "their", "we", "they",
               "can", "me", "us", "through", "who", "work", "first", "friday", "3rd", "12/15", "dec", "ago",
               "with", "on", "it", "be", "is", "of", "day", "now", "why", "that", "erp", "system", "term"]
PHRASES = ["the cfo has left", "laid off", "month-end", "pay on friday", "wire it on the 3rd",
           "because of the erp migration", "paying the vendors who work with them first", "as soon as we can",
           "walked out", "let go", "no longer with the company", "due to the audit", "before we called",
           "reached out first", "any day now", "end of day", "new system", "not returning calls"]
BEFORE_A_WORD = [" ", " ", " ", " ", "", "-", ".", ",", "'", "(", "/", "é", "x", "s", "3"]
OTHER_SPACE = ["  ", "\n", "\t", "\xa0", "İ"]
words = st.sampled_from(WORDS + OTHER_WORDS + PHRASES)
single_spaced = st.lists(st.tuples(st.sampled_from(BEFORE_A_WORD), words).map("".join), max_size=8).map("".join)
any_text = st.lists(st.one_of(st.tuples(st.sampled_from(BEFORE_A_WORD + OTHER_SPACE), words).map("".join),
                              st.sampled_from(OTHER_SPACE)), max_size=8).map("".join)
texts = st.one_of(single_spaced, any_text)


@pytest.fixture
def finder_in_use(monkeypatch):
    """Past the first texts of a run, where the finders take over from substring tests."""
    monkeypatch.setattr(signals, "_texts_read", 10**9)


def matching(text: str, keys: set[str]) -> set[str]:
    folded = _fold(text)
    return {key for key in keys & set(PATTERN_KEYS)
            if _pattern(key, folded.ignore_case).search(folded.folded)}


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # the fixture sets a counter only
@given(texts)
def test_the_keys_that_can_match_are_the_same(finder_in_use, text):
    keys = _keys_to_try(_fold(text))
    everywhere = _candidates(_fold(text).lowered)
    assert keys <= everywhere
    assert matching(text, keys) == matching(text, everywhere)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts)
def test_signals_and_cues_are_the_same(finder_in_use, text):
    with_word_starts = (signals.text_signals(text), signals.text_cues(text))
    with mock.patch.object(signals, "_keys_to_try", lambda folded: _candidates(folded.lowered)):
        assert (signals.text_signals(text), signals.text_cues(text)) == with_word_starts


def test_words_inside_other_words_are_not_read(finder_in_use):
    # "sending" holds "end" (month-end, a temporary issue) inside the word: no pattern meets it there
    assert _keys_to_try(_fold("sending it")) == {"specific_payment_date"}
    assert "temporary_issue" in _candidates("sending it")
    assert _keys_to_try(_fold("a statement")) == set()
    assert _DATE_KEY in _keys_to_try(_fold("pay on monday")) - _keys_to_try(_fold("pay on common"))


# A pattern meets these words across other white space, or a letter that is not lower-cased in
# place ("ſ" matches "s" ignoring case), while the key's trigger words occur only inside words
# ("enclosure", "repayment"): only the reading of every position lets the key through as before.
@pytest.mark.parametrize("text", ["the cfo walked\nout; see the enclosure", "the cfo walked  out; see the enclosure",
                                  "İstanbul: we ſend it friday. repayment plan"])
def test_other_white_space_or_case_folding_reads_every_position(finder_in_use, text):
    every_position = _candidates(" ".join(_fold(text).lowered.split()))
    assert _keys_to_try(_fold(text)) == every_position
    assert matching(text, every_position) - matching(text, _keys_to_word_starts(text))


# Trigger words of two words are written with one space; the patterns allow any white space there,
# so a line break or a double space between the words still lets the key through.
@pytest.mark.parametrize("finder", [False, True])
@pytest.mark.parametrize("text, signal_id", [("The CFO walked\nout last week.", "operational_red_flags"),
                                             ("The CFO walked  out last week.", "operational_red_flags"),
                                             ("Late due\nto the ERP migration.", "transparency"),
                                             ("Late due\r\n to the ERP migration.", "transparency")])
def test_two_word_triggers_across_other_white_space(monkeypatch, finder, text, signal_id):
    monkeypatch.setattr(signals, "_texts_read", signals._FINDER_AFTER_TEXTS if finder else 0)
    assert signal_id in {found for found, _ in signals.text_signals(text)}


def _keys_to_word_starts(text: str) -> set[str]:
    finder, keys_by_word = signals._word_start_finder()
    return set().union(*map(keys_by_word.__getitem__, finder.findall(" " + text.lower())))


def test_the_first_texts_of_a_run_are_read_with_substring_tests(monkeypatch):
    monkeypatch.setattr(signals, "_texts_read", 0)
    assert _keys_to_try(_fold("sending it")) == _candidates("sending it")
