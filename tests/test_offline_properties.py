"""Property: for any account, at any tier, in any industry, every offline draft passes the guard."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafter.analysis import analyze
from drafter.errors import InputError
from drafter.guard import check
from drafter.models import INDUSTRIES, MESSAGE_KINDS, Account
from drafter.offline import compose_offline
from drafter.policy import load_policy

AS_OF = date(2026, 11, 23)
FIRST = ["Dana", "Sam", "Lena", "Marcus", "Ines", "Tom", "Zoë", "Ravi"]
LAST = ["Lee", "Ortiz", "Novak", "Brandt", "Okafor", "Hughes", "Müller", "Shah"]

amounts = st.decimals(min_value=Decimal("50.00"), max_value=Decimal("400000.00"), places=2)


@st.composite
def accounts(draw):
    industry = draw(st.sampled_from(INDUSTRIES))
    currency = draw(st.sampled_from(["USD", "EUR", "GBP"]))
    count = draw(st.integers(min_value=1, max_value=4))
    invoices = []
    for n in range(count):
        amount = draw(amounts)
        days_past_due = draw(st.integers(min_value=-25, max_value=200))  # every tier
        due = AS_OF - timedelta(days=days_past_due)
        paid = draw(st.sampled_from([Decimal("0"), Decimal("0"), (amount / 3).quantize(Decimal("0.01"))]))
        invoices.append({"number": f"INV-{2000 + 37 * n}", "amount": str(amount), "currency": currency,
                         "issued": (due - timedelta(days=30)).isoformat(), "due": due.isoformat(),
                         "balance": str(amount - paid)})
    names = draw(st.lists(st.tuples(st.sampled_from(FIRST), st.sampled_from(LAST)), min_size=0, max_size=3,
                          unique=True))
    contacts = [{"name": f"{f} {l}", "email": f"{f.lower()}.{l.lower()}@customer.example".replace("ë", "e")
                 .replace("ü", "u"), "role": role, "decision_maker": role == "cfo"}
                for (f, l), role in zip(names, ["ap", "cfo", "controller"])]
    disputes = []
    if draw(st.booleans()) and draw(st.booleans()):
        disputes.append({"invoice": invoices[0]["number"], "opened": (AS_OF - timedelta(days=10)).isoformat(),
                         "reason": "quantities billed do not match the delivery notes", "status": "open"})
    promises = []
    if draw(st.booleans()):
        promises.append({"made_on": (AS_OF - timedelta(days=20)).isoformat(),
                         "promised_for": (AS_OF - timedelta(days=draw(st.integers(-10, 12)))).isoformat(),
                         "amount": invoices[0]["balance"], "kept": draw(st.sampled_from([False, None]))})
    payments = []
    if draw(st.booleans()):
        payments.append({"date": (AS_OF - timedelta(days=60)).isoformat(), "amount": str(draw(amounts)),
                         "currency": currency, "invoice": "INV-1001", "days_late": draw(st.integers(0, 40))})
    terms = {"payment_link": draw(st.sampled_from([None, "https://pay.northwind.example/c"])),
             "late_fee": draw(st.sampled_from([None, "1.5% per month"])),
             "personal_guarantee": draw(st.booleans()),
             "rental_equipment": industry == "equipment_rental" and draw(st.booleans()),
             "lien_rights": industry == "construction" and draw(st.booleans()),
             "service_suspension": draw(st.sampled_from([None, True, False]))}
    if terms["lien_rights"] and draw(st.booleans()):
        terms["lien_deadline"] = (AS_OF + timedelta(days=draw(st.integers(-5, 60)))).isoformat()
    data = {
        "as_of": AS_OF.isoformat(),
        "customer": {"name": draw(st.sampled_from(["Acme Corp", "Brightline Builders LLC", "Kühne Logistik GmbH",
                                                   "O'Neil Staffing", "Pinewood Clinics"])),
                     "industry": industry, "annual_revenue": str(draw(amounts)),
                     "strategic": draw(st.booleans())},
        "contacts": contacts, "invoices": invoices, "payments": payments, "promises": promises,
        "disputes": disputes, "terms": terms,
    }
    if draw(st.booleans()):
        data["collector"] = {"name": "Jordan Reyes", "email": "jordan.reyes@northwind.example"}
    if draw(st.booleans()):
        data["account_owner"] = {"name": "Priya Shah", "email": "priya.shah@northwind.example"}
    return Account.model_validate(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(accounts(), st.sampled_from(["default", "construction", "equipment-rental", "saas", "uk-b2b"]))
def test_every_offline_draft_of_a_generated_account_passes_the_guard(account, pack):
    policy = load_policy(pack)
    assessment = analyze(account, policy)
    open_invoices = [i for i in assessment.invoices if i.balance > 0]
    if not open_invoices:
        kinds = ["payment_thank_you"]
    else:
        kinds = MESSAGE_KINDS
    all_disputed = all(i.disputed for i in open_invoices)
    for kind in kinds:
        for channel in ("email", "call"):
            if all_disputed and channel == "email" and kind not in ("dispute_acknowledgement",
                                                                    "payment_thank_you", "call_script"):
                with pytest.raises(InputError, match="every open invoice is under dispute"):
                    compose_offline(account, assessment, kind, channel, policy)
                continue
            draft = compose_offline(account, assessment, kind, channel, policy)
            report = check(draft, account, policy, tier=assessment.tier, as_of=assessment.as_of,
                           assessment=assessment)
            assert report.passed, (assessment.tier, assessment.approach, kind, channel,
                                   [(f.rule, f.excerpt, f.message) for f in report.blocking], draft.text())
