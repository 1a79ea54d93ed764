"""A drafter guard rule that blocks drafts naming a competitor.

Enable it in a policy pack:

    rules:
      no-competitor-names:
        names: [Globex, Initech]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from drafter.rules import Hit, Rule


def _check(ctx: Any, options: dict[str, Any]) -> Iterator[Hit]:
    names = options.get("names") or ctx.policy.extra.get("competitors", [])
    if not names:
        return
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b", re.I)
    for match in pattern.finditer(ctx.text):
        yield Hit(match.start(), match.end(),
                  f"{match.group()} is a competitor: customers read a comparison as a threat to "
                  "take the business elsewhere.",
                  "Leave other suppliers out of the message.")


rule = Rule(
    id="no-competitor-names",
    severity="block",
    summary="No competitor named in a collections message.",
    check=_check,
    options={"names": list},
)
