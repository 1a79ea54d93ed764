"""The offline composer: drafts from drafter's own Jinja2 templates, with no LLM.

`compose_offline` turns an account and its assessment into a `Draft` of the requested kind. The
templates (one per message kind, plus `call_script.j2` for phone calls, sharing `_macros.j2`) get
a context of facts already formatted exactly as the account states them, so every amount, invoice
number, date and name in a draft passes the guard's grounding rule. Wording varies from account to
account, but deterministically: the same account on the same day always gets the same draft.

A user may pass their own template folder: its files override the shipped ones by name and are
rendered in a sandbox.
"""

from __future__ import annotations

import functools
import hashlib
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from .cache import template_bytecode_cache
from .errors import InputError
from .models import MESSAGE_KINDS, SENDER_ROLES, Account, Assessment, Draft, InvoiceStatus
from .money import format_money
from .plans import PaymentPlan, plan_options
from .policy import Policy
from .resources import data_dir

__all__ = ["compose_offline", "template_environment", "DEADLINE_DAYS", "FINAL_NOTICE_DAYS",
           "PLAN_START_DAYS"]

DEADLINE_DAYS = 14  # a tier 3 deadline: two weeks from the day the draft is written
FINAL_NOTICE_DAYS = 10  # a tier 4 consequence takes effect ten days after the notice
PLAN_START_DAYS = 7  # the first payment of a proposed plan falls a week out

DISCLOSURE = ("This communication is from a debt collector. It is an attempt to collect a debt, and any "
              "information obtained will be used for that purpose.")
OPT_OUT = ("If you would prefer not to receive emails from us about this account, reply with "
           "\"unsubscribe\" and we will contact you by mail instead.")

# The sender a kind calls for at least, whatever the tier says (an escalation comes from a leader).
_KIND_SENDER = {"executive_escalation": "finance_leader", "final_notice": "executive"}

# Consequences in the order each industry reaches for them; only those the policy's remedies list
# and the account's stage permit are used.
_CONSEQUENCE_ORDER = {
    "saas": ("suspension", "collections_agency", "credit_reporting", "legal_action"),
    "construction": ("legal_action", "collections_agency", "credit_reporting", "suspension"),
    "equipment_rental": ("repossession", "suspension", "collections_agency", "legal_action"),
    "staffing": ("suspension", "collections_agency", "legal_action", "credit_reporting"),
    "freight": ("suspension", "collections_agency", "legal_action", "credit_reporting"),
}
_DEFAULT_ORDER = ("collections_agency", "suspension", "legal_action", "credit_reporting",
                  "personal_guarantee")


def compose_offline(account: Account, assessment: Assessment, kind: str, channel: str,
                    policy: Policy, *, templates: str | Path | None = None) -> Draft:
    """A draft of `kind` ("call" channel: a call script) written from templates, without an LLM.

    `templates` is a folder whose `*.j2` files override the shipped templates of the same name.
    """
    if kind not in MESSAGE_KINDS:
        raise InputError(f"unknown message kind {kind!r}; valid: {', '.join(MESSAGE_KINDS)}",
                         field="kind")
    if kind == "call_script":
        channel = "call"
    if channel not in ("email", "call"):
        raise InputError(f"unknown channel {channel!r}; valid: email, call", field="channel")
    if kind != "payment_thank_you" and not any(i.balance > 0 for i in assessment.invoices):
        raise InputError(f"nothing is open on the account, so there is no {kind.replace('_', ' ')} to "
                         "write; payment_thank_you is the only kind that fits", field="kind")
    if (channel == "email" and kind not in ("dispute_acknowledgement", "payment_thank_you")
            and all(i.disputed for i in assessment.invoices if i.balance > 0)):
        raise InputError(f"every open invoice is under dispute, so there is nothing to ask for in a "
                         f"{kind.replace('_', ' ')}; write a dispute_acknowledgement instead", field="kind")
    context = _context(account, assessment, kind, channel, policy)
    name = "call_script.j2" if channel == "call" else f"{kind}.j2"
    environment = template_environment(str(templates) if templates else None)
    subject, body = _split_subject(_tidy(environment.get_template(name).render(context)))
    sender = context["sender"]
    return Draft(kind=kind, channel=channel, subject=subject, body=body,
                 to=[_address(p["name"], p["email"]) for p in context["recipients"]],
                 cc=[_address(p["name"], p["email"]) for p in context["cc"]],
                 sender=_address(sender["name"], sender["email"]))


