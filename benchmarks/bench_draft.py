"""Offline drafting speed, and the cold start of `drafter draft --backend offline`.

Targets: at least 1,000 offline drafts a second in process on one core (templates rendered, not
checked), and a cold start under 300 ms, with the `openai` client never imported on that path.

    python benchmarks/bench_draft.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

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


def cold_start(runs: int = 7) -> tuple[float, bool]:
    account = str(ROOT / "examples" / "accounts" / "acme-saas.json")
    probe = ("import sys, runpy; sys.argv = ['drafter', 'draft', %r, '--backend', 'offline'];"
             "import atexit; atexit.register(lambda: sys.stderr.write('OPENAI=%%s\\n' %% ('openai' in sys.modules)));"
             "from drafter.cli import main; main()") % account
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DRAFTER_MODEL")}
    times, imported = [], False
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT)
        times.append((time.perf_counter() - start) * 1000)
        if done.returncode != 0:
            raise SystemExit(f"drafter draft failed: {done.stderr}")
        imported |= "OPENAI=True" in done.stderr
    return statistics.median(times), imported


def main() -> None:
    render, checked = drafts_per_second()
    print(f"offline drafts rendered per second (one core):         {render:,.0f}   (target >= 1,000)")
    print(f"offline drafts rendered and checked per second:         {checked:,.0f}")
    median, imported = cold_start()
    print(f"cold start, drafter draft FILE --backend offline:       {median:.0f} ms median   (target < 300 ms)")
    print(f"openai imported on the offline path:                    {'yes (regression)' if imported else 'no'}")


if __name__ == "__main__":
    main()
