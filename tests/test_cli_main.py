"""The `drafter` entry point itself (each command has its own test file)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from drafter.cli import _skip_plugin_loader, main

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "accounts" / "acme-saas.json"


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


def _command_in_fresh_process(setting: str | None) -> dict:
    probe = ("import json, sys\n"
             "from drafter.cli import main\n"
             "sys.argv = ['drafter', 'analyze', '--format', 'json', sys.argv[1]]\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "loader = sys.modules['pydantic.plugin._loader']\n"
             "print(json.dumps({'metadata': 'importlib.metadata' in sys.modules,\n"
             "                  'real_loader': hasattr(loader, '__file__')}))")
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if setting is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = setting
    done = subprocess.run([sys.executable, "-c", probe, str(EXAMPLE)], capture_output=True, text=True,
                          env=env, check=True)
    assert '"tier"' in done.stdout  # the command itself ran
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_with_plugins_off_the_command_never_reads_package_metadata() -> None:
    assert _command_in_fresh_process(None) == {"metadata": False, "real_loader": False}


def test_with_plugins_on_pydantic_uses_its_own_loader() -> None:
    assert _command_in_fresh_process("") == {"metadata": True, "real_loader": True}


def test_the_stand_in_loader_hands_anything_else_to_the_real_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "pydantic.plugin._loader", raising=False)
    _skip_plugin_loader()
    stand_in = sys.modules["pydantic.plugin._loader"]
    assert list(stand_in.get_plugins()) == []
    assert stand_in.PYDANTIC_ENTRY_POINT_GROUP == "pydantic"  # read from the real loader
    assert hasattr(sys.modules["pydantic.plugin._loader"], "__file__")