@functools.lru_cache(maxsize=8)
def template_environment(folder: str | None = None):
    """The Jinja2 environment for the shipped templates, or a sandboxed one for a user's folder
    (its templates first, the shipped ones behind them). Cached: templates compile once."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    shipped = jinja2.FileSystemLoader(str(data_dir("templates")))
    options = dict(undefined=jinja2.StrictUndefined, autoescape=False, trim_blocks=True,
                   lstrip_blocks=True, keep_trailing_newline=False)
    if folder is None:
        cache = template_bytecode_cache(repr(sorted(options.items())) + repr(sorted(_FILTERS)))
        environment = jinja2.Environment(loader=shipped, bytecode_cache=cache, **options)
    else:
        if not Path(folder).is_dir():
            raise InputError("template folder not found", file=folder)
        loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(folder), shipped])
        environment = SandboxedEnvironment(loader=loader, **options)
    environment.filters.update(_FILTERS)
    return environment


def _end_sentence(text: str) -> str:
    """`text` closed with a full stop, without doubling one it already ends with ("Co.")."""
    return text if text.endswith((".", "!", "?")) else text + "."


_FILTERS = {"period": _end_sentence}


# ---- the facts a template may use ---------------------------------------------------------------

def _context(account: Account, assessment: Assessment, kind: str, channel: str,
             policy: Policy) -> dict[str, Any]:
    as_of = assessment.as_of
    open_invoices = [i for i in assessment.invoices if i.balance > 0]
    disputed = [i for i in open_invoices if i.disputed]
    payable = [i for i in open_invoices if not i.disputed]
    overdue = [i for i in payable if i.days_past_due > 0]
    focus = overdue or payable  # disputed invoices are never asked for: they are on hold
    in_dispute = assessment.approach == "pause_dispute"  # the guard applies its dispute stage then
    stage = "dispute" if in_dispute else ("courtesy", "gentle", "personal", "firm", "final")[
        max(0, min(assessment.tier, 4))]
    required = set(policy.stage(assessment.tier, in_dispute).require)
    seed = _seed(account, assessment, kind, channel)
    first_names = not (stage in ("firm", "final") or assessment.tone in ("firm", "final"))
    recipients = [_person(name, account, policy) for name in assessment.recipients] or [
        {"name": None, "email": None, "title": None, "phone": None}]
    deadline = as_of + timedelta(days=DEADLINE_DAYS)
    consequence = _consequence(account, assessment, policy, as_of) if stage == "final" else None
    focus_total = _single_currency_total(focus)
    plans_allowed = (stage not in ("dispute",) and assessment.tier >= policy.offers.plan_from_tier
                     and focus_total is not None)
    plans = (plan_options(focus_total[0], as_of + timedelta(days=PLAN_START_DAYS), focus_total[1],
                          policy.offers) if plans_allowed else [])
    sender = _sender(account, assessment, kind, policy)
    return {
        "kind": kind,
        "channel": channel,
        "stage": stage,
        "tier": assessment.tier,
        "approach": assessment.approach,
        "tone": assessment.tone,
        "industry": account.customer.industry,
        "required": sorted(required),
        "company": policy.message.company_name,
        "billing_team": policy.message.billing_team,
        "billing_email": policy.message.billing_email,
        "company_phone": policy.message.phone,
        "signature": policy.message.signature,
        "disclosure": _jurisdiction_text(policy, "disclosure", DISCLOSURE),
        "opt_out": _jurisdiction_text(policy, "opt_out", OPT_OUT),
        "customer": account.customer.name,
        "greeting_names": _names_phrase([_greeting_name(p["name"], first_names) for p in recipients
                                         if p["name"]]),
        "recipients": [p for p in recipients if p["name"]],
        "decision_maker": _decision_maker(account),
        "cc": [_person(name, account, policy) for name in assessment.cc],
        "account_owner": _staff(account.account_owner),
        "sender": sender,
        "caller": sender["name"] if sender["personal"] else f"the {sender['name']}",
        "as_of": _day(as_of),
        "days_past_due": assessment.days_past_due,
        "focus": [_invoice(i) for i in focus],
        "focus_total": format_money(*focus_total) if focus_total else _mixed_total(focus),
        "focus_count": len(focus),
        "overdue": [_invoice(i) for i in overdue],
        "upcoming": [_invoice(i) for i in payable if i.days_past_due <= 0],
        "disputed": [_invoice(i) for i in disputed],
        "disputes": [_dispute(d, account) for d in account.disputes if d.status == "open"],
        "oldest": _invoice((focus or disputed or open_invoices)[0]) if open_invoices else None,
        "pay": _payment_ways(account),
        "deadline": _day(deadline),
        "consequence": consequence,
        "plans": [_plan(p) for p in plans],
        "max_plan_months": policy.offers.max_plan_months,
        "signals": sorted({s.id for s in assessment.signals}),
        "last_payment": _last_payment(account),
        "pending_promise": _promise(account, kept=None),
        "broken_promise": _promise(account, kept=False),
        "lien_deadline": _day(account.terms.lien_deadline) if account.terms.lien_deadline else None,
        "objections": _objections(account, assessment),
        "choose": _chooser(seed),
    }


def _jurisdiction_text(policy: Policy, name: str, default: str) -> str:
    """The wording a jurisdiction pack prescribes (disclosure, opt-out line), else drafter's own."""
    jurisdiction = getattr(policy, "jurisdiction", None)
    return getattr(jurisdiction, name, None) or default


