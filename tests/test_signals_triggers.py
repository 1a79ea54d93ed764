"""The one-pass search for trigger words lets through exactly the patterns whose words a text holds."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafter import signals
from drafter.signals import _DATE_KEY, _DATE_WORDS, _TRIGGERS, _candidates, text_signals

WORDS_BY_KEY = {**_TRIGGERS, _DATE_KEY: _DATE_WORDS}
WORDS = sorted({word for triggers in WORDS_BY_KEY.values() for word in triggers})


def expected(lowered: str) -> set[str]:
    return {key for key, triggers in WORDS_BY_KEY.items() if any(word in lowered for word in triggers)}


# Pieces of trigger words run together make the overlaps that matter: "sending" holds "send" and
# "end", "walked out" holds "walked", "as soon" holds "soon".
pieces = st.one_of(st.sampled_from(WORDS), st.sampled_from(WORDS).map(lambda w: w[1:]),
                   st.sampled_from(WORDS).map(lambda w: w[:-1]), st.sampled_from([" ", "s", "ing", ".", "x"]))


@pytest.fixture(params=["substring tests", "one-pass finder"])
def reading(request, monkeypatch):
    """The first texts of a run are read with substring tests, later ones with the finder: both."""
    monkeypatch.setattr(signals, "_texts_read", 0 if request.param == "substring tests" else 10**9)
    monkeypatch.setattr(signals, "_FINDER_AFTER_TEXTS", 10**9 if request.param == "substring tests" else 0)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # `reading` sets constants only
@given(st.lists(pieces, max_size=12).map("".join))
def test_candidates_are_the_keys_whose_words_occur(reading, text):
    assert _candidates(text) == expected(text)


def test_overlapping_words_each_count(reading):
    assert _candidates("sending") == expected("sending") >= {"specific_payment_date", "temporary_issue"}
    assert {"operational_red_flags", "transparency"} <= _candidates("walked out")
    assert _candidates("nothing here") == expected("nothing here")
    assert _candidates("") == set()


@pytest.mark.parametrize("text", [
    "Payment goes out Monday.", "We pay on the 3rd.", "Paying tonight.", "Wire by end of day.",
    "Payment run is Thursday.", "ACH on ３/４.", "PAYMENT ON FRIDAY, İstanbul office.",
])
def test_payment_dates_still_found_with_the_date_check(text):
    assert [signal_id for signal_id, _ in text_signals(text)] == ["specific_payment_date"]


def test_no_payment_date_without_a_date():
    assert text_signals("They are paying the vendors who work with them first.")[0][0] == "vendor_prioritization"
    assert not text_signals("Reminder sent with the payment link.")


def test_text_signals_keep_only_the_last_of_each_id():
    # reading texts and contacts from the last one relies on it: none of these is kept once per fact
    from drafter.signals import _PER_FACT, _TEXT_PATTERNS

    assert not _PER_FACT & (set(_TEXT_PATTERNS) | {"proactive_contact"})
