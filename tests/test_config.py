"""LLM settings: precedence (overrides > env > drafter.toml > [tool.drafter]), errors, the secret key."""

from __future__ import annotations

import pytest

from drafter.config import Settings, load_settings
from drafter.errors import InputError


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DRAFTER_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults_without_any_configuration():
    settings = load_settings()
    assert settings.max_repairs == 2
    assert settings.structured_output == "auto"
    assert not settings.llm_configured


def test_drafter_toml_is_read(tmp_path):
    (tmp_path / "drafter.toml").write_text('base_url = "http://localhost:8080/v1"\nmodel = "m1"\n'
                                           "max_repairs = 1\ntimeout = 5\n")
    settings = load_settings()
    assert (settings.base_url, settings.model, settings.max_repairs, settings.timeout) == (
        "http://localhost:8080/v1", "m1", 1, 5.0)
    assert settings.llm_configured


def test_pyproject_tool_table_is_read_when_there_is_no_drafter_toml(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.drafter]\nmodel = "m2"\n'
                                             'structured_output = "text"\n')
    settings = load_settings()
    assert settings.model == "m2"
    assert settings.structured_output == "text"


def test_drafter_toml_wins_over_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.drafter]\nmodel = "from-pyproject"\n')
    (tmp_path / "drafter.toml").write_text('model = "from-drafter-toml"\n')
    assert load_settings().model == "from-drafter-toml"


def test_environment_beats_file_and_overrides_beat_environment(tmp_path, monkeypatch):
    (tmp_path / "drafter.toml").write_text('model = "file"\nbase_url = "http://file/v1"\n')
    monkeypatch.setenv("DRAFTER_MODEL", "env")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://env/v1")
    settings = load_settings(model="cli", base_url=None)
    assert settings.model == "cli"
    assert settings.base_url == "http://env/v1"  # None overrides fall through


def test_unknown_key_names_the_file_and_the_key(tmp_path):
    (tmp_path / "drafter.toml").write_text('modle = "typo"\n')
    with pytest.raises(InputError) as caught:
        load_settings()
    assert str(caught.value).startswith("drafter.toml: modle: unknown key")


def test_bad_value_names_the_file_and_the_key(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.drafter]\nmax_repairs = "lots"\n')
    with pytest.raises(InputError) as caught:
        load_settings()
    assert caught.value.file == "pyproject.toml [tool.drafter]"
    assert caught.value.field == "max_repairs"


def test_invalid_toml_is_an_input_error(tmp_path):
    (tmp_path / "drafter.toml").write_text("model = \n")
    with pytest.raises(InputError, match="drafter.toml: invalid TOML"):
        load_settings()


def test_api_key_may_not_be_written_in_a_file(tmp_path):
    (tmp_path / "drafter.toml").write_text('api_key = "sk-in-a-file"\n')
    with pytest.raises(InputError, match="OPENAI_API_KEY"):
        load_settings()


def test_bad_override_names_the_option():
    with pytest.raises(InputError) as caught:
        load_settings(max_repairs=-1)
    assert caught.value.field == "max_repairs"


def test_api_key_is_never_printed_or_serialised(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-very-secret-value")
    monkeypatch.setenv("DRAFTER_MODEL", "gpt-x")
    settings = load_settings()
    assert settings.llm_configured  # a key and a model are enough (OpenAI's own endpoint)
    assert settings.api_key.get_secret_value() == "sk-very-secret-value"
    for rendering in (repr(settings), str(settings), settings.model_dump_json(), str(settings.model_dump())):
        assert "sk-very-secret-value" not in rendering


def test_llm_configured_needs_a_model():
    assert not Settings(base_url="http://localhost:8765/v1").llm_configured
    assert Settings(base_url="http://localhost:8765/v1", model="m").llm_configured
