"""Batch throughput: offline drafting of many accounts with the audit log on, and LLM drafting against a
local OpenAI-compatible server with a fixed latency, compared with the ideal N x latency / concurrency.

    python benchmarks/bench_batch.py                 # 10,000 offline accounts; 200 LLM accounts
    python benchmarks/bench_batch.py --accounts 2000 --llm-accounts 80 --latency 0.5 --concurrency 8
    python benchmarks/bench_batch.py --accounts 2000 --llm-accounts 0 --jobs 1   # offline only, no workers

Targets: offline >= 500 accounts/s (with the default --jobs: one worker process per CPU); LLM wall
time within 20% of the ideal. The output folder is in the temporary directory: TMPDIR=/dev/shm
measures drafting without the disk.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from delivery_fixtures import generated_account  # noqa: E402
from fake_openai import offline_replies, run_in_subprocess  # noqa: E402

from drafter.batch import plan_batch, run_batch, summarize, write_summary  # noqa: E402
from drafter.config import load_settings  # noqa: E402
from drafter.store import AuditLog  # noqa: E402
from drafter.workers import default_jobs  # noqa: E402


def write_accounts(path: Path, count: int) -> list[dict]:
    accounts = [generated_account(i) for i in range(count)]
    path.write_text("".join(json.dumps(a) + "\n" for a in accounts))
    return accounts


def offline(count: int, jobs: int, work: Path) -> None:
    write_accounts(work / "accounts.jsonl", count)
    with AuditLog(work / "audit.db") as log:
        started = time.perf_counter()
        plan = plan_batch([str(work / "accounts.jsonl")], work / "out", backend="offline", log=log,
                          jobs=jobs)
        planned = time.perf_counter()
        outcomes = run_batch(plan)
        write_summary(summarize(plan, outcomes), work / "out")
        finished = time.perf_counter()
        logged = len(log.list())
    failed = sum(o.status == "failed" for o in outcomes)
    total = finished - started
    print(f"offline batch, jobs {jobs}: {count} accounts in {total:.2f} s = "
          f"{count / total:,.0f} accounts/s (read + analyse {planned - started:.2f} s, draft + check + write + log "
          f"{finished - planned:.2f} s); {failed} failed; {logged} drafts in the audit log; "
          f"target >= 500 accounts/s: {'met' if count / total >= 500 else 'MISSED'}")

    started = time.perf_counter()
    plan = plan_batch([str(work / "accounts.jsonl")], work / "out", backend="offline")
    run_batch(plan)
    rerun = time.perf_counter() - started
    print(f"offline re-run (all already done): {rerun:.2f} s, {len(plan.done)} skipped, "
          f"{len(plan.todo)} drafted again")


def llm(count: int, latency: float, concurrency: int, work: Path) -> None:
    accounts = write_accounts(work / "llm.jsonl", count)
    server, base_url = run_in_subprocess(offline_replies(accounts), latency, work)
    try:
        settings = load_settings(base_url=base_url, api_key="bench", model="fake-model")
        plan = plan_batch([str(work / "llm.jsonl")], work / "llm-out", backend="llm", settings=settings,
                          concurrency=concurrency, log=AuditLog(work / "llm-audit.db"))
        started = time.perf_counter()
        outcomes = run_batch(plan)
        wall = time.perf_counter() - started
        import httpx

        stats = httpx.get(base_url.removesuffix("/v1") + "/stats").json()
        requests, peak = stats["requests"], stats["peak"]
    finally:
        server.terminate()
        server.wait()
    ideal = requests * latency / concurrency
    by_llm = sum(o.status == "passed" for o in outcomes)
    print(f"llm batch: {count} accounts, {requests} requests at {latency * 1000:.0f} ms, concurrency "
          f"{concurrency} (peak in flight {peak}): {wall:.2f} s; ideal {ideal:.2f} s; "
          f"{(wall / ideal - 1) * 100:+.1f}% over ideal; {by_llm} drafts by the model; "
          f"target within 20%: {'met' if wall <= ideal * 1.2 else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--llm-accounts", type=int, default=200)
    parser.add_argument("--latency", type=float, default=1.0,
                        help="seconds per model reply (hosted models take one to several seconds)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--jobs", type=int, default=default_jobs(),
                        help="offline worker processes (default: one per CPU)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="drafter-bench-") as work:
        offline(args.accounts, args.jobs, Path(work))
        if args.llm_accounts:
            llm(args.llm_accounts, args.latency, args.concurrency, Path(work))


if __name__ == "__main__":
    main()
