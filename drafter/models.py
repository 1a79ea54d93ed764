"""The domain model: an account's facts (input), and what drafter says about it (output).

Input models forbid unknown keys, so a typo in an account file fails loudly instead of being ignored.
Money is `Decimal` (see `drafter.money`), dates are `datetime.date`.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, SkipValidation,
                      ValidationInfo, field_validator, model_validator)

from .money import parse_amount, parse_currency

__all__ = [
    "INDUSTRIES", "CATEGORY_IDS", "APPROACHES", "MESSAGE_KINDS", "SENDER_ROLES", "TONES",
    "Money", "Currency", "Customer", "Contact", "StaffMember", "Invoice", "Payment", "Promise",
    "Dispute", "Communication", "Terms", "Account",
    "Signal", "Factor", "Factors", "InvoiceStatus", "NextAction", "Flag", "Assessment",
    "Draft", "Finding", "Report", "Provenance", "DraftResult",
]

INDUSTRIES = ("general", "saas", "construction", "equipment_rental", "freight", "staffing",
              "manufacturing", "wholesale", "professional_services", "healthcare", "other")
CATEGORY_IDS = ("urgency", "deadline", "late_fees", "suspension", "collections_agency",
                "legal_action", "credit_reporting", "personal_guarantee", "repossession", "abusive",
                "criminal_threat", "violence", "public_shaming")
APPROACHES = ("patience", "direct_conversation", "standard_escalation", "accelerated_escalation",
              "pause_dispute")
MESSAGE_KINDS = ("upcoming_reminder", "reminder", "personal_follow_up", "executive_escalation",
                 "final_notice", "dispute_acknowledgement", "payment_plan_proposal",
                 "promise_confirmation", "broken_promise_follow_up", "payment_thank_you", "call_script")
SENDER_ROLES = ("billing_team", "collector", "finance_leader", "executive")
TONES = ("friendly", "helpful", "curious", "firm", "final")


# Empty defaults come from these rather than from `list` and `dict`: pydantic reads a builtin's
# signature by tokenizing text (milliseconds at start-up), and copies a literal [] for every
# instance with copy.deepcopy (microseconds per validation).
def empty_list() -> list[Any]:
    return []


def empty_dict() -> dict[str, Any]:
    return {}


def _non_negative(amount: Decimal) -> Decimal:
    if amount < 0:
        raise ValueError("must not be negative")
    return amount


Money = Annotated[Decimal, BeforeValidator(parse_amount), AfterValidator(_non_negative)]
Currency = Annotated[str, BeforeValidator(parse_currency)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class Customer(_Input):
    name: str = Field(min_length=1)
    industry: Literal[INDUSTRIES] = "general"  # type: ignore[valid-type]
    annual_revenue: Money | None = None
    customer_since: date | None = None
    strategic: bool = False
    still_ordering: bool | None = None
    growing: bool | None = None
    id: str | None = None
    timezone: str | None = None


class Contact(_Input):
    name: str = Field(min_length=1)
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = None
    role: str = "ap"  # ap, controller, cfo, ceo, owner, operations, ...
    title: str | None = None
    decision_maker: bool = False


class StaffMember(_Input):
    """Someone on our side: the account owner (sales), the collector, or a finance leader."""

    name: str = Field(min_length=1)
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    title: str | None = None
    phone: str | None = None


class Invoice(_Input):
    number: str = Field(min_length=1)
    amount: Money
    currency: Currency = "USD"
    issued: date
    due: date
    balance: Money | None = None  # defaults to amount: nothing paid yet
    po_number: str | None = None
    description: str | None = None

    @field_validator("due")
    @classmethod
    def _due_after_issued(cls, due: date, info: ValidationInfo) -> date:
        issued = info.data.get("issued")
        if issued is not None and due < issued:
            raise ValueError(f"due ({due}) must not be before issued ({issued})")
        return due

    @field_validator("balance")
    @classmethod
    def _balance_within_amount(cls, balance: Decimal | None, info: ValidationInfo) -> Decimal | None:
        amount = info.data.get("amount")
        if balance is not None and amount is not None and balance > amount:
            raise ValueError(f"balance ({balance}) must not exceed amount ({amount})")
        return balance

    @model_validator(mode="after")
    def _default_balance(self) -> "Invoice":
        if self.balance is None:
            self.balance = self.amount
        return self

    @property
    def open_balance(self) -> Decimal:
        return self.balance if self.balance is not None else self.amount


class Payment(_Input):
    date: date
    amount: Money
    currency: Currency = "USD"
    invoice: str | None = None
    days_late: int | None = None
    method: str | None = None


class Promise(_Input):
    made_on: date
    promised_for: date
    amount: Money
    kept: bool | None = None  # None while still pending
    invoice: str | None = None
    method: str | None = None

    @model_validator(mode="after")
    def _after_made(self) -> "Promise":
        if self.promised_for < self.made_on:
            raise ValueError(f"promised_for ({self.promised_for}) is before made_on ({self.made_on})")
        return self


class Dispute(_Input):
    invoice: str = Field(min_length=1)
    opened: date
    reason: str = ""
    status: Literal["open", "resolved", "rejected"] = "open"
    resolved_on: date | None = None
    amount: Money | None = None  # the disputed part; None means the whole invoice


class Communication(_Input):
    date: date
    channel: Literal["email", "call", "voicemail", "letter", "meeting", "sms", "portal", "note"]
    direction: Literal["inbound", "outbound"]
    summary: str = ""
    responded: bool | None = None
    contact: str | None = None


class Terms(_Input):
    payment_link: str | None = None
    net_days: int | None = Field(default=None, ge=0)
    late_fee: str | None = None  # the clause as agreed, e.g. "1.5% per month"; None: no late fees
    personal_guarantee: bool = False
    rental_equipment: bool = False
    lien_rights: bool = False
    lien_deadline: date | None = None
    service_suspension: bool | None = None  # None: whatever the policy pack says for the industry
    payment_methods: list[str] = Field(default_factory=lambda: ["ACH", "card", "check"])
    remit_to: str | None = None


class Account(_Input):
    as_of: date | None = None
    customer: Customer
    contacts: list[Contact] = Field(default_factory=empty_list)
    invoices: list[Invoice] = Field(min_length=1)
    payments: list[Payment] = Field(default_factory=empty_list)
    promises: list[Promise] = Field(default_factory=empty_list)
    disputes: list[Dispute] = Field(default_factory=empty_list)
    communications: list[Communication] = Field(default_factory=empty_list)
    terms: Terms = Field(default_factory=Terms)
    notes: list[str] = Field(default_factory=empty_list)  # free text by the collector or the customer
    account_owner: StaffMember | None = None
    collector: StaffMember | None = None
    company_total_ar: Money | None = None  # our whole receivables book, for the share of AR

    @model_validator(mode="after")
    def _unique_invoice_numbers(self) -> "Account":
        seen: set[str] = set()
        for invoice in self.invoices:
            if invoice.number in seen:
                raise ValueError(f"invoice number {invoice.number!r} appears more than once")
            seen.add(invoice.number)
        return self

    def effective_as_of(self, override: date | None = None) -> date:
        """The day the account is looked at: an explicit override, then the file's `as_of`, then today."""
        return override or self.as_of or date.today()


