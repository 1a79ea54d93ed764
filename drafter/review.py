"""Reviewing drafts before they go out: what a reviewer sees, and re-checking what they change.

The drafts come from the audit log (`pending_from_log`) or from a batch folder (`pending_from_folder`,
which logs any draft the log does not know yet). Each is a `ReviewItem`. An edit is re-checked with
the same guard as every other draft (`recheck`); the audit log refuses to approve a draft whose
current text has blocking findings. The interactive loop lives in `drafter.cli.review`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import click

from .errors import InputError
from .models import Account, Assessment, Draft, Finding, Report

__all__ = ["ReviewItem", "pending_from_log", "pending_from_folder", "recheck", "highlight",
           "load_source_account"]


@dataclass(frozen=True)
class ReviewItem:
    draft_id: int
    customer: str
    source: str
    policy: str  # a pack name or file path, as the draft was checked against
    as_of: date
    draft: Draft
    report: Report
    account: Account | None = None  # None until needed (and None if it cannot be read again)
    assessment: Assessment | None = None

    def with_edit(self, draft: Draft, report: Report) -> ReviewItem:
        return replace(self, draft=draft, report=report)


def pending_from_log(log: Any) -> list[ReviewItem]:
    """Every pending draft in the audit log, oldest first."""
    return [_item(record) for record in log.list(status="pending", oldest_first=True)]


def pending_from_folder(folder: str | Path, log: Any) -> list[ReviewItem]:
    """The drafts of a `drafter batch` folder that are still pending in the audit log. A draft the
    log has never seen (the batch ran with --no-log) is recorded first, so decisions can refer to it."""
    from .models import DraftResult

    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("no such folder", file=str(folder))
    items = []
    for path in sorted(folder.glob("*.json")):
        if path.name == "summary.json":
            continue
        record = _batch_record(path)
        logged = log.list(inputs_hash=record["inputs_hash"], limit=1)
        if logged:
            draft_record = logged[0]
        else:
            result = DraftResult.model_validate(record["result"])
            draft_id = log.record_draft(result, source=record["label"],
                                        inputs_hash=record["inputs_hash"], policy=record["policy"])
            draft_record = log.get(draft_id)
        if draft_record.status != "pending":
            continue
        account = Account.model_validate(record["account"])
        assessment = Assessment.model_validate(record["result"]["assessment"])
        items.append(replace(_item(draft_record), account=account, assessment=assessment))
    return items


def _batch_record(path: Path) -> dict[str, Any]:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"not a readable batch record: {exc}", file=str(path)) from None
    if not isinstance(record, dict) or not {"inputs_hash", "label", "account", "result"} <= record.keys():
        raise InputError("not a drafter batch record (no inputs_hash, label, account or result)",
                         file=str(path))
    return record


def _item(record: Any) -> ReviewItem:
    return ReviewItem(draft_id=record.id, customer=record.customer, source=record.source,
                      policy=record.policy, as_of=record.as_of, draft=record.draft,
                      report=record.report)


def load_source_account(item: ReviewItem) -> ReviewItem:
    """`item` with its account and assessment, read again from the draft's source (a file, or a
    "file:name" label for a JSONL or CSV item). InputError if the source cannot be read now."""
    if item.account is not None and item.assessment is not None:
        return item
    from .aging import iter_accounts
    from .analysis import analyze

    account = item.account
    if account is None:
        # "file", "file:3" (a JSONL line or a CSV customer) or "file[2]" (an item of a JSON list)
        candidates = [item.source, item.source.rsplit(":", 1)[0], re.sub(r"\[\d+\]$", "", item.source)]
        path = next((c for c in candidates if Path(c).exists()), None)
        if path is None:
            raise InputError("the account this draft was written for is not readable any more, so "
                             "an edit cannot be checked", file=item.source)
        for label, found in iter_accounts(path):
            if label == item.source or path == item.source:
                if isinstance(found, InputError):
                    raise found
                account = found
                break
        if account is None:
            raise InputError("the account is no longer in this file, so an edit cannot be checked",
                             file=item.source)
    return replace(item, account=account, assessment=analyze(account, item.policy, item.as_of))


def recheck(item: ReviewItem, text: str) -> tuple[Draft, Report]:
    """The edited `text` as a draft (a first line "Subject: ..." is the subject), checked by the guard
    against the item's account, policy and day."""
    from .draftfile import parse_draft
    from .guard import check

    item = load_source_account(item)
    parsed = parse_draft(text, "<edited draft>")
    edited = item.draft.model_copy(update={"subject": parsed.subject, "body": parsed.body})
    report = check(edited, item.account, item.policy, as_of=item.as_of, assessment=item.assessment)
    return edited, report


def highlight(text: str, findings: list[Finding], *, color: bool = True) -> str:
    """`text` with each finding's span marked: red for blocking, yellow for warnings, and a [n] after
    it that refers to the numbered list of findings (so the marks survive without colour)."""
    out, position = [], 0
    for number, finding in sorted(enumerate(findings, 1), key=lambda nf: (nf[1].start, nf[1].end)):
        start, end = max(finding.start, position), max(finding.end, position)
        out.append(text[position:start])
        span = text[start:end]
        marker = f"[{number}]"
        if color:
            style = {"fg": "red", "bold": True} if finding.severity == "block" else {"fg": "yellow"}
            span = click.style(span, underline=True, **style)
            marker = click.style(marker, **style)
        out.append(span + marker)
        position = end
    out.append(text[position:])
    return "".join(out)
