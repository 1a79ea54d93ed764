"""The one-pass search for trigger words lets through exactly the patterns whose words a text holds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from drafter.signals import _TRIGGERS, _candidates

WORDS = sorted({word for triggers in _TRIGGERS.values() for word in triggers})


def expected(lowered: str) -> set[str]:
    return {key for key, triggers in _TRIGGERS.items() if any(word in lowered for word in triggers)}


# Pieces of trigger words run together make the overlaps that matter: "sending" holds "send" and
# "end", "walked out" holds "walked", "as soon" holds "soon".
pieces = st.one_of(st.sampled_from(WORDS), st.sampled_from(WORDS).map(lambda w: w[1:]),
                   st.sampled_from(WORDS).map(lambda w: w[:-1]), st.sampled_from([" ", "s", "ing", ".", "x"]))


@given(st.lists(pieces, max_size=12).map("".join))
def test_candidates_are_the_keys_whose_words_occur(text):
    assert _candidates(text) == expected(text)


def test_overlapping_words_each_count():
    assert _candidates("sending") == expected("sending") >= {"specific_payment_date", "temporary_issue"}
    assert {"operational_red_flags", "transparency"} <= _candidates("walked out")
    assert _candidates("nothing here") == expected("nothing here")
    assert _candidates("") == frozenset()
