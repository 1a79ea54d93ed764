"""The audit log: every draft drafter produced, every check it ran, and every review decision.

One SQLite file in WAL mode, so a batch, a server and a reviewer can write to it at the same time.
It keeps what a compliance reviewer needs to reconstruct a decision (the inputs hash, policy, backend,
model, attempts, the guard report and the final text) and nothing else: no prompts, no API keys, and
none of the account data the LLM path redacts.

    log = AuditLog()                                   # under the user's data dir, or $DRAFTER_DB
    draft_id = log.record_draft(result, source="accounts/acme.json", inputs_hash=h)
    log.record_decision(draft_id, "approved", reviewer="dana")
    for record in log.list(status="approved"): ...     # what `drafter push` sends
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import sqlite3
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict

from .errors import DeliveryError, InputError
from .models import Account, Draft, DraftResult, Report

__all__ = ["SCHEMA_VERSION", "STATUSES", "DECISIONS", "AuditLog", "DraftRecord", "Decision",
           "CheckRecord", "DraftEntry", "draft_entry", "default_path", "inputs_hash", "inputs_hasher"]

SCHEMA_VERSION = 1
STATUSES = ("pending", "approved", "rejected", "sent")
# "edited" keeps a draft pending with new text; the others set the draft's status to the same word.
DECISIONS = ("edited", "approved", "rejected", "sent")

_SCHEMA = """
CREATE TABLE drafts (
    id              INTEGER PRIMARY KEY,
    created_at      TEXT NOT NULL,
    source          TEXT NOT NULL,
    customer        TEXT NOT NULL,
    inputs_hash     TEXT NOT NULL,
    as_of           TEXT NOT NULL,
    policy          TEXT NOT NULL,
    kind            TEXT NOT NULL,
    channel         TEXT NOT NULL,
    backend         TEXT NOT NULL,
    model           TEXT,
    attempts        INTEGER NOT NULL,
    repair_rounds   INTEGER NOT NULL,
    fell_back       INTEGER NOT NULL,
    fallback_reason TEXT,
    passed          INTEGER NOT NULL,
    report          TEXT NOT NULL,
    draft           TEXT NOT NULL,
    text            TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'approved', 'rejected', 'sent'))
);
CREATE INDEX drafts_by_status ON drafts (status, id);
CREATE INDEX drafts_by_inputs ON drafts (inputs_hash);

CREATE TABLE checks (
    id          INTEGER PRIMARY KEY,
    created_at  TEXT NOT NULL,
    source      TEXT NOT NULL,
    policy      TEXT NOT NULL,
    tier        INTEGER NOT NULL,
    passed      INTEGER NOT NULL,
    report      TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    text        TEXT NOT NULL
);

CREATE TABLE decisions (
    id          INTEGER PRIMARY KEY,
    draft_id    INTEGER NOT NULL REFERENCES drafts (id),
    created_at  TEXT NOT NULL,
    decision    TEXT NOT NULL CHECK (decision IN ('edited', 'approved', 'rejected', 'sent')),
    reason      TEXT,
    reviewer    TEXT,
    edited_text TEXT,
    draft       TEXT,
    report      TEXT
);
CREATE INDEX decisions_by_draft ON decisions (draft_id, id);
"""


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)  # built when the log is first read


class Decision(_Record):
    id: int
    draft_id: int
    created_at: datetime
    decision: Literal["edited", "approved", "rejected", "sent"]
    reason: str | None = None
    reviewer: str | None = None
    edited_text: str | None = None


class DraftRecord(_Record):
    """A logged draft as it stands now: `draft`, `text` and `report` include the latest edit, if any."""

    id: int
    created_at: datetime
    source: str
    customer: str
    inputs_hash: str
    as_of: date
    policy: str
    kind: str
    channel: str
    backend: str
    model: str | None
    attempts: int
    repair_rounds: int
    fell_back: bool
    fallback_reason: str | None
    status: Literal["pending", "approved", "rejected", "sent"]
    passed: bool
    report: Report
    draft: Draft
    text: str
    original_text: str
    decisions: list[Decision]


class CheckRecord(_Record):
    id: int
    created_at: datetime
    source: str
    policy: str
    tier: int
    passed: bool
    report: Report
    text_sha256: str
    text: str


def default_path() -> Path:
    """$DRAFTER_DB if set, else `audit.db` in the user's data directory."""
    env = os.environ.get("DRAFTER_DB")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("drafter")) / "audit.db"


def inputs_hash(account: Account, policy: Any, kind: str, as_of: date) -> str:
    """sha256 over everything that decides a draft: the account (canonical JSON), the policy pack's
    content, the message kind and the day it is drafted for. Same inputs, same hash."""
    return inputs_hasher(policy)(account, kind, as_of)


