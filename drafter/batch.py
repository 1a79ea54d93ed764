"""Batch drafting: one checked draft per account, written to a folder, with a summary by aging bucket.

    plan = plan_batch(["accounts/", "aging.csv"], "out/")   # reads, analyses, sees what is done
    outcomes = run_batch(plan, on_done=print)                # drafts the rest
    summary = summarize(plan, outcomes)                      # by aging bucket, as data

What lands in the folder, per account (`<name>` is the customer's name made safe for a file name):

- `<name>.txt` and/or `<name>.eml`: the message, only when the guard passed it;
- `<name>.json`, written last: the account, the full drafting result and the inputs hash. Its presence
  with the same inputs hash means "done": a re-run skips the account.

Every file is written whole or not at all (`drafter.files.write_atomic`), so a batch killed at any
moment resumes where it stopped, with nothing lost, duplicated or half-written. With the offline
backend, drafting is spread over `jobs` worker processes (`drafter batch`: one per CPU by default;
1, the library's default, drafts in this process), which write each account's files; this process keeps the outcomes, in plan order whatever
`jobs` is, and the audit log, written a few hundred drafts per transaction. A draft whose record
was written but not yet logged when the batch was killed is logged when the batch resumes. With
the LLM backend, drafts run concurrently (at most `concurrency` at once).
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import functools
import gc
import hashlib
import io
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Literal, NamedTuple

from .errors import DeliveryError, DrafterError, InputError
from .files import ensure_folder, file_stem, remove_stale_temps, write_atomic
from .models import Account, Assessment, DraftResult
from .money import format_money
from .policy import Policy
from .store import DraftEntry

__all__ = ["Job", "Outcome", "Plan", "plan_batch", "run_batch", "summarize", "summary_text",
           "summary_csv", "write_summary", "RECORD_VERSION"]

RECORD_VERSION = 1
EMITS = ("txt", "eml", "both")
_RESERVED_STEMS = {"summary"}
_CHUNK_MOST = 16  # accounts a worker drafts per request: fewer round trips, yet an even spread
_LOG_EVERY = 200  # drafts per audit-log transaction


@dataclass(frozen=True)
class Job:
    """An account to draft: where it came from, what the analysis says, and where its files go."""

    label: str
    account: Account
    assessment: Assessment
    inputs_hash: str
    stem: str


@dataclass(frozen=True)
class Outcome:
    """What became of one account. `status`: passed, fell_back (the LLM failed; the offline draft
    passed), or failed (no draft passed the guard, or drafting raised an error: see `reason`)."""

    label: str
    customer: str
    tier: int
    balances: dict[str, Decimal]
    kind: str
    status: Literal["passed", "fell_back", "failed"]
    files: tuple[str, ...] = ()
    already_done: bool = False
    reason: str | None = None


@dataclass
class Plan:
    out_dir: Path
    policy: Policy
    policy_ref: str  # how to load the policy again: a pack name or an absolute file path
    backend: str  # offline or llm (auto already resolved)
    settings: Any = None
    as_of: date | None = None
    emit: str = "txt"
    concurrency: int = 8
    jobs: int = 1  # worker processes for the offline backend; 1: draft in this process
    log: Any = None  # drafter.store.AuditLog, or None for no audit log
    todo: list[Job] = field(default_factory=list)
    done: list[Outcome] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (label, message) of bad accounts


def plan_batch(inputs: list[str], out_dir: str | Path, *, backend: str = "auto",
               policy: str | None = None, as_of: date | None = None, settings: Any = None,
               emit: str = "txt", concurrency: int = 8, jobs: int = 1, log: Any = None,
               on_error: Callable[[str, str], None] | None = None) -> Plan:
    """Read and analyse every account in `inputs`, and sort them into done (a completed record with
    the same inputs hash is already in `out_dir`) and to do. Bad accounts are collected in
    `Plan.errors` (and passed to `on_error`) and left out. `jobs`: worker processes for offline
    drafting; the default, 1, drafts in this process (forking is the calling program's choice:
    a program with threads of its own may not be safe to fork). `drafter.workers.default_jobs()`
    is one per CPU this process may use, the `drafter batch` default."""
    from .policy import load_policy
    if emit not in EMITS:
        raise InputError(f"unknown --emit {emit!r}; valid: {', '.join(EMITS)}")
    if concurrency < 1:
        raise InputError("concurrency must be at least 1")
    loaded = load_policy(policy)
    plan = Plan(out_dir=Path(out_dir), policy=loaded, policy_ref=_policy_ref(policy, loaded),
                backend=_resolve_backend(backend, settings), settings=settings, as_of=as_of,
                emit=emit, concurrency=concurrency,
                jobs=_checked_jobs(jobs), log=log)

    def bad(label: str, message: str) -> None:
        plan.errors.append((label, message))
        if on_error:
            on_error(label, message)

    with _collector_paused():
        candidates = _analysed(inputs, loaded, as_of, bad)
        _prepare_folder(plan.out_dir)
        stems = _stems(candidates)
        _sort_out(plan, [Job(*candidate, stem) for candidate, stem in zip(candidates, stems)])
    return plan


def _analysed(inputs: list[str], policy: Policy, as_of: date | None,
              bad: Callable[[str, str], None]) -> list[tuple[str, Account, Assessment, str]]:
    """(label, account, assessment, inputs hash) of every account that reads and analyses."""
    from .analysis import analyze
    from .store import inputs_hasher

    inputs_hash = inputs_hasher(policy)
    candidates = []
    for label, account in _read_inputs(inputs, bad):
        try:
            assessment = analyze(account, policy, as_of)
        except DrafterError as exc:
            bad(label, str(exc))
            continue
        candidates.append((label, account, assessment,
                           inputs_hash(account, assessment.next_action.kind, assessment.as_of)))
    return candidates


def _sort_out(plan: Plan, jobs: list[Job]) -> None:
    """Each job into `plan.done` (its record is in the folder) or `plan.todo`."""
    records = [_record(plan, job) for job in jobs]
    logged = set() if plan.log is None else plan.log.logged_inputs(
        [job.inputs_hash for job, record in zip(jobs, records) if record is not None])
    for job, record in zip(jobs, records):
        finished = None if record is None else _finished(plan, job, record, logged)
        if finished is None:
            plan.todo.append(job)
        else:
            plan.done.append(finished)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection in the block. Planning builds a few hundred objects per account
    that all live on; each full collection would scan every one of them again, which took a third
    of the planning time. Reference counting still frees the temporary ones."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def _collector_skips_what_exists() -> Iterator[None]:
    """Garbage collection in the block leaves out every object alive when it starts: the plan, above
    all, which each full collection would otherwise scan again (a quarter of a second per thousand
    accounts). Worker processes forked in the block inherit this, so their collections do not touch,
    and so copy, the pages they share with this one. A program that froze objects itself
    (gc.freeze) keeps its own arrangement."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _checked_jobs(jobs: int) -> int:
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise InputError(f"jobs must be a whole number, at least 1 (got {jobs!r})")
    return jobs


