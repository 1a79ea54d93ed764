"""Options and output helpers that several subcommands share."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click

__all__ = ["as_of_option", "policy_option", "format_option", "to_jsonable", "echo_json"]


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in YYYY-MM-DD form") from None


as_of_option = click.option(
    "--as-of", "as_of", metavar="DATE", callback=_parse_date,
    help="Count days past due to this date (YYYY-MM-DD). Default: the file's as_of, else today.",
)
policy_option = click.option(
    "--policy", "policy_name", metavar="NAME|FILE", default=None,
    help="Policy pack: a shipped name (see `drafter policy list`) or a YAML file. Default: default.",
)


def format_option(*choices: str, default: str = "text"):
    return click.option(
        "--format", "output_format", type=click.Choice(choices), default=default, show_default=True,
        help="Output format.",
    )


def to_jsonable(value: Any) -> Any:
    """pydantic models (and lists of them) as plain JSON data: Decimals as strings, dates ISO."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    return value


def echo_json(value: Any) -> None:
    click.echo(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False))
