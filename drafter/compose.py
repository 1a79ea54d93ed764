"""Drafting end to end: analyse the account, pick the message, write it, check it.

`draft(account)` is the whole pipeline behind `drafter draft`. The writer is the LLM when one is
configured (or asked for), else the offline templates; whichever writes, the guard checks the result,
and only a draft that passed is returned. When the LLM cannot produce a passing draft (unreachable,
unknown model, deadline, or findings that repair rounds did not clear) the offline draft is used and
the reason is recorded in the provenance. If even the offline draft fails the guard, DrafterError.

The LLM client is imported only on the LLM path, so offline drafting never pays for it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .errors import DrafterError, InputError, LLMError
from .models import MESSAGE_KINDS, Account, Assessment, Draft, DraftResult, Provenance, Report
from .policy import Policy, load_policy

if TYPE_CHECKING:
    from .config import Settings

__all__ = ["draft", "adraft", "choose_kind", "BACKENDS"]

BACKENDS = ("auto", "offline", "llm")
Backend = Literal["auto", "offline", "llm"]


def draft(account: Account, *, kind: str | None = None, channel: str | None = None,
          backend: Backend = "auto", policy: Policy | str | None = None, as_of: date | None = None,
          settings: Settings | None = None, templates: str | Path | None = None,
          assessment: Assessment | None = None) -> DraftResult:
    """A checked draft for `account`: the kind the analysis recommends unless `kind` is given.

    backend: "auto" (the LLM if configured, else offline), "offline", or "llm" (falls back to
    offline, with the reason in `result.provenance`, when the LLM cannot produce a passing draft).
    `assessment`: the result of `analyze(account, policy, as_of)` when the caller already has it
    (a batch analyses every account first), so it is not worked out twice.
    """
    plan = _Plan.make(account, kind, channel, backend, policy, as_of, settings, assessment)
    if plan.settings is None:
        return plan.offline(templates, plan.skipped_llm)
    from .llm import compose_llm

    try:
        outcome = compose_llm(account, plan.assessment, plan.kind, plan.channel, plan.policy, plan.settings)
    except LLMError as exc:
        outcome = exc
    return plan.finish(outcome, templates)


async def adraft(account: Account, *, kind: str | None = None, channel: str | None = None,
                 backend: Backend = "auto", policy: Policy | str | None = None,
                 as_of: date | None = None, settings: Settings | None = None,
                 templates: str | Path | None = None, assessment: Assessment | None = None) -> DraftResult:
    """`draft` for asyncio callers: the LLM call runs on the event loop (AsyncOpenAI)."""
    plan = _Plan.make(account, kind, channel, backend, policy, as_of, settings, assessment)
    if plan.settings is None:
        return plan.offline(templates, plan.skipped_llm)
    from .llm import acompose_llm

    try:
        outcome = await acompose_llm(account, plan.assessment, plan.kind, plan.channel, plan.policy,
                                     plan.settings)
    except LLMError as exc:
        outcome = exc
    return plan.finish(outcome, templates)


def choose_kind(assessment: Assessment, kind: str | None = None,
                channel: str | None = None) -> tuple[str, str]:
    """The message kind and channel to draft: the analysis's next action unless overridden.

    A call script is always a call; any other kind asked for by name is an email unless
    `channel="call"`, which gives the call script for that situation.
    """
    if kind is None:
        kind, suggested = assessment.next_action.kind, assessment.next_action.channel
    elif kind not in MESSAGE_KINDS:
        raise InputError(f"unknown message kind {kind!r}; valid: {', '.join(MESSAGE_KINDS)}",
                         field="kind")
    else:
        suggested = "email"
    if kind == "call_script":
        return kind, "call"
    channel = channel or suggested
    if channel not in ("email", "call"):
        raise InputError(f"unknown channel {channel!r}; valid: email, call", field="channel")
    return kind, channel


class _Plan:
    """What one draft needs, worked out once for the sync and async paths."""

    def __init__(self, account: Account, assessment: Assessment, kind: str, channel: str,
                 policy: Policy, settings: Settings | None, skipped_llm: Provenance | None) -> None:
        self.account = account
        self.assessment = assessment
        self.kind = kind
        self.channel = channel
        self.policy = policy
        self.settings = settings  # None: do not call the LLM
        self.skipped_llm = skipped_llm  # set when the LLM was asked for but cannot be used

    @classmethod
    def make(cls, account: Account, kind: str | None, channel: str | None, backend: str,
             policy: Policy | str | None, as_of: date | None, settings: Settings | None,
             assessment: Assessment | None = None) -> _Plan:
        if backend not in BACKENDS:
            raise InputError(f"unknown backend {backend!r}; valid: {', '.join(BACKENDS)}",
                             field="backend")
        from .analysis import analyze

        policy = policy if isinstance(policy, Policy) else load_policy(policy)
        assessment = assessment or analyze(account, policy, as_of)
        kind, channel = choose_kind(assessment, kind, channel)
        skipped = None
        if backend != "offline":
            if settings is None:
                from .config import load_settings

                settings = load_settings()
            if not settings.llm_configured:
                if backend == "llm":
                    skipped = _failed_llm(settings, "no LLM is configured (set DRAFTER_MODEL and "
                                                    "OPENAI_BASE_URL or OPENAI_API_KEY)")
                settings = None
        else:
            settings = None
        return cls(account, assessment, kind, channel, policy, settings, skipped)

    def finish(self, outcome, templates: str | Path | None) -> DraftResult:
        """The LLM's draft if it passes the guard here too; else the offline draft, recording why
        the LLM's was not used (`outcome` is the LLM's result, or the LLMError it raised)."""
        if isinstance(outcome, LLMError):
            return self.offline(templates, _failed_llm(self.settings, str(outcome)))
        result, fallback = self.accept(outcome)
        return result if result is not None else self.offline(templates, fallback)

    def accept(self, outcome) -> tuple[DraftResult | None, Provenance | None]:
        """The LLM's draft as a result if it passes the guard here too; else the fallback record."""
        provenance = outcome.provenance
        if outcome.draft is None:
            return None, _fallen_back(provenance, outcome.reason or "the LLM gave no draft")
        report = self.check(outcome.draft)
        if not report.passed:
            return None, _fallen_back(provenance, "the LLM draft did not pass the guard: "
                                      + _summary(report))
        return self.result(outcome.draft, report, provenance), None

    def offline(self, templates: str | Path | None, fallback: Provenance | None) -> DraftResult:
        from .offline import compose_offline

        written = compose_offline(self.account, self.assessment, self.kind, self.channel, self.policy,
                                  templates=templates)
        report = self.check(written)
        if not report.passed:
            raise DrafterError(f"the offline {self.kind.replace('_', ' ')} for "
                               f"{self.account.customer.name} did not pass the guard: {_summary(report)}")
        return self.result(written, report, fallback or Provenance(backend="offline", attempts=0))

    def check(self, written: Draft) -> Report:
        from .guard import check

        return check(written, self.account, self.policy, tier=self.assessment.tier,
                     as_of=self.assessment.as_of, assessment=self.assessment)

    def result(self, written: Draft, report: Report, provenance: Provenance) -> DraftResult:
        return DraftResult(customer=self.account.customer.name, draft=written, report=report,
                           assessment=self.assessment, provenance=provenance)


def _failed_llm(settings: Settings, reason: str) -> Provenance:
    return Provenance(backend="offline", model=settings.model, attempts=0, fell_back=True,
                      fallback_reason=reason)


def _fallen_back(provenance: Provenance, reason: str) -> Provenance:
    """The LLM's provenance (model, attempts, tokens), marked as fallen back to the offline draft."""
    return provenance.model_copy(update={"backend": "offline", "fell_back": True,
                                         "fallback_reason": reason})


def _summary(report: Report) -> str:
    return "; ".join(f"{f.rule} at {f.start}-{f.end} ({f.excerpt!r}): {f.message}"
                     for f in report.blocking) or "no passing verdict"
