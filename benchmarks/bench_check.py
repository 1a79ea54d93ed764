"""Figures for the guard (drafter.guard.check): accuracy on the labelled corpus, speed, cold start.

Usage: python benchmarks/bench_check.py [--seconds N] [--runs N]

Each corpus sentence is checked at tiers 0-4 and with a dispute open, for an account whose terms
allow every conditional remedy and one whose terms allow none (see tests/guard_corpus.py); the
expected verdict comes from the stage table. Recall on the drafts that must be blocked and the
false-positive rate on the drafts that must pass are printed per tier and per category, for the
development corpus and, separately, for each evaluation file (tests/corpus/holdout.yaml and
external-*.yaml; the sealed ones, external-b, i, m, n, o, p and q, were never read, tuned on or fitted to). Then drafts checked per wall-clock and per CPU second on realistic drafts
(the offline composer's, for every example account, message kind and channel), split into the
classifier and the rest, and the cold start of `drafter check` beside a bare interpreter.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import coldstart  # noqa: E402 (benchmarks/ is on the path when a script runs)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import yaml  # noqa: E402
from guard_corpus import (CORPUS, accounts, content_policy, corpus_items, expand, is_evaluation,  # noqa: E402
                          run_case)



def rate(hits: int, total: int) -> str:
    return f"{hits / total:.4f} ({hits}/{total})" if total else "n/a"


from drafter.category_model import SEALED_SETS  # noqa: E402 (aggregate figures only, never their sentences)


def accuracy(label: str, items: list[dict], show_misses: bool = True) -> None:
    policy, by_key = content_policy(), accounts()
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
    print(f"\n{label}: {len(items)} sentences -> {len(cases)} guard cases")
    print(f"{'':<34} {'recall (must block)':<24} {'false positives (must pass)':<24}")
    for key in ["all"] + sorted(k for k in tally if k != "all"):
        caught, must_block, false_alarms, must_pass = tally[key]
        print(f"{key:<34} {rate(caught, must_block):<24} {rate(false_alarms, must_pass):<24}")
    if not show_misses:
        return
    shown: dict[str, list[str]] = {}
    for case in misses:
        shown.setdefault(case.id, []).append(f"{case.state}/{case.terms}")
    for case_id, where in list(shown.items())[:10]:
        case = next(c for c in misses if c.id == case_id)
        verdict = "missed" if case.must_block else "false alarm"
        print(f"  {verdict}: {case_id} ({len(where)} cases): {case.text[:70]!r}")
    if len(shown) > 10:
        print(f"  ... and {len(shown) - 10} more sentences")


def evaluation_files() -> list[Path]:
    """The hold-out and external files, each measured on its own."""
    return [path for path in sorted(CORPUS.glob("*.yaml")) if is_evaluation(path)]


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
    """Drafts checked per wall-clock and per CPU second (the machine may be shared), full default pack."""
    from drafter.classify import classify
    from drafter.guard import check
    from drafter.load import load_account
    from drafter.policy import load_policy

    account = load_account(ROOT / "tests" / "data" / "guard-account.json")
    policy = load_policy("default")
    sentences = [(item["text"], account) for item in corpus_items()]
    for label, pairs in (("realistic drafts", realistic_drafts()), ("corpus sentences", sentences)):
        texts = [d if isinstance(d, str) else d.text() for d, _ in pairs]
        average = sum(map(len, texts)) / len(texts)
        for draft, owner in pairs:
            check(draft, owner, policy)  # per-account facts are cached after the first draft
        checked, wall, cpu = 0, time.perf_counter(), time.process_time()
        while time.process_time() - cpu < seconds:
            for draft, owner in pairs:
                check(draft, owner, policy)
            checked += len(pairs)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        classified, started = 0, time.process_time()
        while time.process_time() - started < seconds / 2:
            for text in texts:
                classify(text)
            classified += len(texts)
        per_check = cpu / checked * 1e6
        per_classify = (time.process_time() - started) / classified * 1e6
        print(f"{label} ({len(texts)}, ~{average:.0f} chars): {checked / wall:,.0f} drafts/s wall clock, "
              f"{checked / cpu:,.0f} per CPU second ({per_check:.0f} us each: classifier {per_classify:.0f} us, "
              f"rules and grounding {per_check - per_classify:.0f} us)")


def cold_start_of_check(runs: int) -> None:
    account = ROOT / "tests" / "data" / "guard-account.json"
    with tempfile.TemporaryDirectory() as folder:
        draft = Path(folder) / "reply.txt"
        draft.write_text("Hi Dana,\n\nInvoice INV-1042 for $8,500.00 was due on October 1, 2026.\n\n"
                         "Best regards,\nJordan Reyes\n")
        measured = coldstart.measure(["check", "--no-log", "--account", str(account), str(draft)], runs)
    print(measured.report("drafter check", 250))


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min) on {os.cpu_count()} CPUs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="CPU time per throughput measurement")
    parser.add_argument("--runs", type=int, default=9, help="cold starts of each command (median)")
    parser.add_argument("--skip-accuracy", action="store_true", help="speed and cold start only")
    args = parser.parse_args()
    print(f"load average before: {load_average()}")
    throughput(args.seconds)  # first, in a fresh process: the accuracy runs leave many objects behind
    cold_start_of_check(args.runs)
    print(f"load average after the speed runs: {load_average()}")
    if not args.skip_accuracy:
        accuracy("development corpus", corpus_items())
        for path in evaluation_files():
            sealed = path.name in SEALED_SETS
            accuracy(f"evaluation file {path.name}" + (" (sealed: aggregate figures only)" if sealed else ""),
                     yaml.safe_load(path.read_text(encoding="utf-8")) or [], show_misses=not sealed)


if __name__ == "__main__":
    main()
