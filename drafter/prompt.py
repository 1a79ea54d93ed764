"""The prompts sent to the LLM: the facts a draft needs, rendered through Jinja2 templates.

Templates are loaded by name from `prompts/` (shipped), or first from a user's folder
(`Settings.prompts_dir`), which is rendered in a sandbox. Every template sees the same `facts`.

Customer-written text (communication summaries, notes, dispute reasons) is redacted, stripped of
anything that looks like our data delimiters, and placed only inside the `<customer_data>` block,
which the prompts label as data never to be obeyed.
"""

from __future__ import annotations

import email.utils
import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from .errors import InputError
from .models import CATEGORY_IDS, Account, Assessment
from .money import format_money
from .offline import DEADLINE_DAYS, FINAL_NOTICE_DAYS, PLAN_START_DAYS
from .policy import Policy
from .redact import redact
from .resources import data_dir

__all__ = ["DATA_OPEN", "DATA_CLOSE", "Prompt", "build_facts", "render_prompt", "render_repair",
           "untrusted_items"]

DATA_OPEN, DATA_CLOSE = "<customer_data>", "</customer_data>"
MAX_UNTRUSTED_ITEMS = 6
MAX_UNTRUSTED_CHARS = 300

_DELIMITER_LOOKALIKE = re.compile(r"</?\s*customer[_ ]?data\s*>", re.IGNORECASE)

CATEGORY_WORDS = {
    "urgency": "pressure words such as urgent or immediately",
    "deadline": "a firm date to pay by",
    "late_fees": "late fees, interest or penalties",
    "suspension": "suspending service, a credit hold or stopping shipments",
    "collections_agency": "handing the debt to an outside collection agency",
    "legal_action": "lawyers, lawsuits, court or liens",
    "credit_reporting": "reporting to credit bureaus",
    "personal_guarantee": "invoking a personal guarantee",
    "repossession": "taking back equipment or goods",
    "abusive": "insults or shaming",
    "criminal_threat": "police, arrest or criminal charges",
    "violence": "any threat of harm",
    "public_shaming": "telling anyone else about the debt",
}

ELEMENT_WORDS = {
    "invoice_number": "the invoice number",
    "amount": "the amount owed, written exactly as given",
    "due_date": "the due date",
    "payment_method": "how to pay (the payment link or a payment method)",
    "deadline_date": "the deadline date",
    "consequence_date": "the date of the consequence",
    "way_back": "how the customer can still avoid the consequence (paying or agreeing a plan)",
    "days_overdue": "how many days overdue the invoice is",
    "debt_collector_disclosure": "that this is a communication from a debt collector",
    "opt_out": "how to stop receiving these e-mails",
    "dispute_reference": "the disputed invoice and that it is under review",
    "plan_terms": "each plan payment with its amount and date",
}


@dataclass(frozen=True)
class Prompt:
    """The chat messages for one request, and the customer-written items they carry."""

    messages: list[dict[str, str]]
    untrusted: list[str]


def render_prompt(account: Account, assessment: Assessment, kind: str, channel: str, policy: Policy,
                  *, output_format: str, prompts_dir: Path | None = None,
                  sender: str | None = None) -> Prompt:
    """System and user messages asking for a `kind` draft; `output_format` is "json" or "text".

    `sender` ("Name <address>") overrides who signs, when the caller has already chosen.
    """
    facts = build_facts(account, assessment, kind, channel, policy, sender=sender)
    env = _environment(prompts_dir)
    context = {"facts": facts, "output_format": output_format, "data_open": DATA_OPEN,
               "data_close": DATA_CLOSE}
    system = _render(env, "system.j2", context)
    user = _render(env, f"{kind}.j2", context)
    return Prompt([{"role": "system", "content": system}, {"role": "user", "content": user}],
                  facts["untrusted"])


def render_repair(findings: list[dict[str, Any]], *, output_format: str,
                  prompts_dir: Path | None = None) -> str:
    """The follow-up user message that lists what was wrong with the previous draft."""
    env = _environment(prompts_dir)
    return _render(env, "repair.j2", {"findings": findings, "output_format": output_format})