def inputs_hasher(policy: Any) -> Callable[[Account, str, date], str]:
    """`inputs_hash` for many accounts under one policy: the pack is written out once, not per
    account. Gives exactly the hashes `inputs_hash` does."""
    from .policy import Policy, policy_json

    policy_data = policy_json(policy) if isinstance(policy, Policy) else str(policy)
    # the canonical JSON's keys in sorted order: account, as_of, kind, policy
    policy_tail = ',"policy":' + _canonical(policy_data) + "}"

    def digest(account: Account, kind: str, as_of: date) -> str:
        canonical = ('{"account":' + _canonical(account.model_dump(mode="json")) + ',"as_of":'
                     + _canonical(as_of.isoformat()) + ',"kind":' + _canonical(kind) + policy_tail)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    return digest


# one encoder for every hash: json.dumps with options builds a new one per call
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _canonical(value: Any) -> str:
    return _CANONICAL.encode(value)


def _clean(text: str) -> str:
    """`text` without card, bank or tax-id numbers: the log never holds what drafter redacts."""
    from .redact import redact_text

    return redact_text(text)


def _clean_draft(draft: Draft) -> Draft:
    return draft.model_copy(update={"subject": draft.subject and _clean(draft.subject),
                                    "body": _clean(draft.body)})


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


class DraftEntry(NamedTuple):
    """A draft as the log stores it (sensitive numbers removed), apart from the time it is logged."""

    source: str
    customer: str
    inputs_hash: str
    as_of: str
    policy: str
    kind: str
    channel: str
    backend: str
    model: str | None
    attempts: int
    repair_rounds: int
    fell_back: int
    fallback_reason: str | None
    passed: int
    report: str
    draft: str
    text: str


_INSERT_DRAFT = (f"INSERT INTO drafts (created_at, {', '.join(DraftEntry._fields)})"
                 f" VALUES ({', '.join('?' * (len(DraftEntry._fields) + 1))})")


def draft_entry(result: DraftResult, *, source: str, inputs_hash: str,
                policy: str | None = None) -> DraftEntry:
    """What `AuditLog.record_drafts` stores for `result`. Needs no database, so the redaction it
    does can run anywhere (a batch's worker processes)."""
    draft, report, prov = _clean_draft(result.draft), result.report, result.provenance
    return DraftEntry(
        source=source, customer=result.customer, inputs_hash=inputs_hash,
        as_of=result.assessment.as_of.isoformat(), policy=policy or report.policy, kind=draft.kind,
        channel=draft.channel, backend=prov.backend, model=prov.model, attempts=prov.attempts,
        repair_rounds=prov.repair_rounds, fell_back=int(prov.fell_back),
        fallback_reason=prov.fallback_reason, passed=int(report.passed),
        report=_clean(report.model_dump_json()), draft=draft.model_dump_json(), text=draft.text())


