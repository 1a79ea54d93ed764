"""Reading files into models, with errors that name the file, the field and (where known) the line."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import InputError

__all__ = ["read_text", "yaml_loader", "parse_document", "validate", "field_path", "load_account"]

M = TypeVar("M", bound=BaseModel)


def read_text(path: str | Path) -> str:
    """The text of `path` ("-" reads standard input); InputError if it cannot be read."""
    name = str(path)
    if name == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", file=name) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", file=name) from None
    except PermissionError:
        raise InputError("permission denied", file=name) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=name) from None
    except OSError as exc:
        raise InputError(exc.strerror or str(exc), file=name) from None


def parse_document(text: str, name: str) -> Any:
    """JSON or YAML `text` as Python data. YAML is tried when the name says so or JSON fails."""
    looks_yaml = name.endswith((".yaml", ".yml"))
    if not looks_yaml:
        try:
            return json.loads(text, parse_float=str)
        except json.JSONDecodeError as exc:
            if name.endswith(".json") or text.lstrip().startswith(("{", "[")):
                raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", file=name,
                                 line=exc.lineno) from None
    import yaml  # only accounts written in YAML pay for the import

    try:
        return yaml.load(text, Loader=yaml_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"invalid YAML: {problem}", file=name,
                         line=mark.line + 1 if mark else None) from None


def field_path(loc: tuple[Any, ...]) -> str:
    """pydantic's error location as people write it: invoices[2].due."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and part.startswith(("function-", "list[", "union[")):
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


def _message(error: dict[str, Any]) -> str:
    message = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if error["type"] == "extra_forbidden":
        return "unknown field (check the spelling)"
    if error["type"] == "missing":
        return "required field is missing"
    if error["type"] == "literal_error":
        return message.replace("Input should be", "must be one of:")
    return message


def validate(model: type[M], data: Any, name: str) -> M:
    """`data` as a `model`; the first problem becomes an InputError naming the file and field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise InputError(_message(first), file=name, field=field_path(first["loc"]) or None) from None


def load_account(path: str | Path):
    """The Account in a JSON or YAML file ("-" for stdin)."""
    from .models import Account

    name = str(path)
    data = parse_document(read_text(path), name)
    if not isinstance(data, dict):
        raise InputError("expected an account object at the top level", file=name)
    return validate(Account, data, name)


@functools.cache
def yaml_loader():
    """A SafeLoader that keeps floats as their text, so 8500.10 is never rounded through a float."""
    import yaml

    class Loader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):  # C: ten times faster
        pass

    def construct_float_as_str(loader, node):
        return loader.construct_scalar(node)

    Loader.add_constructor("tag:yaml.org,2002:float", construct_float_as_str)
    return Loader
