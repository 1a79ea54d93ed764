"""The `drafter` entry point itself (each command has its own test file)."""

from __future__ import annotations

import os

import pytest

from drafter.cli import main


def _run_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.argv", ["drafter", "--version"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 0


def test_the_command_leaves_pydantic_plugins_unloaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)
    _run_version(monkeypatch)
    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == "__all__"


def test_a_users_own_plugin_setting_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "")
    _run_version(monkeypatch)
    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == ""
