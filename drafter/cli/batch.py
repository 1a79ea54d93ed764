"""`drafter batch`: draft a message for every account in folders, JSONL files or CSV aging reports."""

from __future__ import annotations

import json
import sys

import click

from ._shared import as_of_option, format_option, policy_option
from .log import db_option, open_log

__all__ = ["batch"]


@click.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder for the drafts, their records and the summary (created if missing).")
@click.option("--backend", type=click.Choice(["auto", "offline", "llm"]), default="auto",
              show_default=True, help="auto: the LLM if one is configured, else offline templates.")
@click.option("--model", default=None, help="LLM model name (default: $DRAFTER_MODEL or drafter.toml).")
@policy_option
@as_of_option
@click.option("--concurrency", type=click.IntRange(min=1, max=256), default=8, show_default=True,
              help="LLM drafts in flight at once.")
@click.option("--jobs", "jobs_text", metavar="N", default=None,
              help="Worker processes for offline drafting. Default: one per CPU; 1: no workers.")
@click.option("--emit", type=click.Choice(["txt", "eml", "both"]), default="txt", show_default=True,
              help="Write each message as text, as an .eml draft for an email client, or both.")
@db_option
@click.option("--no-log", is_flag=True, help="Do not record the drafts in the audit log.")
@format_option("text", "json", "csv")
def batch(inputs: tuple[str, ...], out_dir: str, backend: str, model: str | None,
          policy_name: str | None, as_of, concurrency: int, jobs_text: str | None, emit: str,
          db_path: str | None, no_log: bool, output_format: str) -> None:
    """Draft one message per account and write them to a folder, with a summary by aging bucket.

    INPUT is an account file (JSON or YAML), a JSONL file (one account per line), a CSV aging report,
    or a folder of these. The message kind for each account comes from its analysis. Each account
    gets NAME.txt (and/or NAME.eml) when its draft passes the guard, and NAME.json (the account,
    the draft, its guard report and how it was made). summary.json and summary.csv close the run.

    A bad account is reported and skipped. Running the same batch again skips accounts already done,
    so an interrupted batch resumes where it stopped. Exit status: 0 when every account was drafted
    and passed, 1 when some failed or were unreadable, 2 when no account could be read.

    Offline drafting is spread over --jobs worker processes (default: one per CPU this process may
    use); the files, the summary and the audit log are the same whatever the number. --jobs 1
    drafts in this process. LLM drafting runs --concurrency requests at once instead.

    \b
      drafter batch examples/accounts/ --out drafts/
      drafter batch aging.csv --out drafts/ --backend llm --concurrency 8 --emit both
      drafter batch accounts.jsonl --out drafts/ --backend offline --jobs 4
    """
    from ..batch import plan_batch, summarize, summary_csv, summary_text, write_summary
    from ..errors import InputError

    jobs = _parse_jobs(jobs_text)
    settings = None
    if backend != "offline":
        from ..config import load_settings

        settings = load_settings(model=model)
    audit = None if no_log else open_log(db_path)
    try:
        plan = plan_batch(list(inputs), out_dir, backend=backend, policy=policy_name, as_of=as_of,
                          settings=settings, emit=emit, concurrency=concurrency, jobs=jobs,
                          log=audit, on_error=_report_skipped)
        if not plan.todo and not plan.done:
            raise InputError("no account could be read from " + ", ".join(inputs))
        outcomes = _run_with_progress(plan)
    finally:
        if audit is not None:
            audit.close()
    summary = summarize(plan, outcomes)
    write_summary(summary, out_dir)
    if output_format == "json":
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    elif output_format == "csv":
        click.echo(summary_csv(summary), nl=False)
    else:
        click.echo(summary_text(summary), nl=False)
    if plan.errors or summary["total"]["failed"]:
        raise click.exceptions.Exit(1)


def _parse_jobs(text: str | None) -> int:
    from ..errors import InputError

    if text is None:
        from ..workers import default_jobs

        return default_jobs()
    try:
        jobs = int(text)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise InputError(f"--jobs must be a whole number, at least 1 (got {text!r})")
    return jobs


def _report_skipped(label: str, message: str) -> None:
    where = "" if message.startswith(label) else f"{label}: "
    click.echo(f"Skipped: {where}{message}", err=True)


def _run_with_progress(plan):
    """Run the batch; on a terminal, with a progress bar on stderr."""
    from ..batch import run_batch

    def report(outcome) -> None:
        if outcome.status == "failed":
            click.echo(f"Failed: {outcome.label}: {outcome.reason}", err=True)

    if not plan.todo or not sys.stderr.isatty():
        return run_batch(plan, on_done=report)
    with click.progressbar(length=len(plan.todo), label="Drafting", file=sys.stderr) as bar:
        def advance(outcome) -> None:
            report(outcome)
            bar.update(1)

        return run_batch(plan, on_done=advance)