def _seed(account: Account, assessment: Assessment, kind: str, channel: str) -> str:
    key = f"{account.customer.id or account.customer.name}|{assessment.as_of}|{kind}|{channel}"
    return hashlib.sha256(key.encode()).hexdigest()


def _chooser(seed: str):
    """`choose(slot, a, b, ...)`: one option per named slot, the same every run for this account."""
    def choose(slot: str, *options: Any) -> Any:
        digest = hashlib.sha256(f"{seed}|{slot}".encode()).digest()
        return options[int.from_bytes(digest[:4], "big") % len(options)]
    return choose


_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")


def _day(day: date) -> str:
    """A date as people write it in English, whatever the machine's locale: October 1, 2026."""
    return f"{_MONTH_NAMES[day.month - 1]} {day.day}, {day.year}"


def _invoice(status: InvoiceStatus) -> dict[str, Any]:
    return {
        "number": status.number,
        "amount": format_money(status.amount, status.currency),
        "balance": format_money(status.balance, status.currency),
        "partly_paid": status.balance < status.amount,
        "due": _day(status.due),
        "days_past_due": status.days_past_due,
        "days_until_due": -status.days_past_due,
        "disputed": status.disputed,
    }


def _single_currency_total(invoices: list[InvoiceStatus]) -> tuple[Decimal, str] | None:
    currencies = {i.currency for i in invoices}
    if len(currencies) != 1:
        return None
    return sum((i.balance for i in invoices), Decimal("0.00")), currencies.pop()


def _mixed_total(invoices: list[InvoiceStatus]) -> str:
    totals: dict[str, Decimal] = {}
    for invoice in invoices:
        totals[invoice.currency] = totals.get(invoice.currency, Decimal("0.00")) + invoice.balance
    return _names_phrase([format_money(amount, currency) for currency, amount in sorted(totals.items())])


