"""Signals from free text (many phrasings, offline) and from structured facts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import AS_OF, make_account
from drafter.signals import GOING_DARK_CONTACTS, detect, promise_outcomes, text_cues, text_signals


def ids(text: str, customer_voice: bool = True) -> set[str]:
    return {signal_id for signal_id, _ in text_signals(text, customer_voice)}


@pytest.mark.parametrize("text", [
    "Payment goes out in Friday's check run.",
    "They will wire on the 15th.",
    "ACH scheduled for Nov 30 once the controller approves.",
    "Dana said both invoices go out in the December 1st payment run.",
    "We'll cut the check on Tuesday.",
    "Funds will be released 12/04.",
    "Payment is scheduled for 2026-12-02.",
    "She'll send payment tomorrow morning.",
])
def test_specific_payment_date(text):
    assert "specific_payment_date" in ids(text)


@pytest.mark.parametrize("text", [
    "We'll get to it soon.",
    "Payment should go out next week.",
    "We can't pay by Friday.",
    "Invoice INV-1042 was due on the 1st.",
    "Reminder sent on Monday.",
])
def test_vague_or_negated_dates_are_not_specific(text):
    assert "specific_payment_date" not in ids(text)


def test_a_date_we_wrote_ourselves_is_not_their_commitment():
    assert "specific_payment_date" not in ids("Reminder: payment due on the 15th.", customer_voice=False)


@pytest.mark.parametrize("text", [
    "Heard they laid off half the warehouse staff.",
    "There were layoffs in October.",
    "Their controller resigned last month.",
    "The Dayton office is closing next month.",
    "They are closing the Tulsa branch.",
    "Rumour is they filed for Chapter 11.",
    "Our contact said several people have left the finance team.",
    "They lost their biggest customer in the spring.",
    "Google lists the Elm Street location as permanently closed.",
])
def test_operational_red_flags(text):
    assert "operational_red_flags" in ids(text)


@pytest.mark.parametrize("text", [
    "We left a voicemail for the controller.",
    "They opened a new office in Austin.",
    "The invoice was closed out in our system.",
])
def test_red_flag_look_alikes(text):
    assert "operational_red_flags" not in ids(text)


@pytest.mark.parametrize("text", [
    "We're paying the vendors who work with us first.",
    "Right now we prioritise suppliers on extended terms.",
    "Our key suppliers come first this quarter.",
    "He said they pay strategic vendors first.",
])
def test_vendor_prioritization(text):
    assert "vendor_prioritization" in ids(text)


def test_transparency_and_proactive_cues():
    assert "transparency" in ids("Dana explained the delay is because of their ERP migration.")
    assert "proactive_contact" in ids("Amara gave us a heads-up before we chased.")
    assert "transparency" not in ids("Reminder sent.")


def test_going_dark_from_notes():
    assert "going_dark" in ids("AP is not returning calls and the voicemail box is full.")


def test_context_cues():
    assert text_cues("The ERP migration held up approvals") == {"temporary_issue"}
    assert "vague_promise" in text_cues("They are working on it and will get back to us.")
    assert text_cues("Invoice sent.") == set()


def test_evidence_is_the_sentence_and_survives_non_ascii_text():
    [(signal_id, excerpt)] = text_signals("Über İstanbul office. They will WIRE on the 15th. Thanks!")
    assert signal_id == "specific_payment_date"
    assert excerpt == "They will WIRE on the 15th."


# ---- structured facts --------------------------------------------------------------------------

def outbound(days_ago: int, responded=False, channel="email"):
    return {"date": (AS_OF - timedelta(days=days_ago)).isoformat(), "channel": channel,
            "direction": "outbound", "summary": "Chased.", "responded": responded}


def test_going_dark_needs_consecutive_unanswered_contacts():
    dark = make_account(40, communications=[outbound(d) for d in (30, 20, 10)])
    [signal] = [s for s in detect(dark, AS_OF) if s.id == "going_dark"]
    assert signal.kind == "acceleration" and f"{GOING_DARK_CONTACTS} outbound contacts" in signal.evidence
    answered = make_account(40, communications=[outbound(30), outbound(20, responded=True), outbound(10)])
    assert "going_dark" not in {s.id for s in detect(answered, AS_OF)}
    reply = {"date": (AS_OF - timedelta(days=5)).isoformat(), "channel": "email", "direction": "inbound",
             "summary": "Looking into it."}
    replied = make_account(40, communications=[outbound(d) for d in (30, 20, 10)] + [reply])
    assert "going_dark" not in {s.id for s in detect(replied, AS_OF)}


def test_pending_promise_past_its_date_without_payment_is_broken():
    lapsed = {"made_on": (AS_OF - timedelta(days=20)).isoformat(),
              "promised_for": (AS_OF - timedelta(days=10)).isoformat(), "amount": "500.00"}
    paid = {"date": (AS_OF - timedelta(days=9)).isoformat(), "amount": "500.00"}
    assert [o.outcome for o in promise_outcomes(make_account(40, promises=[lapsed]), AS_OF)] == ["broken"]
    kept = make_account(40, promises=[lapsed], payments=[paid])
    assert [o.outcome for o in promise_outcomes(kept, AS_OF)] == ["kept"]
    future = dict(lapsed, promised_for=(AS_OF + timedelta(days=3)).isoformat())
    assert [o.outcome for o in promise_outcomes(make_account(40, promises=[future]), AS_OF)] == ["pending"]


def test_each_broken_promise_is_its_own_signal():
    promises = [{"made_on": "2026-09-01", "promised_for": "2026-09-10", "amount": "1.00", "kept": False},
                {"made_on": "2026-10-01", "promised_for": "2026-10-10", "amount": "1.00", "kept": False}]
    signals = [s for s in detect(make_account(40, promises=promises), AS_OF) if s.id == "broken_promise"]
    assert [s.source for s in signals] == ["promises[0]", "promises[1]"]


def test_new_dispute_on_old_invoice():
    late = make_account(60, disputes=[{"invoice": "INV-1", "opened": (AS_OF - timedelta(days=5)).isoformat(),
                                       "reason": "wrong gauge"}])
    [signal] = [s for s in detect(late, AS_OF) if s.id == "new_dispute_on_old_invoice"]
    assert "55 days after it fell due" in signal.evidence and signal.source == "disputes[0]"
    prompt = make_account(60, disputes=[{"invoice": "INV-1", "opened": (AS_OF - timedelta(days=58)).isoformat()}])
    assert "new_dispute_on_old_invoice" not in {s.id for s in detect(prompt, AS_OF)}


def test_proactive_contact_is_an_unprompted_inbound_contact():
    inbound = {"date": (AS_OF - timedelta(days=3)).isoformat(), "channel": "call", "direction": "inbound",
               "summary": "Called about the invoice."}
    assert "proactive_contact" in {s.id for s in detect(make_account(10, communications=[inbound]), AS_OF)}
    chased = make_account(10, communications=[outbound(5), inbound])
    assert "proactive_contact" not in {s.id for s in detect(chased, AS_OF)}


def test_old_reassurance_expires_but_red_flags_last_longer():
    def comm(days_ago, summary):
        return {"date": (AS_OF - timedelta(days=days_ago)).isoformat(), "channel": "email",
                "direction": "inbound", "summary": summary}
    old = make_account(40, communications=[comm(60, "The wire goes out on the 15th."),
                                           comm(60, "We had layoffs in the plant.")])
    found = {s.id for s in detect(old, AS_OF)}
    assert "specific_payment_date" not in found and "operational_red_flags" in found


def test_signal_sources_point_at_the_fact():
    account = make_account(40, notes=["Heard their CFO resigned."], communications=[
        {"date": (AS_OF - timedelta(days=2)).isoformat(), "channel": "email", "direction": "inbound",
         "summary": "We will wire on Friday."}])
    by_id = {s.id: s for s in detect(account, AS_OF)}
    assert by_id["operational_red_flags"].source == "notes[0]"
    assert by_id["specific_payment_date"].source == "communications[0]"
    assert "We will wire on Friday." in by_id["specific_payment_date"].evidence
