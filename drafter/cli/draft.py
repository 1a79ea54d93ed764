"""`drafter draft`: write the next message for one account, checked against the policy."""

from __future__ import annotations

import json
import sys

import click

from ..models import MESSAGE_KINDS, DraftResult
from ._shared import as_of_option, format_option, policy_option, to_jsonable
from .log import db_option, open_log

_EXTENSIONS = {"text": ".txt", "markdown": ".md", "json": ".json", "eml": ".eml"}


@click.command()
@click.argument("file", metavar="FILE")
@click.option("--kind", type=click.Choice(MESSAGE_KINDS), default=None,
              help="Message to write. Default: the one the analysis recommends.")
@click.option("--channel", type=click.Choice(["email", "call"]), default=None,
              help="email, or call for a call script. Default: the analysis's choice.")
@click.option("--backend", type=click.Choice(["auto", "offline", "llm"]), default="auto", show_default=True,
              help="auto: the LLM if one is configured, else the offline templates.")
@format_option("text", "markdown", "json", "eml")
@policy_option
@as_of_option
@click.option("--out", "out_dir", metavar="DIR", default=None,
              help="Write the draft to a file in DIR (named after the customer and kind) instead of stdout.")
@click.option("--model", default=None, help="LLM model name (default: $DRAFTER_MODEL or drafter.toml).")
@click.option("--max-repairs", type=click.IntRange(0, 10), default=None,
              help="Repair rounds for an LLM draft with blocking findings (default 2).")
@click.option("--prompts", "prompts_dir", metavar="DIR", default=None,
              type=click.Path(exists=True, file_okay=False),
              help="A folder of Jinja2 prompt templates overriding the shipped prompts by name (LLM only).")
@click.option("--templates", "templates_dir", metavar="DIR", default=None,
              help="A folder of Jinja2 templates overriding the shipped offline templates by name.")
@db_option
@click.option("--no-log", is_flag=True, help="Do not record the draft in the audit log.")
def draft(file: str, kind: str | None, channel: str | None, backend: str, output_format: str,
          policy_name: str | None, as_of, out_dir: str | None, model: str | None,
          max_repairs: int | None, prompts_dir: str | None, templates_dir: str | None, db_path: str | None,
          no_log: bool) -> None:
    """Draft the next collections message (or call script) for the account in FILE.

    The analysis picks the kind, tone, sender and recipients; --kind and --channel override it.
    Every draft is checked against the policy before it is shown: when an LLM draft cannot be made
    to pass, the offline draft is used and a note on stderr says why. The draft, its guard report
    and how it was made are recorded in the audit log (see `drafter log`) unless --no-log. Exit status: 0 with a draft,
    1 if no draft could pass the guard, 2 for bad input.

    \b
    Examples:
      drafter draft acme.json
      drafter draft acme.json --kind payment_plan_proposal --format markdown
      drafter draft acme.json --channel call --out scripts/
      drafter draft acme.json --backend llm --model gpt-4o-mini --format json
    """
    from ..compose import draft as compose_draft
    from ..load import load_account
    from ..policy import load_policy

    account = load_account(file)
    policy = load_policy(policy_name)
    settings = None
    if backend != "offline":
        from ..config import load_settings

        settings = load_settings(model=model, max_repairs=max_repairs, prompts_dir=prompts_dir)
    result = compose_draft(account, kind=kind, channel=channel, backend=backend, policy=policy,
                           as_of=as_of, settings=settings, templates=templates_dir)
    if result.provenance.fell_back:
        click.echo(f"note: used the offline draft because {result.provenance.fallback_reason}", err=True)
    if not no_log:
        _record(result, account, policy, policy_name, file, db_path)
    output = render(result, output_format, policy)
    if out_dir is None:
        if isinstance(output, bytes):
            sys.stdout.buffer.write(output)
            sys.stdout.buffer.flush()
        else:
            click.echo(output, nl=False)
        return
    from ..files import ensure_folder, file_stem, write_atomic

    folder = ensure_folder(out_dir)
    path = folder / f"{file_stem(result.customer)}-{result.draft.kind}{_EXTENSIONS[output_format]}"
    write_atomic(path, output)
    click.echo(str(path))


def _record(result: DraftResult, account, policy, policy_name: str | None, file: str,
            db_path: str | None) -> None:
    from ..store import inputs_hash

    digest = inputs_hash(account, policy, result.draft.kind, result.assessment.as_of)
    open_log(db_path).record_draft(result, source=file, inputs_hash=digest, policy=policy_name)


def render(result: DraftResult, output_format: str, policy) -> str | bytes:
    """The result in one of the output formats (eml as bytes)."""
    if output_format == "json":
        return json.dumps(as_json(result), indent=2, ensure_ascii=False) + "\n"
    if output_format == "eml":
        from ..eml import to_eml

        return to_eml(result, policy)
    if output_format == "markdown":
        return _markdown(result)
    return _text(result)


def as_json(result: DraftResult) -> dict:
    """The JSON output: the draft, its guard report, a summary of the assessment, and provenance."""
    a = result.assessment
    return {
        "customer": result.customer,
        "draft": to_jsonable(result.draft),
        "report": to_jsonable(result.report),
        "assessment": {
            "as_of": a.as_of.isoformat(), "tier": a.tier, "days_past_due": a.days_past_due,
            "oldest_invoice": a.oldest_invoice, "currency": a.currency,
            "total_balance": None if a.total_balance is None else str(a.total_balance),
            "approach": a.approach, "tone": a.tone, "sender_role": a.sender_role,
            "recipients": a.recipients, "cc": a.cc, "next_action": to_jsonable(a.next_action),
            "flags": [flag.id for flag in a.flags],
        },
        "provenance": to_jsonable(result.provenance),
    }


def _header(result: DraftResult) -> list[tuple[str, str]]:
    d, a, p = result.draft, result.assessment, result.provenance
    backend = p.backend + (f" ({p.model})" if p.model else "") + (" after LLM fallback" if p.fell_back else "")
    warnings = sum(1 for f in result.report.findings if f.severity == "warn")
    return [
        ("Kind", f"{d.kind} ({d.channel})"),
        ("Tier", f"{a.tier}, {a.days_past_due} days past due, approach {a.approach}, tone {a.tone}"),
        ("From", d.sender or ""),
        ("To", ", ".join(d.to) or "-"),
        ("Cc", ", ".join(d.cc) or "-"),
        ("Backend", backend),
        ("Guard", f"passed ({result.report.policy} policy, {warnings} warning{'s' if warnings != 1 else ''})"),
    ]


def _text(result: DraftResult) -> str:
    lines = [f"{name + ':':<9}{value}" for name, value in _header(result)]
    return "\n".join(lines) + "\n" + "-" * 72 + "\n" + result.draft.text()


def _markdown(result: DraftResult) -> str:
    d = result.draft
    lines = [f"# {d.subject or d.kind.replace('_', ' ').capitalize()}", ""]
    lines += [f"- **{name}:** {value}" for name, value in _header(result)]
    lines += ["", "---", "", d.body]
    return "\n".join(lines)