def _names_phrase(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _greeting_name(name: str, first_name_only: bool) -> str:
    return name.split()[0] if first_name_only else name


def _person(name: str, account: Account, policy: Policy) -> dict[str, Any]:
    """A name from the assessment, with the address and title the account or the policy gives it."""
    for contact in account.contacts:
        if contact.name == name:
            return {"name": name, "email": contact.email, "title": contact.title, "phone": contact.phone}
    for staff in (account.account_owner, account.collector):
        if staff is not None and staff.name == name:
            return _staff(staff)
    message = policy.message
    leaders = {message.finance_leader: message.finance_leader_title,
               message.executive: message.executive_title}
    if name in leaders:
        return {"name": name, "email": None, "title": leaders[name], "phone": message.phone}
    return {"name": name, "email": None, "title": None, "phone": None}


def _staff(staff) -> dict[str, Any] | None:
    if staff is None:
        return None
    return {"name": staff.name, "email": staff.email, "title": staff.title, "phone": staff.phone}


def _decision_maker(account: Account) -> dict[str, Any] | None:
    for contact in account.contacts:
        if contact.decision_maker:
            return {"name": contact.name, "title": contact.title, "role": contact.role}
    return None


def _sender(account: Account, assessment: Assessment, kind: str, policy: Policy) -> dict[str, Any]:
    role = assessment.sender_role
    floor = _KIND_SENDER.get(kind)
    if floor and SENDER_ROLES.index(floor) > SENDER_ROLES.index(role):
        role = floor
    message = policy.message
    team = {"name": message.billing_team, "title": None, "email": message.billing_email,
            "phone": message.phone, "role": "billing_team", "personal": False}
    if role == "collector":
        collector = account.collector
        if collector is None:
            return team
        # The collector's own job title is left out: titles such as "Collections Specialist" read
        # to the guard as a referral to a collection agency, which early stages forbid.
        return {"name": collector.name, "title": None, "role": role, "personal": True,
                "email": collector.email or message.billing_email, "phone": collector.phone or message.phone}
    if role == "finance_leader":
        return {"name": message.finance_leader, "title": message.finance_leader_title, "role": role,
                "email": message.billing_email, "phone": message.phone, "personal": True}
    if role == "executive":
        return {"name": message.executive, "title": message.executive_title, "role": role,
                "email": message.billing_email, "phone": message.phone, "personal": True}
    return team


def _payment_ways(account: Account) -> dict[str, Any]:
    terms = account.terms
    return {"link": terms.payment_link, "methods": _names_phrase(terms.payment_methods).replace(
        " and ", " or ") if terms.payment_methods else None, "remit_to": terms.remit_to}


def _dispute(dispute, account: Account) -> dict[str, Any]:
    invoice = next(i for i in account.invoices if i.number == dispute.invoice) if any(
        i.number == dispute.invoice for i in account.invoices) else None
    part = format_money(dispute.amount, invoice.currency if invoice else "USD") if dispute.amount else None
    return {"invoice": dispute.invoice, "opened": _day(dispute.opened), "reason": dispute.reason,
            "amount": part}


def _last_payment(account: Account) -> dict[str, Any] | None:
    if not account.payments:
        return None
    payment = max(account.payments, key=lambda p: p.date)
    return {"amount": format_money(payment.amount, payment.currency), "date": _day(payment.date),
            "invoice": payment.invoice, "method": payment.method}


def _promise(account: Account, kept: bool | None) -> dict[str, Any] | None:
    matching = [p for p in account.promises if p.kept is kept]
    if not matching:
        return None
    promise = max(matching, key=lambda p: (p.made_on, p.promised_for))
    currency = next((i.currency for i in account.invoices if i.number == promise.invoice),
                    account.invoices[0].currency)
    return {"amount": format_money(promise.amount, currency), "made_on": _day(promise.made_on),
            "promised_for": _day(promise.promised_for), "invoice": promise.invoice,
            "method": promise.method}


def _plan(plan: PaymentPlan) -> dict[str, Any]:
    return {"kind": plan.kind, "total": plan.money(plan.total), "count": len(plan.instalments),
            "payments": [{"amount": plan.money(i.amount), "due": _day(i.due)} for i in plan.instalments]}


def _consequence(account: Account, assessment: Assessment, policy: Policy,
                 as_of: date) -> dict[str, Any] | None:
    """The one consequence a final notice names: one the company uses and this account's stage allows."""
    usable = set(policy.remedies) & set(assessment.allowed_categories)
    lien_deadline = account.terms.lien_deadline
    order = _CONSEQUENCE_ORDER.get(account.customer.industry, _DEFAULT_ORDER)
    for category in order + _DEFAULT_ORDER:
        if category not in usable:
            continue
        on = as_of + timedelta(days=FINAL_NOTICE_DAYS)
        lien = category == "legal_action" and account.terms.lien_rights
        if lien and lien_deadline is not None:
            if lien_deadline <= as_of + timedelta(days=1):
                continue  # too late to file: a lien is no longer a real remedy
            on = min(on, lien_deadline - timedelta(days=1))
        return {"category": category, "date": _day(on), "lien": lien,
                "industry": account.customer.industry}
    return None


def _objections(account: Account, assessment: Assessment) -> list[str]:
    """The objections a caller should be ready for on this account, most likely first."""
    signals = {s.id for s in assessment.signals}
    chosen = []
    if any(p.kept is False for p in account.promises) or "broken_promise" in signals:
        chosen.append("vague_promises")
    if account.disputes or "new_dispute_on_old_invoice" in signals:
        chosen.append("invoice_problem")
    if assessment.tier >= 2 or signals & {"operational_red_flags", "vendor_prioritization",
                                          "partial_payment"}:
        chosen.append("cash_flow")
    if account.payments or "partial_payment" in signals:
        chosen.append("already_paid")
    if "going_dark" in signals or any(c.responded is False for c in account.communications):
        chosen.append("payer_out")
    if assessment.tier <= 2 and not any(c.direction == "inbound" for c in account.communications):
        chosen.append("never_received")
    if assessment.tier <= 1:
        chosen.append("forgot")
    for fallback in ("never_received", "payer_out", "cash_flow"):
        if len(chosen) >= 3:
            break
        if fallback not in chosen:
            chosen.append(fallback)
    return chosen[:5]


# ---- output -------------------------------------------------------------------------------------

def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _split_subject(text: str) -> tuple[str | None, str]:
    first, _, rest = text.partition("\n")
    if first.startswith("Subject:"):
        return first.removeprefix("Subject:").strip(), rest.lstrip("\n")
    return None, text


def _address(name: str | None, email: str | None) -> str:
    if email and name:
        shown = f'"{name}"' if re.search(r'[,;:<>@()\[\]"]', name) else name
        return f"{shown} <{email}>"
    return email or name or ""
