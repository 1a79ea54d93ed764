"""Figures for the guard (drafter.guard.check) on the labelled corpus.

Usage: python benchmarks/bench_check.py [--seconds N] [--runs N]

Each corpus sentence (the development corpus, then the hold-out and external files) is checked at tiers 0-4 and with a dispute open, for an account whose terms
allow every conditional remedy and one whose terms allow none (see tests/guard_corpus.py); the
expected verdict comes from the stage table. Prints recall on the drafts that must be blocked and
the false-positive rate on the drafts that must pass (overall, per tier, per category), drafts
checked per second in process (full default pack, every rule on), and the cold start of
`drafter check` as a new process.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from guard_corpus import accounts, content_policy, corpus_items, expand, run_case  # noqa: E402

HEAVY = ("openai", "jinja2", "fastapi", "uvicorn", "httpx")


def rate(hits: int, total: int) -> str:
    return f"{hits / total:.4f} ({hits}/{total})" if total else "n/a"


def accuracy(evaluation: bool) -> None:
    policy, by_key = content_policy(), accounts()
    items = corpus_items(evaluation)
    cases = expand(items, policy, by_key)
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # caught, must block, false alarms, must pass
    misses = []
    for case in cases:
        blocked = not run_case(case, policy, by_key).passed
        keys = ["all", f"tier {case.state}" if case.state != "dispute" else "dispute"]
        keys += [f"category {c}" for c in case.asserts] or ["category (none: traps)"]
        for key in keys:
            row = tally[key]
            if case.must_block:
                row[0] += blocked
                row[1] += 1
            else:
                row[2] += blocked
                row[3] += 1
        if blocked != case.must_block:
            misses.append(case)
    label = "hold-out and external corpus" if evaluation else "development corpus"
    print(f"\n{label}: {len(items)} sentences -> {len(cases)} guard cases")
    print(f"{'':<34} {'recall (must block)':<24} {'false positives (must pass)':<24}")
    for key in ["all"] + sorted(k for k in tally if k != "all"):
        caught, must_block, false_alarms, must_pass = tally[key]
        print(f"{key:<34} {rate(caught, must_block):<24} {rate(false_alarms, must_pass):<24}")
    shown: dict[str, list[str]] = {}
    for case in misses:
        shown.setdefault(case.id, []).append(f"{case.state}/{case.terms}")
    for case_id, where in list(shown.items())[:10]:
        case = next(c for c in misses if c.id == case_id)
        verdict = "missed" if case.must_block else "false alarm"
        print(f"  {verdict}: {case_id} ({len(where)} cases): {case.text[:70]!r}")
    if len(shown) > 10:
        print(f"  ... and {len(shown) - 10} more sentences")


def realistic_drafts():
    """(draft, account) pairs: every message kind the offline composer writes for the example accounts."""
    from drafter.analysis import analyze
    from drafter.load import load_account
    from drafter.models import MESSAGE_KINDS
    from drafter.offline import compose_offline
    from drafter.policy import load_policy

    policy, pairs = load_policy("default"), []
    for path in sorted((ROOT / "examples" / "accounts").glob("*.json")):
        account = load_account(path)
        assessment = analyze(account, policy)
        for kind in MESSAGE_KINDS:
            for channel in ("email", "call"):
                pairs.append((compose_offline(account, assessment, kind, channel, policy), account))
    return pairs


def throughput(seconds: float) -> None:
    """Drafts checked per second of CPU time (the machine may be shared), full default pack."""
    from drafter.classify import classify
    from drafter.guard import check
    from drafter.load import load_account
    from drafter.policy import load_policy

    account = load_account(ROOT / "tests" / "data" / "guard-account.json")
    policy = load_policy("default")
    sentences = [(item["text"], account) for item in corpus_items()]
    for label, pairs in (("composed drafts", realistic_drafts()), ("corpus sentences", sentences)):
        texts = [d if isinstance(d, str) else d.text() for d, _ in pairs]
        average = sum(map(len, texts)) / len(texts)
        for draft, owner in pairs:
            check(draft, owner, policy)  # per-account facts are cached after the first draft
        checked, started = 0, time.process_time()
        while time.process_time() - started < seconds:
            for draft, owner in pairs:
                check(draft, owner, policy)
            checked += len(pairs)
        elapsed = time.process_time() - started
        classified, started = 0, time.process_time()
        while time.process_time() - started < seconds / 2:
            for text in texts:
                classify(text)
            classified += len(texts)
        classify_elapsed = time.process_time() - started
        per_check = elapsed / checked * 1e6
        per_classify = classify_elapsed / classified * 1e6
        print(f"throughput on {label} ({len(texts)}, ~{average:.0f} chars): {checked / elapsed:,.0f} drafts/s of CPU "
              f"({per_check:.0f} us each: classifier {per_classify:.0f} us, rules {per_check - per_classify:.0f} us)")


def cold_start(runs: int) -> None:
    account = ROOT / "tests" / "data" / "guard-account.json"
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("Hi Dana,\n\nInvoice INV-1042 for $8,500.00 was due on October 1, 2026.\n\nBest regards,\n"
                     "Jordan Reyes\n")
    command = [sys.executable, "-m", "drafter", "check", "--account", str(account), handle.name]
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False)
        timings.append((time.perf_counter() - started) * 1000)
    baseline = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        baseline.append((time.perf_counter() - started) * 1000)
    probe = ("import sys; from drafter.cli import cli\n"
             f"try: cli({command[3:]!r}, prog_name='drafter')\n"
             "except SystemExit: pass\n"
             f"print(','.join(m for m in {HEAVY!r} if m in sys.modules) or 'none')")
    heavy = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.strip()
    print(f"cold start of `drafter check`: median {statistics.median(timings):.0f} ms, best {min(timings):.0f} ms "
          f"over {runs} runs (bare python: median {statistics.median(baseline):.0f} ms); "
          f"heavy modules imported: {heavy.splitlines()[-1] if heavy else '?'}")
    Path(handle.name).unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per throughput measurement")
    parser.add_argument("--runs", type=int, default=7, help="cold-start runs")
    args = parser.parse_args()
    accuracy(evaluation=False)
    accuracy(evaluation=True)
    throughput(args.seconds)
    cold_start(args.runs)


if __name__ == "__main__":
    main()
