"""`drafter analyze`: the assessment a collector reads before a call."""

from __future__ import annotations

import json
import sys

import click

from ._shared import as_of_option, format_option, policy_option, to_jsonable

_INTENT = {"patience": "green", "pause_dispute": "cyan", "direct_conversation": "yellow",
           "standard_escalation": "yellow", "accelerated_escalation": "red"}
_TIER_COLOUR = {0: "green", 1: "green", 2: "yellow", 3: "red", 4: "red"}


@click.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@format_option("text", "json")
@as_of_option
@policy_option
def analyze(files: tuple[str, ...], output_format: str, as_of, policy_name: str | None) -> None:
    """Assess accounts: aging tier, the four factors, signals, approach and next action.

    FILE is an account (JSON or YAML), a .jsonl file of accounts, a CSV aging report (one row per
    open invoice, grouped by customer), a folder of these, or - for standard input. Nothing is sent
    anywhere: the analysis runs offline.

    A bad file gets one `Error:` line and the rest are still analysed. Exit status: 0 when all were
    analysed, 1 when some inputs were bad, 2 when the only input was bad.

    \b
    Examples:
      drafter analyze examples/accounts/acme-saas.json
      drafter analyze examples/aging.csv --format json --as-of 2026-11-23
    """
    from ..aging import iter_accounts
    from ..analysis import analyze as assess
    from ..errors import InputError
    from ..policy import load_policy

    policy = load_policy(policy_name)
    colour = sys.stdout.isatty()
    results, failures, items = [], 0, 0
    for path in files:
        for label, item in iter_accounts(path):
            items += 1
            if isinstance(item, InputError):
                failures += 1
                click.echo(f"Error: {item}", err=True)
                continue
            assessment = assess(item, policy, as_of)
            if output_format == "json":
                results.append({"source": label, **to_jsonable(assessment)})
            else:
                if results:
                    click.echo()
                click.echo(render_text(assessment, label, colour))
                results.append(label)
    if output_format == "json" and results:
        click.echo(json.dumps(results[0] if items == 1 else results, indent=2, ensure_ascii=False))
    if failures:
        click.get_current_context().exit(2 if items == 1 else 1)


def render_text(a, label: str, colour: bool = False) -> str:
    """The assessment as a collector reads it: compact, most important first."""
    from ..money import format_money

    def style(text: str, **kw) -> str:
        return click.style(text, **kw) if colour else text

    def money(by_currency) -> str:
        return " + ".join(format_money(v, c) for c, v in sorted(by_currency.items())) or "nothing"

    lines = [style(f"{a.customer}", bold=True) + f"  ({label}, as of {a.as_of})",
             style(f"Tier {a.tier}", bold=True, fg=_TIER_COLOUR.get(a.tier)) + f"  {a.tier_reason}",
             f"Open {money(a.balances)}; overdue {money(a.overdue_balances)}"]
    for inv in a.invoices:
        if inv.paused:
            state = "paused: under dispute"
        elif inv.days_past_due > 0:
            state = f"{inv.days_past_due} days late"
        else:
            state = "due today" if inv.days_past_due == 0 else f"due in {-inv.days_past_due} days"
        paid = f" (of {format_money(inv.amount, inv.currency)})" if inv.balance < inv.amount else ""
        lines.append(f"  {inv.number:<12} {format_money(inv.balance, inv.currency):>14}{paid}  "
                     f"due {inv.due}  {state}")
    lines.append(style("Factors", bold=True))
    for name in ("value", "history", "context", "risk"):
        factor = getattr(a.factors, name)
        lines.append(f"  {name:<8} {factor.level:<16} " + "; ".join(factor.facts))
    if a.signals:
        lines.append(style("Signals", bold=True))
        for signal in a.signals:
            mark = style("+", fg="green") if signal.kind == "patience" else style("-", fg="red")
            lines.append(f"  {mark} {signal.id:<26} {signal.evidence}  [{signal.source}]")
    lines.append(style("Approach", bold=True) + "  "
                 + style(a.approach, fg=_INTENT.get(a.approach), bold=True) + f": {a.approach_reason}")
    sender = a.sender_role.replace("_", " ") + (f" ({a.sender_name})" if a.sender_name else "")
    people = f"  tone {a.tone}; from {sender}; to {', '.join(a.recipients) or 'no contact on file'}"
    if a.cc:
        people += f"; cc {', '.join(a.cc)}"
    lines.append(people)
    act = a.next_action
    lines.append(style("Next", bold=True) + f"  {act.due}  {act.action}  [{act.kind}, {act.channel}]")
    allowed = ", ".join(a.allowed_categories) or "none (no pressure, deadlines or consequences)"
    lines.append(f"  may mention: {allowed}")
    for flag in a.flags:
        lines.append(style("! ", fg="yellow", bold=True) + f"{flag.id}: {flag.message}")
    return "\n".join(lines)