def _read_inputs(inputs: list[str], bad: Callable[[str, str], None]):
    from .aging import iter_accounts

    for path in inputs:
        try:
            for label, item in iter_accounts(path):
                if isinstance(item, InputError):
                    bad(label, str(item))
                else:
                    yield label, item
        except InputError as exc:
            bad(str(path), str(exc))


def _resolve_backend(backend: str, settings: Any) -> str:
    if backend not in ("auto", "offline", "llm"):
        raise InputError(f"unknown backend {backend!r}; valid: auto, offline, llm")
    configured = bool(settings is not None and settings.llm_configured)
    if backend == "llm" and not configured:
        raise InputError("the llm backend needs a model and an endpoint: set DRAFTER_MODEL and "
                         "OPENAI_BASE_URL or OPENAI_API_KEY (or use --backend offline)")
    if backend == "auto":
        return "llm" if configured else "offline"
    return backend


def _policy_ref(requested: str | None, policy: Policy) -> str:
    if requested and Path(requested).is_file():
        return str(Path(requested).resolve())
    return requested or policy.name


def _prepare_folder(out_dir: Path) -> None:
    ensure_folder(out_dir)
    try:
        remove_stale_temps(out_dir)
    except OSError as exc:
        raise DeliveryError(f"cannot write to {out_dir}: {exc.strerror or exc}") from None


