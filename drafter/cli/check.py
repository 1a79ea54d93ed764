"""`drafter check`: review drafts against a policy pack."""

from __future__ import annotations

import sys

import click

from ._shared import as_of_option, echo_json, format_option, policy_option
from .log import db_option


@click.command()
@click.option("--account", "account_path", required=True, metavar="FILE",
              help="The account the drafts are about (JSON or YAML).")
@policy_option
@click.option("--tier", type=click.IntRange(0, 4), default=None,
              help="Check as if the account were at this tier. Default: from the account's oldest "
                   "overdue invoice.")
@as_of_option
@format_option("text", "json")
@db_option
@click.option("--no-log", is_flag=True, help="Do not record the checks in the audit log.")
@click.argument("drafts", nargs=-1, required=True, metavar="DRAFT...")
def check(account_path: str, policy_name: str | None, tier: int | None, as_of, output_format: str,
          db_path: str | None, no_log: bool, drafts: tuple[str, ...]) -> None:
    """Check drafts against the policy: what the stage allows, the account's facts, offers and tone.

    A DRAFT is a text or markdown file (an optional first line "Subject: ..."), an .eml file, JSON
    from `drafter draft --format json`, or - for standard input. Each check is recorded in the audit
    log (see `drafter log`) unless --no-log. Exit status: 0 if every draft passes, 1 if any has a
    blocking finding, 2 for bad input.

    \b
    Example:
      drafter check --account acme.json reply.txt
      drafter check --account acme.json --policy uk-b2b --format json draft.eml
    """
    from ..draftfile import read_draft
    from ..guard import check as run_check
    from ..load import load_account
    from ..policy import load_policy

    account = load_account(account_path)
    policy = load_policy(policy_name)
    loaded = [(name, read_draft(name)) for name in drafts]
    results = []
    for name, draft in loaded:
        report = run_check(draft, account, policy, tier=tier, as_of=as_of)
        results.append((name, draft, report))
    if not no_log:
        from ..store import AuditLog

        audit = AuditLog(db_path)
        for name, draft, report in results:
            audit.record_check(report, source=name, draft_text=draft.text())
    if output_format == "json":
        echo_json([{"file": name, "passed": report.passed, "tier": report.tier, "policy": report.policy,
                    "findings": [f.model_dump(mode="json") for f in report.findings]}
                   for name, _, report in results])
    else:
        color = sys.stdout.isatty()
        for name, draft, report in results:
            _print_report(name, draft.text(), report, color)
    if any(not report.passed for _, _, report in results):
        sys.exit(1)


def _print_report(name: str, text: str, report, color: bool) -> None:
    blocking = len(report.blocking)
    warnings = len(report.findings) - blocking
    verdict = "PASS" if report.passed else "BLOCKED"
    style = {"fg": "green" if report.passed else "red", "bold": True}
    summary = f"{blocking} blocking, {warnings} warning{'s' if warnings != 1 else ''}"
    click.echo(f"{click.style(verdict, **style) if color else verdict}  {name}  "
               f"(tier {report.tier}, policy {report.policy}: {summary})")
    for finding in report.findings:
        tag = f"{finding.severity} {finding.rule}" + (f" [{finding.category}]" if finding.category else "")
        click.echo(f"  {click.style(tag, fg='red' if finding.severity == 'block' else 'yellow') if color else tag}: "
                   f"{finding.message}")
        if finding.end > finding.start:
            click.echo(f"    {_in_context(text, finding.start, finding.end, color)}")
        if finding.suggestion:
            click.echo(f"    suggestion: {finding.suggestion}")


def _in_context(text: str, start: int, end: int, color: bool, width: int = 50) -> str:
    """The line around a span, the span highlighted (or in >>brackets<< without colour)."""
    line_start = max(text.rfind("\n", 0, start) + 1, start - width)
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    line_end = min(line_end, end + width)
    before, span, after = text[line_start:start], text[start:end], text[end:line_end]
    span = span.replace("\n", " ")
    marked = click.style(span, fg="red", bold=True, underline=True) if color else f">>{span}<<"
    prefix = "..." if line_start > 0 and text[line_start - 1] != "\n" else ""
    suffix = "..." if line_end < len(text) and text[line_end] != "\n" else ""
    return f"{prefix}{before}{marked}{after}{suffix}"
