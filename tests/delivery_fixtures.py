"""Hand-built drafting results for the audit log and review tests (independent of the drafting code)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from drafter.models import (Assessment, Draft, DraftResult, Factor, Factors, Finding, NextAction,
                            Provenance, Report)

AS_OF = date(2026, 11, 23)


def make_report(passed: bool = True, text: str = "", tier: int = 1) -> Report:
    findings = []
    if not passed:
        start = max(text.find("lawyers"), 0)
        findings.append(Finding(rule="stage.legal_action", category="legal_action", severity="block",
                                start=start, end=start + 7, excerpt=text[start:start + 7] or "lawyers",
                                message="legal action is not allowed at this stage",
                                suggestion="leave out the legal threat"))
    return Report(passed=passed, tier=tier, policy="default", findings=findings)


def make_assessment(customer: str = "Acme Corp") -> Assessment:
    factor = Factor(level="medium")
    return Assessment(
        as_of=AS_OF, customer=customer, tier=1, tier_reason="oldest invoice 12 days late",
        days_past_due=12, oldest_invoice="INV-1", currency="USD",
        balances={"USD": Decimal("100.00")}, overdue_balances={"USD": Decimal("100.00")},
        total_balance=Decimal("100.00"), invoices=[], write_off_review=False,
        factors=Factors(value=factor, history=factor, context=factor, risk=factor), signals=[],
        approach="standard_escalation", approach_reason="", tone="friendly", sender_role="billing_team",
        recipients=["Dana Lee"], cc=[],
        next_action=NextAction(action="send reminder", kind="reminder", channel="email", due=AS_OF),
        allowed_categories=[],
    )


def make_result(customer: str = "Acme Corp", *, passed: bool = True, body: str | None = None,
                backend: str = "offline", fell_back: bool = False) -> DraftResult:
    body = body or f"Hello,\n\nInvoice INV-1 for $100.00 is 12 days past due.\n\nThanks, {customer} billing"
    draft = Draft(kind="reminder", channel="email", subject="Invoice INV-1", body=body,
                  to=["Dana Lee <dana@acme.example>"])
    provenance = Provenance(backend=backend, model="test-model" if backend == "llm" else None,
                            attempts=2 if backend == "llm" else 0,
                            repair_rounds=1 if backend == "llm" else 0, fell_back=fell_back,
                            fallback_reason="model kept failing the guard" if fell_back else None)
    return DraftResult(customer=customer, draft=draft, report=make_report(passed, draft.text()),
                       assessment=make_assessment(customer), provenance=provenance)


def generated_account(index: int, *, as_of: date = AS_OF) -> dict:
    """A plausible account as JSON data; `index` decides its size, currency and how late it is."""
    from datetime import timedelta

    days_late = (-5, 12, 45, 75, 120)[index % 5]
    currency = "EUR" if index % 10 == 1 else "USD"
    due = as_of - timedelta(days=days_late)
    amount = f"{1000 + (index * 137) % 9000}.{(index * 2) % 100:02d}"
    name = f"Customer {index:05d} Ltd"
    slug = f"customer{index:05d}"
    return {
        "as_of": as_of.isoformat(),
        "customer": {"name": name, "industry": "general", "annual_revenue": "60000",
                     "customer_since": "2020-01-15"},
        "contacts": [{"name": f"Alex Rivera {index}", "email": f"ap@{slug}.example", "role": "ap"}],
        "invoices": [{"number": f"INV-{index:05d}", "amount": amount, "currency": currency,
                      "issued": (due - timedelta(days=30)).isoformat(), "due": due.isoformat()}],
        "payments": [{"date": "2026-05-20", "amount": "500.00", "currency": currency,
                      "invoice": f"INV-{index:05d}-0", "days_late": 2}],
        "terms": {"payment_link": f"https://pay.example.com/{slug}"},
    }