def _stems(candidates: list[tuple[str, Account, Assessment, str]]) -> list[str]:
    """A file name per account from its customer's name; names two accounts share (or that a summary
    file uses) get a short hash of the account's label, so they stay unique and stable."""
    slugs = [file_stem(account.customer.name) for _, account, _, _ in candidates]
    counts = Counter(slugs)
    stems = []
    for (label, _, _, _), slug in zip(candidates, slugs):
        if counts[slug] > 1 or slug in _RESERVED_STEMS:
            slug = f"{slug}-{hashlib.sha256(label.encode()).hexdigest()[:8]}"
        stems.append(slug)
    return stems


def _record(plan: Plan, job: Job) -> Any:
    """The record in the folder for `job`, if there is one that parses; else None."""
    try:
        return json.loads((plan.out_dir / f"{job.stem}.json").read_bytes())
    except (OSError, ValueError):
        return None


def _finished(plan: Plan, job: Job, record: Any, logged: set[str]) -> Outcome | None:
    """The outcome `record` says `job` had, if it was made from the same inputs; `logged`: the
    inputs hashes the audit log has a draft for (this adds the ones it logs)."""
    try:
        if record["inputs_hash"] != job.inputs_hash:
            return None
        status, draft = record["status"], record["result"]["draft"]
        files = _message_files(plan, job, draft["channel"])
    except (KeyError, TypeError):  # not a record this version wrote: draft the account again
        return None
    unlogged = plan.log is not None and job.inputs_hash not in logged
    if unlogged or not all((plan.out_dir / name).exists() for name in files):
        result = DraftResult.model_validate(record["result"])
        if unlogged:  # the run that wrote this record was stopped before logging it
            plan.log.record_draft(result, source=job.label, inputs_hash=job.inputs_hash,
                                  policy=plan.policy_ref)
            logged.add(job.inputs_hash)
        files = list(_save(plan, job, result))  # this run asks for other formats (--emit)
    return _outcome(job, status, draft["kind"], tuple(files), already_done=True)


def _outcome(job: Job, status: str, kind: str, files: tuple[str, ...] = (), *,
             already_done: bool = False, reason: str | None = None) -> Outcome:
    return Outcome(label=job.label, customer=job.account.customer.name, tier=job.assessment.tier,
                   balances=dict(job.assessment.balances), kind=kind, status=status, files=files,
                   already_done=already_done, reason=reason)


# ---- drafting ------------------------------------------------------------------------------------

def run_batch(plan: Plan, *, on_done: Callable[[Outcome], None] | None = None,
              jobs: int | None = None) -> list[Outcome]:
    """Draft every job in `plan.todo`, writing each account's files as soon as it is drafted.
    Outcomes come back (and `on_done` is called) in plan order. `jobs` overrides `plan.jobs`.

    A draft that raises a drafter error is a failed outcome (retried on the next run); a file that
    cannot be written (full disk, unwritable folder) stops the batch with DeliveryError."""
    notify = on_done or (lambda outcome: None)
    if plan.backend == "llm":
        return asyncio.run(_run_concurrently(plan, notify))
    outcomes = []
    with _LogWriter(plan.log) as log, _collector_skips_what_exists():
        for job, drafted in _drafted(plan, plan.jobs if jobs is None else _checked_jobs(jobs)):
            log.add(drafted.entry)
            outcome = _outcome(job, drafted.status, drafted.kind, drafted.files, reason=drafted.reason)
            outcomes.append(outcome)
            notify(outcome)
    return outcomes