class AuditLog:
    """The audit log at `path` (default: see `default_path`). Created on first use."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                                       check_same_thread=False)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA busy_timeout = 30000")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.OperationalError as exc:
            raise DeliveryError(f"{self.path}: cannot open the audit log: {exc}") from None
        except sqlite3.DatabaseError as exc:
            raise InputError(f"not a usable audit log: {exc}", file=str(self.path)) from None
        except OSError as exc:
            raise DeliveryError(f"{self.path}: cannot open the audit log: {exc.strerror or exc}") from None

    def _migrate(self) -> None:
        with self._transaction():
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version == SCHEMA_VERSION:
                return
            if version > SCHEMA_VERSION:
                raise InputError(f"audit log schema version {version} is newer than this drafter "
                                 f"understands ({SCHEMA_VERSION}); upgrade drafter", file=str(self.path))
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _transaction(self):
        return _Transaction(self._db, self.path)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- writing ------------------------------------------------------------------------------

    def record_draft(self, result: DraftResult, *, source: str, inputs_hash: str,
                     policy: str | None = None) -> int:
        """Log a draft and its guard report; returns its id. `policy` names the pack as it can be
        loaded again (a shipped name or a file path); default: the name in the report."""
        with self._transaction():
            cursor = self._db.execute(_INSERT_DRAFT, (_now(), *draft_entry(
                result, source=source, inputs_hash=inputs_hash, policy=policy)))
        return int(cursor.lastrowid)

    def record_drafts(self, entries: list[DraftEntry]) -> None:
        """Log many drafts (made ready by `draft_entry`) in one transaction, in the order given:
        all of them or, if the log cannot be written, none."""
        if not entries:
            return
        with self._transaction():
            self._db.executemany(_INSERT_DRAFT, [(_now(), *entry) for entry in entries])

    def logged_inputs(self, hashes: list[str]) -> set[str]:
        """Which of these inputs hashes have a draft in the log."""
        found: set[str] = set()
        for start in range(0, len(hashes), 500):
            chunk = hashes[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(row[0] for row in self._db.execute(
                f"SELECT DISTINCT inputs_hash FROM drafts WHERE inputs_hash IN ({marks})", chunk))
        return found

    def record_check(self, report: Report, *, source: str, draft_text: str) -> int:
        """Log a guard check of any draft (LLM, offline or written by a person); returns its id.
        The text's sha256 is of the text as checked; the stored text has sensitive numbers removed."""
        digest = hashlib.sha256(draft_text.encode("utf-8")).hexdigest()
        with self._transaction():
            cursor = self._db.execute(
                "INSERT INTO checks (created_at, source, policy, tier, passed, report, text_sha256, text)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (_now(), source, report.policy, report.tier, int(report.passed),
                 _clean(report.model_dump_json()), digest, _clean(draft_text)),
            )
        return int(cursor.lastrowid)

    def record_decision(self, draft_id: int, decision: str, *, reason: str | None = None,
                        reviewer: str | None = None, draft: Draft | None = None,
                        report: Report | None = None) -> int:
        """Log a decision on draft `draft_id` and set its status; returns the decision's id.

        "edited" needs the new `draft` and its `report` (the draft stays pending); "approved" is
        refused when the draft as it stands has blocking findings; "rejected" takes a `reason`;
        "sent" marks a draft delivered (by `drafter push` or any other sender).
        """
        if decision not in DECISIONS:
            raise InputError(f"unknown decision {decision!r}; valid: {', '.join(DECISIONS)}")
        if decision == "edited" and (draft is None or report is None):
            raise InputError("an edit needs the edited draft and its guard report")
        clean = _clean_draft(draft) if draft is not None else None
        with self._transaction():
            current = self._current(draft_id)
            if decision == "approved" and not current["passed"]:
                raise InputError(f"draft {draft_id} has blocking findings and cannot be approved")
            if decision == "sent" and current["status"] != "approved":
                raise InputError(f"draft {draft_id} is {current['status']}, not approved")
            cursor = self._db.execute(
                "INSERT INTO decisions (draft_id, created_at, decision, reason, reviewer, edited_text,"
                " draft, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (draft_id, _now(), decision, reason and _clean(reason), reviewer,
                 clean.text() if clean else None, clean.model_dump_json() if clean else None,
                 _clean(report.model_dump_json()) if report else None),
            )
            if decision != "edited":
                self._db.execute("UPDATE drafts SET status = ? WHERE id = ?", (decision, draft_id))
        return int(cursor.lastrowid)

    def _current(self, draft_id: int) -> dict[str, Any]:
        row = self._db.execute("SELECT status, passed FROM drafts WHERE id = ?", (draft_id,)).fetchone()
        if row is None:
            raise InputError(f"no draft with id {draft_id} in {self.path}")
        edit = self._db.execute(
            "SELECT report FROM decisions WHERE draft_id = ? AND decision = 'edited' ORDER BY id DESC"
            " LIMIT 1", (draft_id,)).fetchone()
        passed = bool(json.loads(edit["report"])["passed"]) if edit else bool(row["passed"])
        return {"status": row["status"], "passed": passed}

    # ---- reading ------------------------------------------------------------------------------

    def get(self, draft_id: int) -> DraftRecord:
        """The draft with this id, with its decisions; InputError if there is none."""
        rows = self._db.execute("SELECT * FROM drafts WHERE id = ?", (draft_id,)).fetchall()
        if not rows:
            raise InputError(f"no draft with id {draft_id} in {self.path}")
        return self._records(rows)[0]

    def list(self, status: str | None = None, *, limit: int | None = None,
             inputs_hash: str | None = None, oldest_first: bool = False) -> list[DraftRecord]:
        """Logged drafts, newest first (or oldest first), optionally only those with `status`."""
        if status is not None and status not in STATUSES:
            raise InputError(f"unknown status {status!r}; valid: {', '.join(STATUSES)}")
        where, params = [], []
        if status is not None:
            where.append("status = ?")
            params.append(status)
        if inputs_hash is not None:
            where.append("inputs_hash = ?")
            params.append(inputs_hash)
        sql = "SELECT * FROM drafts"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id" + ("" if oldest_first else " DESC")
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return self._records(self._db.execute(sql, params).fetchall())

    def checks(self, *, limit: int | None = None) -> list[CheckRecord]:
        """Logged checks, newest first."""
        sql, params = "SELECT * FROM checks ORDER BY id DESC", []
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [CheckRecord(id=row["id"], created_at=row["created_at"], source=row["source"],
                            policy=row["policy"], tier=row["tier"], passed=bool(row["passed"]),
                            report=Report.model_validate_json(row["report"]),
                            text_sha256=row["text_sha256"], text=row["text"])
                for row in self._db.execute(sql, params)]

    def _records(self, rows: list[sqlite3.Row]) -> list[DraftRecord]:
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        decisions: dict[int, list[sqlite3.Row]] = {i: [] for i in ids}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for d in self._db.execute(
                    f"SELECT * FROM decisions WHERE draft_id IN ({marks}) ORDER BY id", chunk):
                decisions[d["draft_id"]].append(d)
        return [self._record(row, decisions[row["id"]]) for row in rows]

    @staticmethod
    def _record(row: sqlite3.Row, decisions: list[sqlite3.Row]) -> DraftRecord:
        draft, report = row["draft"], row["report"]
        for d in decisions:
            if d["decision"] == "edited":
                draft, report = d["draft"], d["report"]
        current = Draft.model_validate_json(draft)
        current_report = Report.model_validate_json(report)
        return DraftRecord(
            id=row["id"], created_at=row["created_at"], source=row["source"],
            customer=row["customer"], inputs_hash=row["inputs_hash"], as_of=row["as_of"],
            policy=row["policy"], kind=row["kind"], channel=row["channel"], backend=row["backend"],
            model=row["model"], attempts=row["attempts"], repair_rounds=row["repair_rounds"],
            fell_back=bool(row["fell_back"]), fallback_reason=row["fallback_reason"],
            status=row["status"], passed=current_report.passed, report=current_report, draft=current,
            text=current.text(), original_text=row["text"],
            decisions=[Decision(id=d["id"], draft_id=d["draft_id"], created_at=d["created_at"],
                                decision=d["decision"], reason=d["reason"], reviewer=d["reviewer"],
                                edited_text=d["edited_text"]) for d in decisions],
        )

    # ---- export -------------------------------------------------------------------------------

    def export(self, format: str = "json", *, table: str = "drafts") -> str:
        """The whole `table` (drafts, checks or decisions) as JSON (a list) or CSV (one row each)."""
        if format not in ("json", "csv"):
            raise InputError(f"unknown export format {format!r}; valid: json, csv")
        if table == "drafts":
            rows = [r.model_dump(mode="json") for r in self.list(oldest_first=True)]
        elif table == "checks":
            rows = [c.model_dump(mode="json") for c in reversed(self.checks())]
        elif table == "decisions":
            rows = [dict(r) for r in self._db.execute(
                "SELECT id, draft_id, created_at, decision, reason, reviewer, edited_text"
                " FROM decisions ORDER BY id")]
        else:
            raise InputError(f"unknown table {table!r}; valid: drafts, checks, decisions")
        if format == "json":
            return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
        return _csv(rows, table)


