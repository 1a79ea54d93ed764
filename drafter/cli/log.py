"""`drafter log`: read the audit log of drafts, checks and review decisions."""

from __future__ import annotations

import click

from ._shared import echo_json, format_option

__all__ = ["log", "db_option", "open_log"]

db_option = click.option(
    "--db", "db_path", metavar="PATH", type=click.Path(dir_okay=False), default=None,
    help="The audit log (SQLite). Default: $DRAFTER_DB, else audit.db in the user's data directory.",
)


def open_log(db_path: str | None):
    from ..store import AuditLog

    return AuditLog(db_path)


@click.group()
def log() -> None:
    """Read the audit log: every draft produced, every check run, every review decision.

    \b
      drafter log list --status pending
      drafter log show 42
      drafter log export --format csv --out audit.csv
    """


@log.command("list")
@click.option("--status", type=click.Choice(["pending", "approved", "rejected", "sent"]),
              help="Only drafts with this status.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="At most this many drafts, newest first.")
@db_option
@format_option("text", "json")
def list_drafts(status: str | None, limit: int, db_path: str | None, output_format: str) -> None:
    """List logged drafts, newest first."""
    with open_log(db_path) as audit:
        records = audit.list(status=status, limit=limit)
    if output_format == "json":
        echo_json([r.model_dump(mode="json", exclude={"draft", "original_text"}) for r in records])
        return
    if not records:
        click.echo("No drafts logged" + (f" with status {status}." if status else "."))
        return
    rows = [("ID", "CREATED (UTC)", "CUSTOMER", "KIND", "BACKEND", "GUARD", "STATUS")]
    for r in records:
        backend = r.backend + (" (fell back)" if r.fell_back else "")
        guard = "passed" if r.passed else f"{len(r.report.blocking)} blocking"
        rows.append((str(r.id), r.created_at.strftime("%Y-%m-%d %H:%M"), r.customer, r.kind,
                     backend, guard, r.status))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())


@log.command("show")
@click.argument("draft_id", type=int)
@db_option
@format_option("text", "json")
def show(draft_id: int, db_path: str | None, output_format: str) -> None:
    """Show one logged draft: how it was made, its guard findings, its text and the decisions on it."""
    with open_log(db_path) as audit:
        record = audit.get(draft_id)
    if output_format == "json":
        echo_json(record)
        return
    made = record.backend + (f" ({record.model})" if record.model else "")
    if record.backend == "llm":
        made += f", {record.attempts} call(s), {record.repair_rounds} repair round(s)"
    if record.fell_back:
        made += f"; fell back to offline: {record.fallback_reason}"
    facts = [
        ("Draft", f"#{record.id} {record.kind} ({record.channel}), {record.status}"),
        ("Customer", record.customer),
        ("Source", record.source),
        ("Created", record.created_at.isoformat(timespec="seconds")),
        ("As of", record.as_of.isoformat()),
        ("Policy", record.policy),
        ("Made by", made),
        ("Inputs", record.inputs_hash),
        ("Guard", "passed" if record.passed else "FAILED"),
    ]
    for label, value in facts:
        click.echo(f"{label + ':':<10}{value}")
    for finding in record.report.findings:
        click.echo(f"  - {finding.severity} {finding.rule}: {finding.message} ({finding.excerpt!r})")
    click.echo("")
    click.echo(record.text)
    if record.decisions:
        click.echo("")
        click.echo("Decisions:")
        for d in record.decisions:
            line = f"  {d.created_at.isoformat(timespec='seconds')} {d.decision}"
            line += f" by {d.reviewer}" if d.reviewer else ""
            line += f": {d.reason}" if d.reason else ""
            click.echo(line)


@log.command("export")
@click.option("--table", type=click.Choice(["drafts", "checks", "decisions"]), default="drafts",
              show_default=True, help="What to export.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (atomically) instead of standard output.")
@db_option
@format_option("json", "csv", default="json")
def export(table: str, out_path: str | None, db_path: str | None, output_format: str) -> None:
    """Export the audit log as JSON or CSV, for a spreadsheet or an archive."""
    with open_log(db_path) as audit:
        data = audit.export(output_format, table=table)
    if out_path is None:
        click.echo(data, nl=False)
        return
    from ..files import write_atomic

    write_atomic(out_path, data)
    click.echo(f"Wrote {out_path}", err=True)
