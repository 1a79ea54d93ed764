"""`drafter review`: walk pending drafts and approve, edit, or reject each one."""

from __future__ import annotations

import getpass

import click

from .log import db_option, open_log

__all__ = ["review"]

CHOICES = {"a": "approve", "e": "edit", "r": "reject", "s": "skip", "q": "quit"}
PROMPT = "[a]pprove  [e]dit  [r]eject  [s]kip  [q]uit"


@click.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False))
@db_option
@click.option("--reviewer", default=None, metavar="NAME",
              help="Name recorded with each decision. Default: your login name.")
@click.option("--eml-out", "eml_out", type=click.Path(file_okay=False), default=None,
              help="Also write each approved draft as an .eml file in this folder.")
def review(folder: str | None, db_path: str | None, reviewer: str | None, eml_out: str | None) -> None:
    """Review pending drafts one by one: approve, edit, reject, skip or quit.

    FOLDER is the output of `drafter batch` (its drafts are looked up in, or added to, the audit log);
    without it, every pending draft in the audit log is reviewed. Each draft is shown with its guard
    findings marked in the text. Edit opens $EDITOR; the edited draft is checked again on save, and a
    draft with blocking findings cannot be approved. Decisions are recorded in the audit log, where
    `drafter push --approved` finds the approved drafts; --eml-out also writes them as .eml files.
    """
    from ..review import pending_from_folder, pending_from_log

    reviewer = reviewer or _login_name()
    with open_log(db_path) as log:
        items = pending_from_folder(folder, log) if folder else pending_from_log(log)
        if not items:
            click.echo("No drafts waiting for review.")
            return
        tally = {"approved": 0, "edited": 0, "rejected": 0, "skipped": 0}
        for position, item in enumerate(items, 1):
            click.echo("")
            click.echo(click.style(f"── {position} of {len(items)} ", bold=True) + "─" * 40)
            if not _review_one(item, log, reviewer, eml_out, tally):
                break
    click.echo("")
    left = len(items) - tally["approved"] - tally["rejected"]
    click.echo(f"Approved {tally['approved']}, rejected {tally['rejected']}, edited {tally['edited']}; "
               f"{left} still pending.")


def _review_one(item, log, reviewer: str, eml_out: str | None, tally: dict[str, int]) -> bool:
    """Show `item` and act on the reviewer's choices; False when the reviewer quits."""
    from ..errors import InputError
    from ..review import recheck

    _show(item)
    while True:
        choice = CHOICES[click.prompt(PROMPT, type=click.Choice(list(CHOICES)), show_choices=False)]
        if choice == "approve":
            if not item.report.passed:
                click.echo(f"Cannot approve: {len(item.report.blocking)} blocking finding(s). "
                           "Edit the draft or reject it.")
                continue
            log.record_decision(item.draft_id, "approved", reviewer=reviewer)
            tally["approved"] += 1
            click.echo(f"Approved draft #{item.draft_id}.")
            if eml_out:
                _write_eml(log, item.draft_id, eml_out)
            return True
        if choice == "edit":
            edited_text = click.edit(item.draft.text(), extension=".txt", require_save=True)
            if edited_text is None or edited_text.strip() == item.draft.text().strip():
                click.echo("No change.")
                continue
            try:
                draft, report = recheck(item, edited_text)
            except InputError as exc:
                click.echo(f"Cannot check the edit: {exc}")
                continue
            log.record_check(report, source=f"review of draft #{item.draft_id}", draft_text=draft.text())
            log.record_decision(item.draft_id, "edited", reviewer=reviewer, draft=draft, report=report)
            tally["edited"] += 1
            item = item.with_edit(draft, report)
            click.echo("Checked the edited draft:")
            _show(item)
            continue
        if choice == "reject":
            reason = click.prompt("Reason").strip()
            log.record_decision(item.draft_id, "rejected", reason=reason, reviewer=reviewer)
            tally["rejected"] += 1
            click.echo(f"Rejected draft #{item.draft_id}.")
            return True
        if choice == "skip":
            tally["skipped"] += 1
            return True
        return False


def _show(item) -> None:
    from ..review import highlight

    report = item.report
    verdict = click.style("passed", fg="green") if report.passed else click.style(
        f"FAILED ({len(report.blocking)} blocking)", fg="red", bold=True)
    click.echo(f"Draft #{item.draft_id}  {item.customer}  {item.draft.kind} ({item.draft.channel})  "
               f"tier {report.tier}  guard: {verdict}")
    click.echo(f"Source: {item.source}   Policy: {item.policy}   As of: {item.as_of}")
    if item.draft.to:
        click.echo(f"To: {', '.join(item.draft.to)}")
    if item.draft.cc:
        click.echo(f"Cc: {', '.join(item.draft.cc)}")
    click.echo("")
    click.echo(highlight(item.draft.text(), report.findings))
    if report.findings:
        click.echo("")
    for number, finding in enumerate(report.findings, 1):
        line = f"[{number}] {finding.severity} {finding.rule}: {finding.message}"
        if finding.suggestion:
            line += f" Suggestion: {finding.suggestion}"
        click.echo(click.style(line, fg="red" if finding.severity == "block" else "yellow"))
    click.echo("")


def _write_eml(log, draft_id: int, eml_out: str) -> None:
    from ..eml import record_to_eml
    from ..files import ensure_folder, write_atomic

    record = log.get(draft_id)
    folder = ensure_folder(eml_out)
    path = folder / f"draft-{draft_id}.eml"
    write_atomic(path, record_to_eml(record))
    click.echo(f"Wrote {path}")


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