_CSV_COLUMNS = {
    "drafts": ["id", "created_at", "source", "customer", "inputs_hash", "as_of", "policy", "kind",
               "channel", "backend", "model", "attempts", "repair_rounds", "fell_back",
               "fallback_reason", "status", "passed", "findings", "text", "original_text",
               "decisions"],
    "checks": ["id", "created_at", "source", "policy", "tier", "passed", "findings", "text_sha256",
               "text"],
    "decisions": ["id", "draft_id", "created_at", "decision", "reason", "reviewer", "edited_text"],
}


def _csv(rows: list[dict[str, Any]], table: str) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=_CSV_COLUMNS[table], extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    for row in rows:
        flat = dict(row)
        if "report" in flat:  # one cell: "rule (severity): excerpt; ..."
            flat["findings"] = "; ".join(f"{f['rule']} ({f['severity']}): {f['excerpt']}"
                                         for f in flat["report"]["findings"])
        if "decisions" in flat:
            flat["decisions"] = "; ".join(
                f"{d['decision']}" + (f" by {d['reviewer']}" if d["reviewer"] else "")
                + (f": {d['reason']}" if d["reason"] else "") for d in flat["decisions"])
        writer.writerow(flat)
    return out.getvalue()


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error), turning a full disk or a read-only file into
    DeliveryError. IMMEDIATE takes the write lock up front, so concurrent writers wait (busy_timeout)
    instead of failing half-way."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.db, self.path = db, path

    def __enter__(self) -> None:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise DeliveryError(f"{self.path}: cannot write to the audit log: {exc}") from None

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            try:
                self.db.execute("COMMIT")
                return False
            except sqlite3.OperationalError as error:
                exc = error
        self.db.execute("ROLLBACK")
        if isinstance(exc, sqlite3.OperationalError):
            raise DeliveryError(f"{self.path}: cannot write to the audit log: {exc}") from None
        return False