# ---- analysis output ---------------------------------------------------------------------------

class _Output(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Signal(_Output):
    id: str  # proactive_contact, specific_payment_date, ..., going_dark, broken_promise, ...
    kind: Literal["patience", "acceleration"]
    evidence: str  # what was seen, in words
    source: str  # where: "communications[3]", "promises[0]", "payments", "notes[1]"


class Factor(_Output):
    level: str  # value: high|medium|low; history: strong|mixed|poor|declining|none; ...
    facts: list[str] = Field(default_factory=empty_list)
    # made by the analysis itself: checking each entry again cost 2% of an analysis
    metrics: SkipValidation[dict[str, Any]] = Field(default_factory=empty_dict)


class Factors(_Output):
    value: Factor
    history: Factor
    context: Factor
    risk: Factor


class InvoiceStatus(_Output):
    number: str
    currency: str
    amount: Decimal
    balance: Decimal
    due: date
    days_past_due: int  # negative while not yet due
    tier: int
    disputed: bool
    paused: bool  # disputed invoices are paused: no demand while the dispute is open


class NextAction(_Output):
    action: str  # e.g. "send reminder", "call decision maker"
    kind: str  # the message kind to draft, one of MESSAGE_KINDS
    channel: Literal["email", "call"]
    due: date


class Flag(_Output):
    id: str  # nothing_overdue, mixed_currency, executive_signoff_required, write_off_review, ...
    message: str


class Assessment(_Output):
    as_of: date
    customer: str
    tier: int
    tier_reason: str
    days_past_due: int  # of the oldest unpaid, undisputed invoice; 0 when nothing is overdue
    oldest_invoice: str | None
    currency: str | None  # None when balances are in several currencies
    balances: dict[str, Decimal]  # open balance per currency
    overdue_balances: dict[str, Decimal]
    total_balance: Decimal | None  # None when currencies are mixed: amounts are never added across them
    invoices: list[InvoiceStatus]
    write_off_review: bool
    factors: Factors
    signals: list[Signal]
    approach: str  # one of APPROACHES
    approach_reason: str
    tone: str  # one of TONES
    sender_role: str  # one of SENDER_ROLES
    sender_name: str | None = None  # who signs: the collector, finance leader, executive or team name
    recipients: list[str]  # contact names to address
    cc: list[str]  # names (ours and theirs) to copy
    next_action: NextAction
    allowed_categories: list[str]  # content categories the stage permits for this account
    flags: list[Flag] = Field(default_factory=empty_list)


# ---- drafts and guard reports ------------------------------------------------------------------

class Draft(_Output):
    """A message ready for checking: an email, or a call script (channel "call")."""

    kind: str = "reminder"
    channel: Literal["email", "call"] = "email"
    subject: str | None = None
    body: str
    to: list[str] = Field(default_factory=empty_list)
    cc: list[str] = Field(default_factory=empty_list)
    sender: str | None = None

    def text(self) -> str:
        """The text the guard checks and its spans point into: the subject line, then the body."""
        if self.subject:
            return f"Subject: {self.subject}\n\n{self.body}"
        return self.body


class Finding(_Output):
    rule: str
    category: str | None  # a content category id, or None for rules that are not about content
    severity: Literal["block", "warn"]
    start: int  # character span in Draft.text()
    end: int
    excerpt: str
    message: str
    suggestion: str | None = None


class Report(_Output):
    passed: bool  # no blocking finding
    tier: int
    policy: str
    findings: list[Finding] = Field(default_factory=empty_list)

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "block"]


# ---- drafting results --------------------------------------------------------------------------

class Provenance(_Output):
    """How a draft came to be: which backend, how many tries, and why it fell back if it did."""

    backend: Literal["offline", "llm"]
    model: str | None = None
    attempts: int = 1  # model calls made (first draft + repairs), 0 for offline
    repair_rounds: int = 0
    fell_back: bool = False
    fallback_reason: str | None = None
    structured_output: str | None = None  # json_schema | json_object | text (LLM only)
    prompt_tokens: int = 0
    completion_tokens: int = 0


class DraftResult(_Output):
    """A draft that has passed through the guard, with its report and how it was made."""

    customer: str
    draft: Draft
    report: Report
    assessment: Assessment
    provenance: Provenance
