"""The `drafter` command. Each subcommand lives in its own module and is imported only when used,
so `drafter analyze` never pays for the LLM client or the HTTP server."""

from __future__ import annotations

import importlib
import os
import sys
import types

import click

from ..errors import DrafterError, InputError

# command name -> module in this package that defines a click command of the same name
COMMANDS = {
    "analyze": "analyze",
    "check": "check",
    "draft": "draft",
    "policy": "policy",
    "batch": "batch",
    "push": "push",
    "serve": "serve",
    "log": "log",
    "review": "review",
}


class LazyGroup(click.Group):
    """Loads a subcommand's module on first use; turns drafter's errors into `Error: ...` lines."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if self._load(name) is not None)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._load(name)

    def _load(self, name: str) -> click.Command | None:
        module_name = COMMANDS.get(name)
        if module_name is None:
            return None
        try:
            module = importlib.import_module(f"{__name__}.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{module_name}":
                return None  # not built in this version
            raise
        return getattr(module, name.replace("-", "_"))

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InputError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(2)
        except DrafterError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="drafter")
def cli() -> None:
    """Draft collections emails and call scripts for B2B accounts, and check them against policy.

    Start with `drafter analyze ACCOUNT.json` to see how hard to push, then `drafter draft` to write
    the message and `drafter check` to review any draft, whoever wrote it.
    """


def main() -> None:
    # pydantic looks for third-party plugins in every installed package's metadata the first time it
    # builds a validator, which costs each command a few milliseconds; the command uses none. Anyone who
    # wants theirs can set PYDANTIC_DISABLE_PLUGINS themselves (to an empty string, say).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] in _PLUGINS_OFF:
        _skip_plugin_loader()
    cli(prog_name="drafter")


_PLUGIN_LOADER = "pydantic.plugin._loader"
_PLUGINS_OFF = ("__all__", "1", "true")  # the values pydantic itself reads as "no plugins at all"


def _skip_plugin_loader() -> None:
    """Even with plugins off, pydantic imports its plugin loader, and with it importlib.metadata
    (about a tenth of a command's start-up), only to read the setting. A stand-in answers "no plugins",
    which is what the real loader answers then; anything else asked of it loads the real one."""
    if _PLUGIN_LOADER in sys.modules:
        return
    stand_in = types.ModuleType(_PLUGIN_LOADER)
    stand_in.get_plugins = tuple  # type: ignore[attr-defined]

    def load_the_real_loader(name: str):
        if name.startswith("__"):  # the import system asking what kind of module this is
            raise AttributeError(name)
        del sys.modules[_PLUGIN_LOADER]
        return getattr(importlib.import_module(_PLUGIN_LOADER), name)

    stand_in.__getattr__ = load_the_real_loader  # type: ignore[attr-defined]
    sys.modules[_PLUGIN_LOADER] = stand_in
