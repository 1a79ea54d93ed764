"""drafter: collections drafts you can trust.

The public API (everything else is private and may change)::

    import drafter
    account = drafter.load_account("acme.json")
    assessment = drafter.analyze(account)                 # tier, factors, signals, approach
    result = drafter.draft(account)                       # a checked draft, offline or by LLM
    report = drafter.check(result.draft, account)         # policy findings with character spans

Names are imported lazily so that `import drafter` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "analyze": "analysis",
    "check": "guard",
    "draft": "compose",
    "load_account": "load",
    "load_accounts": "aging",
    "load_policy": "policy",
    "Policy": "policy",
    "Account": "models",
    "Assessment": "models",
    "Draft": "models",
    "Finding": "models",
    "Report": "models",
    "DrafterError": "errors",
    "InputError": "errors",
    "PolicyError": "errors",
    "LLMError": "errors",
    "DeliveryError": "errors",
}

__all__ = sorted(_EXPORTS) + ["__version__"]

if TYPE_CHECKING:  # pragma: no cover
    from .errors import DeliveryError, DrafterError, InputError, LLMError, PolicyError
    from .load import load_account
    from .models import Account, Assessment, Draft, Finding, Report
    from .policy import Policy, load_policy


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'drafter' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module_name}", __name__), name)
    globals()[name] = value
    return value
