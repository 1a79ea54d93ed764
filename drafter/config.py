"""LLM settings: where the model is, which one, and how hard to try before falling back.

Each setting is read from, highest precedence first:

1. keyword overrides (the CLI's options) passed to `load_settings`;
2. the environment: OPENAI_API_KEY, OPENAI_BASE_URL, DRAFTER_MODEL;
3. `drafter.toml` in the current directory, or else `[tool.drafter]` in `./pyproject.toml`.

The API key is a secret: it is never printed, logged or serialised, and it may not be written in a
settings file (files get committed; the key belongs in the environment).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from .errors import InputError
from .load import field_path

__all__ = ["Settings", "load_settings", "ENV_VARS", "STRUCTURED_OUTPUT_MODES"]

ENV_VARS = {"api_key": "OPENAI_API_KEY", "base_url": "OPENAI_BASE_URL", "model": "DRAFTER_MODEL"}
STRUCTURED_OUTPUT_MODES = ("auto", "json_schema", "json_object", "text")


class Settings(BaseModel):
    """How drafter talks to an OpenAI-compatible endpoint."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    base_url: str | None = None
    api_key: SecretStr | None = Field(default=None, exclude=True, repr=False)
    model: str | None = None
    max_repairs: int = Field(default=2, ge=0, le=10)  # repair rounds after the first draft
    timeout: float = Field(default=60.0, gt=0)  # seconds, per request
    deadline: float = Field(default=240.0, gt=0)  # seconds, for everything one draft takes
    max_retries: int = Field(default=2, ge=0, le=10)  # per request, on timeouts, 429 and 5xx
    temperature: float = Field(default=0.3, ge=0, le=2)
    max_tokens: int = Field(default=700, ge=64, le=8192)  # caps a runaway reply
    seed: int | None = None  # passed to servers that honour it, for repeatable drafts
    prompts_dir: Path | None = None  # a folder whose templates override the shipped prompts
    structured_output: Literal[STRUCTURED_OUTPUT_MODES] = "auto"  # type: ignore[valid-type]

    @property
    def llm_configured(self) -> bool:
        """True when there is a model and somewhere to send it (an endpoint or an API key)."""
        return bool(self.model and (self.base_url or self.api_key))

    def endpoint(self) -> str:
        """The endpoint in words, for messages: the base URL, or OpenAI's when none is set."""
        return self.base_url or "https://api.openai.com/v1"


FILE_KEYS = tuple(name for name in Settings.model_fields if name != "api_key")


def load_settings(**overrides: Any) -> Settings:
    """Settings from overrides, then the environment, then the config file (see the module doc).

    Overrides that are None are ignored, so CLI options that were not given fall through.
    """
    values: dict[str, Any] = {}
    source, file_values = _file_settings(Path.cwd())
    values.update(file_values)
    for name, variable in ENV_VARS.items():
        if os.environ.get(variable):
            values[name] = os.environ[variable]
    values.update({name: value for name, value in overrides.items() if value is not None})
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        key = field_path(first["loc"])
        origin = _origin(key, overrides, source, file_values)
        raise InputError(first["msg"].removeprefix("Value error, "), file=origin, field=key) from None


def _origin(key: str, overrides: dict[str, Any], source: str | None, file_values: dict) -> str | None:
    """Where a bad value came from, so the error can point there."""
    if overrides.get(key) is not None:
        return None
    if key in ENV_VARS and os.environ.get(ENV_VARS[key]):
        return ENV_VARS[key]
    return source if key in file_values else None


def _file_settings(directory: Path) -> tuple[str | None, dict[str, Any]]:
    """The settings written in `drafter.toml`, or else in `[tool.drafter]` of `pyproject.toml`."""
    own = directory / "drafter.toml"
    if own.is_file():
        return own.name, _checked(_read_toml(own), own.name)
    pyproject = directory / "pyproject.toml"
    if pyproject.is_file():
        table = _read_toml(pyproject).get("tool", {}).get("drafter")
        if table is not None:
            if not isinstance(table, dict):
                raise InputError("must be a table", file=pyproject.name, field="tool.drafter")
            return f"{pyproject.name} [tool.drafter]", _checked(table, f"{pyproject.name} [tool.drafter]")
    return None, {}


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", file=path.name) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", file=path.name) from None


def _checked(table: dict[str, Any], source: str) -> dict[str, Any]:
    for key in table:
        if key == "api_key":
            raise InputError(f"do not write the API key in a file; set {ENV_VARS['api_key']} instead",
                             file=source, field=key)
        if key not in FILE_KEYS:
            raise InputError(f"unknown key; valid keys: {', '.join(FILE_KEYS)}", file=source, field=key)
    return dict(table)