class _Drafted(NamedTuple):
    """What drafting one account gave: small, so a worker process sends it back cheaply."""

    status: str
    kind: str
    files: tuple[str, ...] = ()
    reason: str | None = None
    entry: DraftEntry | None = None  # for the audit log; None when there is no log or no draft


def _drafted(plan: Plan, jobs: int) -> Iterator[tuple[Job, _Drafted]]:
    """Every job in `plan.todo` with what drafting it gave, in plan order: drafted in this process,
    or by up to `jobs` worker processes, a range of accounts at a time."""
    from .workers import Workers, can_fork

    spans = _spans(len(plan.todo), jobs)
    if jobs == 1 or len(spans) < 2 or not can_fork():
        for job in plan.todo:
            yield job, _draft_one(plan, job)
        return
    finished: dict[int, list[_Drafted]] = {}
    next_span = 0
    with Workers(min(jobs, len(spans)), functools.partial(_draft_span, plan)) as workers:
        for index, drafted in workers.map(spans):
            finished[index] = drafted
            while next_span in finished:
                start = spans[next_span][0]
                for offset, one in enumerate(finished.pop(next_span)):
                    yield plan.todo[start + offset], one
                next_span += 1


def _spans(count: int, jobs: int) -> list[tuple[int, int]]:
    """`range(count)` cut into (start, stop) spans: several per worker, at most _CHUNK_MOST long."""
    size = max(1, min(_CHUNK_MOST, count // (jobs * 4)))
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def _draft_span(plan: Plan, span: tuple[int, int]) -> list[_Drafted]:
    """Runs in a worker process."""
    return [_draft_one(plan, plan.todo[index]) for index in range(*span)]


def _draft_one(plan: Plan, job: Job) -> _Drafted:
    """Draft, check and save one account, and make its audit-log entry ready."""
    from .compose import draft
    from .store import draft_entry

    try:
        result = draft(job.account, kind=job.assessment.next_action.kind,
                       channel=job.assessment.next_action.channel, backend=plan.backend,
                       policy=plan.policy, as_of=plan.as_of, settings=plan.settings,
                       assessment=job.assessment)
    except DeliveryError:
        raise
    except DrafterError as exc:
        return _Drafted("failed", job.assessment.next_action.kind, reason=str(exc))
    files = _save(plan, job, result)
    entry = None if plan.log is None else draft_entry(result, source=job.label,
                                                      inputs_hash=job.inputs_hash,
                                                      policy=plan.policy_ref)
    return _Drafted(_status(result), result.draft.kind, files, entry=entry)


class _LogWriter:
    """Audit-log entries, written _LOG_EVERY per transaction, and the rest on leaving the block,
    whether the batch finished or stopped. Each entry's record is already on disk, so a batch killed
    before its entries are written loses none: the next run logs them (see `_finished`)."""

    def __init__(self, log: Any) -> None:
        self.log, self.entries = log, []

    def add(self, entry: DraftEntry | None) -> None:
        if entry is not None:
            self.entries.append(entry)
            if len(self.entries) >= _LOG_EVERY:
                self.flush()

    def flush(self) -> None:
        if self.entries:  # there are none without a log
            entries, self.entries = self.entries, []
            self.log.record_drafts(entries)

    def __enter__(self) -> _LogWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.flush()
            return
        try:
            self.flush()
        except DrafterError:
            pass  # the error already on its way out says more


async def _run_concurrently(plan: Plan, notify: Callable[[Outcome], None]) -> list[Outcome]:
    from .compose import adraft

    gate = asyncio.Semaphore(plan.concurrency)

    async def one(job: Job) -> Outcome:
        async with gate:
            try:
                result = await adraft(job.account, kind=job.assessment.next_action.kind,
                                      channel=job.assessment.next_action.channel,
                                      backend=plan.backend, policy=plan.policy, as_of=plan.as_of,
                                      settings=plan.settings, assessment=job.assessment)
            except DeliveryError:
                raise
            except DrafterError as exc:
                return _outcome(job, "failed", job.assessment.next_action.kind, reason=str(exc))
        files = await asyncio.to_thread(_save, plan, job, result)
        return _log(plan, job, result, files)

    tasks = [asyncio.create_task(one(job)) for job in plan.todo]
    outcomes = []
    try:
        for finished in asyncio.as_completed(tasks):
            outcome = await finished
            outcomes.append(outcome)
            notify(outcome)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return outcomes


def _status(result: DraftResult) -> str:
    # compose returns only drafts that passed the guard; it raises when none does
    return "fell_back" if result.provenance.fell_back else "passed"


def _message_files(plan: Plan, job: Job, channel: str) -> list[str]:
    """The message files `--emit` asks for: a call script is always text."""
    files = []
    if plan.emit in ("eml", "both") and channel == "email":
        files.append(f"{job.stem}.eml")
    if plan.emit in ("txt", "both") or channel != "email":
        files.append(f"{job.stem}.txt")
    return files


def _save(plan: Plan, job: Job, result: DraftResult) -> tuple[str, ...]:
    """The message file(s) first, then the record that marks the account done; returns the file
    names of the message(s)."""
    files = _message_files(plan, job, result.draft.channel)
    for name in files:
        if name.endswith(".eml"):
            from .eml import to_eml

            write_atomic(plan.out_dir / name, to_eml(result, plan.policy), durable=False)
        else:
            write_atomic(plan.out_dir / name, result.draft.text() + "\n", durable=False)
    write_atomic(plan.out_dir / f"{job.stem}.json", _record_json(plan, job, result, files),
                 durable=False)
    return tuple(files)


def _record_json(plan: Plan, job: Job, result: DraftResult, files: list[str]) -> str:
    """The record as one line of compact JSON. The account and result are written out by pydantic
    directly: the same text as json.dumps of their model_dump, at a third of the cost."""
    head = {"version": RECORD_VERSION, "label": job.label, "inputs_hash": job.inputs_hash,
            "policy": plan.policy_ref, "status": _status(result), "files": files}
    return (json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
            + ',"account":' + job.account.model_dump_json(exclude_none=True)
            + ',"result":' + result.model_dump_json() + "}\n")


def _log(plan: Plan, job: Job, result: DraftResult, files: tuple[str, ...]) -> Outcome:
    """Log one LLM draft as soon as it is made: a handful a second, not worth batching."""
    if plan.log is not None:
        plan.log.record_draft(result, source=job.label, inputs_hash=job.inputs_hash,
                              policy=plan.policy_ref)
    return _outcome(job, _status(result), result.draft.kind, files)


# ---- the summary -------------------------------------------------------------------------------

def summarize(plan: Plan, outcomes: list[Outcome]) -> dict[str, Any]:
    """The batch by aging bucket, as JSON-ready data: accounts, open balance per currency (amounts
    in different currencies are never added together), the kinds of message drafted, and how many
    drafts passed, fell back to offline, or failed."""
    everything = plan.done + outcomes
    buckets = []
    for tier in range(5):
        rows = [o for o in everything if o.tier == tier]
        buckets.append({"tier": tier, "bucket": _bucket_name(plan.policy, tier), **_figures(rows)})
    return {
        "out_dir": str(plan.out_dir),
        "policy": plan.policy_ref,
        "backend": plan.backend,
        "as_of": plan.as_of.isoformat() if plan.as_of else None,
        "accounts": len(everything),
        "drafted": len(outcomes),
        "already_done": len(plan.done),
        "unreadable": len(plan.errors),
        "buckets": buckets,
        "total": {"tier": None, "bucket": "Total", **_figures(everything)},
        "errors": [{"label": label, "message": message} for label, message in plan.errors],
        "failures": [{"label": o.label, "reason": o.reason} for o in everything if o.status == "failed"],
    }


def _bucket_name(policy: Policy, tier: int) -> str:
    return policy.tier_days(tier) or "current"


def _figures(rows: list[Outcome]) -> dict[str, Any]:
    balances: dict[str, Decimal] = {}
    for row in rows:
        for currency, amount in row.balances.items():
            balances[currency] = balances.get(currency, Decimal("0.00")) + amount
    statuses = Counter(row.status for row in rows)
    return {
        "accounts": len(rows),
        "balances": {currency: str(balances[currency]) for currency in sorted(balances)},
        "actions": dict(sorted(Counter(row.kind for row in rows).items(), key=lambda kv: (-kv[1], kv[0]))),
        "passed": statuses["passed"],
        "fell_back": statuses["fell_back"],
        "failed": statuses["failed"],
    }


def _money_cell(balances: dict[str, str]) -> str:
    if not balances:
        return "-"
    return " + ".join(format_money(Decimal(amount), currency) for currency, amount in balances.items())


def _actions_cell(actions: dict[str, int]) -> str:
    return ", ".join(f"{kind.replace('_', ' ')} {count}" for kind, count in actions.items()) or "-"


def summary_text(summary: dict[str, Any]) -> str:
    """The summary as a table for a terminal."""
    header = ("Aging bucket", "Accounts", "Balance", "Action taken", "Passed", "Fell back", "Failed")
    rows = [header]
    for bucket in summary["buckets"] + [summary["total"]]:
        actions = "" if bucket is summary["total"] else _actions_cell(bucket["actions"])
        rows.append((bucket["bucket"], str(bucket["accounts"]), _money_cell(bucket["balances"]),
                     actions, str(bucket["passed"]),
                     str(bucket["fell_back"]), str(bucket["failed"])))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    numeric = {1, 4, 5, 6}
    lines = []
    for index, row in enumerate(rows):
        if index == len(rows) - 1:
            lines.append("  ".join("-" * w for w in widths))
        cells = [cell.rjust(w) if i in numeric else cell.ljust(w)
                 for i, (cell, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
    counts = (f"{summary['accounts']} account{'' if summary['accounts'] == 1 else 's'}: "
              f"{summary['drafted']} drafted, "
              f"{summary['already_done']} already done")
    if summary["unreadable"]:
        counts += f", {summary['unreadable']} unreadable (skipped)"
    lines.append("")
    lines.append(f"{counts}. Backend: {summary['backend']}. Output: {summary['out_dir']}")
    return "\n".join(lines) + "\n"


def summary_csv(summary: dict[str, Any]) -> str:
    """The summary as CSV: one row per bucket and a total, one balance column per currency."""
    currencies = sorted(summary["total"]["balances"])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["tier", "bucket", "accounts", *(f"balance_{c}" for c in currencies), "actions",
                     "passed", "fell_back", "failed"])
    for bucket in summary["buckets"] + [summary["total"]]:
        writer.writerow([
            "" if bucket["tier"] is None else bucket["tier"], bucket["bucket"], bucket["accounts"],
            *(bucket["balances"].get(c, "0.00") for c in currencies),
            "; ".join(f"{kind}={count}" for kind, count in bucket["actions"].items()),
            bucket["passed"], bucket["fell_back"], bucket["failed"],
        ])
    return out.getvalue()


def write_summary(summary: dict[str, Any], out_dir: str | Path) -> None:
    """summary.json and summary.csv in the batch folder."""
    out_dir = Path(out_dir)
    write_atomic(out_dir / "summary.json", json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    write_atomic(out_dir / "summary.csv", summary_csv(summary))
