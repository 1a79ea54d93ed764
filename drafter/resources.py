"""Where the data that ships with drafter lives: policy packs, prompt templates, offline templates.

In a wheel, `policies/` and `prompts/` are installed inside the package; in a source checkout
(editable install) they sit beside it at the top of the repository.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["data_dir"]

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The shipped folder `name` ("policies", "prompts" or "templates")."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"drafter's {name}/ folder is missing from this installation")
