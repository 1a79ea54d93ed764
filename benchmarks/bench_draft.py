"""Offline drafting speed, and the cold start of `drafter draft --backend offline`.

Targets: at least 1,000 offline drafts a second in process on one core (templates rendered, not
checked), and a cold start under 300 ms, with the `openai` client never imported on that path.

    python benchmarks/bench_draft.py
"""

from __future__ import annotations

import time
from pathlib import Path

import coldstart  # noqa: E402 (benchmarks/ is on the path when a script runs)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples" / "accounts").glob("*.json"))


def drafts_per_second(seconds: float = 3.0) -> tuple[float, float]:
    from drafter.analysis import analyze
    from drafter.guard import check
    from drafter.load import load_account
    from drafter.models import MESSAGE_KINDS
    from drafter.offline import compose_offline
    from drafter.policy import load_policy

    policy = load_policy()
    cases = []
    for path in EXAMPLES:
        account = load_account(path)
        cases.append((account, analyze(account, policy)))
    jobs = [(a, s, kind) for a, s in cases for kind in MESSAGE_KINDS
            if any(i.balance > 0 and not i.disputed for i in s.invoices) or kind == "dispute_acknowledgement"]
    compose_offline(*jobs[0][:2], jobs[0][2], "email", policy)  # compile the templates once

    def rate(step) -> float:
        done, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            for account, assessment, kind in jobs:
                step(account, assessment, kind)
            done += len(jobs)
        return done / (time.perf_counter() - start)

    render = rate(lambda a, s, k: compose_offline(a, s, k, "email", policy))
    checked = rate(lambda a, s, k: check(compose_offline(a, s, k, "email", policy), a, policy,
                                         tier=s.tier, as_of=s.as_of, assessment=s))
    return render, checked


def main() -> None:
    render, checked = drafts_per_second()
    print(f"offline drafts rendered per second (one core):         {render:,.0f}   (target >= 1,000)")
    print(f"offline drafts rendered and checked per second:         {checked:,.0f}")
    account = ROOT / "examples" / "accounts" / "acme-saas.json"
    measured = coldstart.measure(["draft", str(account), "--backend", "offline", "--no-log"], runs=7)
    print(measured.report("drafter draft FILE --backend offline", 300))
    print(f"openai imported on the offline path: {'yes (regression)' if 'openai' in measured.heavy else 'no'}")


if __name__ == "__main__":
    main()