def untrusted_items(account: Account) -> list[str]:
    """The customer-written text of an account, newest first, redacted and de-fanged."""
    items = []
    for comm in sorted(account.communications, key=lambda c: c.date, reverse=True):
        if comm.summary:
            items.append(f"{comm.date} {comm.channel} {comm.direction}: {comm.summary}")
    items += [f"note: {note}" for note in reversed(account.notes) if note]
    items += [f"dispute on {d.invoice} ({d.status}): {d.reason}" for d in account.disputes if d.reason]
    cleaned = []
    for item in items[:MAX_UNTRUSTED_ITEMS]:
        text = _DELIMITER_LOOKALIKE.sub("[tag removed]", redact(item).text)
        text = " ".join(text.split())
        if len(text) > MAX_UNTRUSTED_CHARS:
            text = text[:MAX_UNTRUSTED_CHARS].rstrip() + " ..."
        cleaned.append(text)
    return cleaned


def build_facts(account: Account, assessment: Assessment, kind: str, channel: str,
                policy: Policy, *, sender: str | None = None) -> dict[str, Any]:
    """Only the facts a draft of `kind` needs, as ready-written strings."""
    currency = assessment.currency or "USD"
    money = functools.partial(format_money, currency=currency)
    open_invoices = [i for i in assessment.invoices if i.balance > 0]
    focus = _focus_invoice(assessment)
    stage = policy.stage(assessment.tier, disputed=assessment.approach == "pause_dispute")
    allowed = [c for c in assessment.allowed_categories if c in CATEGORY_IDS]
    sender_name, sender_title = _sender(assessment, account, policy, sender)
    facts: dict[str, Any] = {
        "kind": kind,
        "channel": channel,
        "company": policy.message.company_name,
        "sender_name": sender_name,
        "sender_title": sender_title,
        "billing_email": policy.message.billing_email,
        "phone": policy.message.phone,
        "customer": account.customer.name,
        "industry": account.customer.industry.replace("_", " "),
        "recipients": assessment.recipients or [c.name for c in account.contacts[:1]],
        "cc": assessment.cc,
        "tier": assessment.tier,
        "tone": assessment.tone,
        "approach": assessment.approach.replace("_", " "),
        "as_of": _day(assessment.as_of),
        "invoices": [_invoice_facts(i, money) for i in open_invoices[:5]],
        "focus": _invoice_facts(focus, money) if focus else None,
        "total": money(assessment.total_balance) if assessment.total_balance is not None else None,
        "payment_link": account.terms.payment_link,
        "payment_methods": ", ".join(account.terms.payment_methods),
        "allowed": [CATEGORY_WORDS[c] for c in allowed],
        "forbidden": [CATEGORY_WORDS[c] for c in CATEGORY_IDS if c not in allowed],
        "required": [ELEMENT_WORDS[e] for e in stage.require if e in ELEMENT_WORDS],
        "deadline": None,
        "consequence": None,
        "promise": _promise_facts(account, money),
        "last_payment": _last_payment(account, money),
        "disputes": [f"{d.invoice} (opened {d.opened})" for d in account.disputes if d.status == "open"],
        "plan": None,
        "untrusted": untrusted_items(account),
    }
    as_of = assessment.as_of
    if assessment.tier == 3:
        facts["deadline"] = _day(as_of + timedelta(days=DEADLINE_DAYS))
    if assessment.tier >= 4:
        facts["consequence"] = _consequence(allowed, policy, as_of)
    if kind == "payment_plan_proposal" and focus:
        facts["plan"] = _plan(assessment, focus, policy, as_of, currency)
    return facts


def _focus_invoice(assessment: Assessment):
    """The invoice the draft is about: the named oldest one, else the oldest open undisputed one."""
    open_invoices = [i for i in assessment.invoices if i.balance > 0]
    for invoice in open_invoices:
        if invoice.number == assessment.oldest_invoice:
            return invoice
    undisputed = [i for i in open_invoices if not i.disputed]
    pool = undisputed or open_invoices
    return min(pool, key=lambda i: i.due) if pool else None


