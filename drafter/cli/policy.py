"""`drafter policy`: list, show and lint policy packs."""

from __future__ import annotations

import sys

import click

from ._shared import echo_json, format_option


@click.group()
def policy() -> None:
    """List the shipped policy packs, show what one allows at each stage, or lint your own."""


@policy.command(name="list")
def list_packs() -> None:
    """List the shipped policy packs with a one-line description."""
    from ..policy import load_policy, pack_names

    for name in pack_names():
        description = " ".join(load_policy(name).description.split())
        click.echo(f"{name:<18} {description}")


@policy.command()
@click.argument("name", metavar="NAME|FILE")
@format_option("text", "json")
def show(name: str, output_format: str) -> None:
    """Show a pack after `extends:` is applied: tiers, the stage table, remedies, offers and rules."""
    from ..policy import load_policy
    from ..rules import active_rules

    pack = load_policy(name)
    if output_format == "json":
        echo_json(pack.model_dump(mode="json", exclude={"source"}))
        return
    click.echo(f"{pack.name}" + (f" (extends {pack.extends})" if pack.extends else "") + f": {pack.source}")
    click.echo(f"  {' '.join(pack.description.split())}")
    starts = pack.tiers.starts
    click.echo(f"tiers: 1 from {starts[0]} days, 2 from {starts[1]}, 3 from {starts[2]}, 4 from {starts[3]}; "
               f"write-off review after {pack.tiers.write_off_days}")
    click.echo("stages:")
    for key, stage in pack.stages.items():
        label = "dispute" if key == "dispute" else f"tier {key}"
        allowed = ", ".join(c if cond == "always" else f"{c} (if {cond})" for c, cond in stage.allow.items())
        click.echo(f"  {label:<8} allows: {allowed or 'nothing'}")
        click.echo(f"  {'':<8} requires: {', '.join(stage.require) or 'nothing'}")
    click.echo(f"always forbidden: {', '.join(pack.always_forbidden)}")
    click.echo(f"remedies used: {', '.join(pack.remedies) or 'none'}")
    offers = pack.offers
    click.echo(f"offers: plans from tier {offers.plan_from_tier}, at most {offers.max_plan_months} months, "
               f"first payment at least {offers.min_first_payment_pct}%, discount at most {offers.max_discount_pct}%")
    if pack.jurisdiction:
        _show_jurisdiction(pack.jurisdiction)
    click.echo("rules:")
    for rule, severity, options in active_rules(pack):
        extra = f" {options}" if options else ""
        click.echo(f"  {rule.id:<18} {severity:<5} {rule.summary}{extra}")


def _show_jurisdiction(jurisdiction) -> None:
    click.echo(f"jurisdiction: {jurisdiction.name}")
    if jurisdiction.calls:
        calls = jurisdiction.calls
        limit = f", at most {calls.max_attempts} in {calls.per_days} days" if calls.max_attempts else ""
        click.echo(f"  calls: {calls.window_start:%H:%M}-{calls.window_end:%H:%M}{limit}")
    if jurisdiction.statutory:
        law = jurisdiction.statutory
        bands = ", ".join(f"{b.amount} from {b.min_debt}" for b in law.compensation)
        click.echo(f"  {law.law}: interest at {law.reference_rate} + {law.margin_pct}%; "
                   f"compensation ({law.currency}{', at least' if law.compensation_is_minimum else ''}): {bands}")
    for label, text in (("disclosure", jurisdiction.disclosure), ("opt-out", jurisdiction.opt_out)):
        if text:
            click.echo(f"  {label}: {' '.join(text.split())}")


@policy.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
def lint(files: tuple[str, ...]) -> None:
    """Check policy packs: errors (unknown keys, categories, rule ids) name the file, line and valid
    choices; warnings point at settings that cannot do what they seem to. Exit 2 if any pack has an
    error, 0 otherwise."""
    from ..errors import PolicyError
    from ..policy import lint_policy

    failed = False
    for file in files:
        try:
            warnings = lint_policy(file)
        except PolicyError as exc:
            failed = True
            click.echo(f"Error: {exc}", err=True)
            continue
        for warning in warnings:
            click.echo(f"{file}: warning: {warning}")
        if not warnings:
            click.echo(f"{file}: ok")
    if failed:
        sys.exit(2)
