"""Every exception drafter raises, in one place.

    DrafterError                 base class; catch this to catch everything drafter raises
    ├── InputError               bad input: an account, draft, CSV or request (exit code 2)
    │   └── PolicyError          a bad policy pack: unknown key, category or rule id
    ├── LLMError                 the model endpoint failed (unreachable, unknown model, deadline)
    └── DeliveryError            a draft could not be delivered (IMAP, disk, ...)

Each error carries the facts a caller needs to point at the problem (`file`, `field`, `line`) and
renders as one line: ``accounts/acme.json: invoices[2].due: must not be before issued``.
"""

from __future__ import annotations

__all__ = ["DrafterError", "InputError", "PolicyError", "LLMError", "DeliveryError"]


class DrafterError(Exception):
    """Base class of every error drafter raises on purpose."""


class InputError(DrafterError):
    """Input that drafter cannot accept. The CLI prints it and exits with code 2."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.field = field
        self.line = line

    def with_file(self, file: str) -> InputError:
        """The same error, naming `file` if it did not name one yet."""
        if self.file is None:
            self.file = file
        return self

    def __str__(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        parts = [p for p in (where, self.field, self.message) if p]
        return ": ".join(parts)


class PolicyError(InputError):
    """A policy pack that does not load: the message names the file, line and the valid choices."""


class LLMError(DrafterError):
    """The LLM endpoint could not produce a draft (unreachable, unknown model, timeouts, deadline)."""


class DeliveryError(DrafterError):
    """A draft could not be written or delivered (IMAP refused it, the disk is full, ...)."""