def _invoice_facts(invoice, money) -> dict[str, Any]:
    return {
        "number": invoice.number,
        "amount": money(invoice.amount),
        "balance": money(invoice.balance),
        "due": _day(invoice.due),
        "days_past_due": max(invoice.days_past_due, 0),
        "disputed": invoice.disputed,
    }


def _sender(assessment: Assessment, account: Account, policy: Policy,
            chosen: str | None) -> tuple[str, str]:
    message = policy.message
    role = assessment.sender_role
    if chosen:
        name = email.utils.parseaddr(chosen)[0] or chosen
        titles = {message.executive: message.executive_title,
                  message.finance_leader: message.finance_leader_title}
        if account.collector and account.collector.name == name:
            return name, account.collector.title or "Accounts Receivable"
        return name, titles.get(name, "")
    if role == "executive":
        return message.executive, message.executive_title
    if role == "finance_leader":
        return message.finance_leader, message.finance_leader_title
    if role == "collector" and account.collector:
        return account.collector.name, account.collector.title or "Accounts Receivable"
    return message.billing_team, ""


def _promise_facts(account: Account, money) -> str | None:
    if not account.promises:
        return None
    promise = max(account.promises, key=lambda p: p.made_on)
    state = {True: "kept", False: "broken", None: "pending"}[promise.kept]
    method = f" by {promise.method}" if promise.method else ""
    return (f"on {_day(promise.made_on)} they promised {money(promise.amount)}{method} "
            f"for {_day(promise.promised_for)} ({state})")


def _last_payment(account: Account, money) -> str | None:
    if not account.payments:
        return None
    payment = max(account.payments, key=lambda p: p.date)
    invoice = f" for {payment.invoice}" if payment.invoice else ""
    return f"{money(payment.amount)} on {_day(payment.date)}{invoice}"


def _consequence(allowed: list[str], policy: Policy, as_of: date) -> dict[str, str] | None:
    for category in ("suspension", "collections_agency", "late_fees", "legal_action", "credit_reporting"):
        if category in allowed and category in policy.remedies:
            return {"what": CATEGORY_WORDS[category],
                    "date": _day(as_of + timedelta(days=FINAL_NOTICE_DAYS))}
    return None


def _plan(assessment: Assessment, focus, policy: Policy, as_of: date, currency: str) -> list[str] | None:
    from .plans import split_plan

    try:
        plan = split_plan(focus.balance, as_of + timedelta(days=PLAN_START_DAYS), currency, policy.offers)
    except InputError:
        return None
    return [f"{plan.money(i.amount)} on {_day(i.due)}" for i in plan.instalments]


def _day(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


# ---- templates ---------------------------------------------------------------------------------

@functools.lru_cache(maxsize=8)
def _environment(prompts_dir: Path | None):
    import jinja2
    import jinja2.sandbox

    shipped = jinja2.FileSystemLoader(str(data_dir("prompts")))
    if prompts_dir is None:
        return jinja2.Environment(loader=shipped, undefined=jinja2.StrictUndefined, autoescape=False,
                                  keep_trailing_newline=False, trim_blocks=True, lstrip_blocks=True)
    if not Path(prompts_dir).is_dir():
        raise InputError("not a folder of prompt templates", file=str(prompts_dir))
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(prompts_dir)), shipped])
    return jinja2.sandbox.SandboxedEnvironment(loader=loader, undefined=jinja2.StrictUndefined,
                                               autoescape=False, trim_blocks=True, lstrip_blocks=True)


def _render(env, name: str, context: dict[str, Any]) -> str:
    import jinja2

    try:
        text = env.get_template(name).render(context)
    except jinja2.TemplateNotFound:
        raise InputError("no such prompt template", file=name) from None
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(f"template syntax: {exc.message}", file=exc.filename or name,
                         line=exc.lineno) from None
    except (jinja2.UndefinedError, jinja2.sandbox.SecurityError) as exc:
        raise InputError(str(exc), file=name) from None
    return re.sub(r"\n{3,}", "\n\n", text).strip()
