"""Accuracy and speed figures for drafter.classify.

Usage: python3 benchmarks/bench_classify.py [--seconds N]

Prints per-category recall and false-positive rate over the labelled corpus
(tests/corpus/*.yaml; hold-out, paraphrase and external sets excluded), the same figures for the
hold-out file, the paraphrase development set and each external set (the sealed external-b, i, m, n, o, p and q: aggregate
figures only, never their cases), the first-call cost in a fresh process, and throughput (wall and CPU time).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drafter.category_model import SEALED_SETS  # noqa: E402 (only aggregate figures may be printed)

CORPUS_DIR = ROOT / "tests" / "corpus"
HOLDOUT = "holdout.yaml"
EXTERNAL_TUNING = "external-a.yaml"  # an independent author's set, tuned on after its first scoring
PARAPHRASE = "paraphrase.yaml"  # development set of idioms and euphemisms, written before the rules were widened
NOT_CORPUS = (HOLDOUT, PARAPHRASE)  # and every external-*.yaml


def in_corpus(path: Path) -> bool:
    return path.name not in NOT_CORPUS and not path.name.startswith("external")

BENIGN_DRAFT = (
    "Hi Dana,\n\nI hope the month is going well. A quick note that invoice INV-1042 for $8,500.00 was due on "
    "October 1 and is now 12 days past due. You can pay online through the link below, or by ACH to the account "
    "printed on the invoice. If it has already gone out, please ignore this message. If anything on the invoice "
    "looks off, reply and I will fix it. Could you tell me who looks after payables on your side now? I have "
    "attached the invoice and the signed delivery note. We can also split the balance into two payments if "
    "that helps, and I'm happy to set up a short call with your controller this week.\n\nBest regards,\n"
    "Priya Shah\nAccounts Receivable, Northwind Supply"
)
THREAT_DRAFT = (
    "Dear Mr Ortiz,\n\nFINAL NOTICE. Invoice INV-77 for $42,000 is 120 days past due and must be paid by "
    "December 5. Otherwise we will suspend your service, hand the account to an outside collection agency and "
    "ask our attorneys to file suit. We will report the debt to Dun & Bradstreet, enforce the personal "
    "guarantee you signed, and our crew will pick up the excavators. A late fee of 1.5% per month keeps "
    "accruing. This is urgent. Your suppliers will hear about this. Your team is incompetent. We may call the "
    "police. You'd better watch your back.\n\nRegards,\nCFO"
)


def load(paths: list[Path]) -> list[dict]:
    return [case for path in paths for case in yaml.safe_load(path.read_text(encoding="utf-8"))]


def evaluate(cases: list[dict], categories: tuple[str, ...], classify) -> dict:
    found = [{s.category for s in classify(case["text"])} for case in cases]
    wanted = [set(case["asserts"]) for case in cases]
    per_category = {}
    for category in categories:
        positives = [category in f for f, w in zip(found, wanted) if category in w]
        negatives = [category in f for f, w in zip(found, wanted) if category not in w]
        per_category[category] = (
            sum(positives), len(positives), sum(negatives), len(negatives),
        )
    labels = sum(len(w) for w in wanted)
    hits = sum(len(f & w) for f, w in zip(found, wanted))
    traps = [bool(f) for f, w in zip(found, wanted) if not w]
    exact = sum(f == w for f, w in zip(found, wanted))
    misses = [(case["id"], sorted(w), sorted(f)) for case, f, w in zip(cases, found, wanted) if f != w]
    return {
        "per_category": per_category, "recall": hits / labels if labels else 1.0,
        "trap_fp": sum(traps) / len(traps) if traps else 0.0, "traps": len(traps),
        "threats": len(cases) - len(traps), "exact": exact / len(cases) if cases else 1.0,
        "cases": len(cases), "misses": misses, "show_misses": True,
    }


def report(title: str, result: dict) -> None:
    print(f"\n== {title}: {result['cases']} cases ({result['threats']} threats, {result['traps']} traps)")
    print(f"{'category':<20} {'recall':>14} {'false-positive rate':>24}")
    for category, (tp, pos, fp, neg) in result["per_category"].items():
        recall = f"{tp / pos:.3f} ({tp}/{pos})" if pos else "n/a"
        fp_rate = f"{fp / neg:.4f} ({fp}/{neg})" if neg else "n/a"
        print(f"{category:<20} {recall:>14} {fp_rate:>24}")
    print(f"overall recall on asserted categories: {result['recall']:.4f}")
    print(f"false-positive rate on traps (any finding): {result['trap_fp']:.4f}")
    print(f"exact-set accuracy: {result['exact']:.4f}")
    for case_id, wanted, found in (result["misses"] if result["show_misses"] else []):
        print(f"  miss {case_id}: wanted {wanted} found {found}")


def make_drafts(cases: list[dict], count: int, size: int = 1500) -> list[str]:
    rng = random.Random(7)
    texts = [case["text"] for case in cases]
    drafts = []
    for _ in range(count):
        parts = ["Hi Dana,\n"]
        while sum(map(len, parts)) < size:
            parts.append(rng.choice(texts))
        parts.append("\nBest regards,\nPriya Shah\nAccounts Receivable")
        drafts.append(" ".join(parts))
    return drafts


TYPICAL_PREFIXES = ("draft-t1", "draft-t2", "draft-t3", "draft-t4", "draft-dispute", "draft-plan", "draft-thanks",
                    "draft-md", "draft-call", "trap-neutral", "trap-reassure")


def throughput(classify, items: list[str], seconds: float) -> tuple[float, float]:
    """Items per second of wall time and of CPU time: the best of several passes (the machine is shared)."""
    best_wall = best_cpu = float("inf")
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or best_wall == float("inf"):
        wall, cpu = time.perf_counter(), time.process_time()
        for item in items:
            classify(item)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return len(items) / best_wall, len(items) / max(best_cpu, 1e-9)


def first_call_ms(text: str) -> tuple[float, float]:
    """Wall and CPU milliseconds of the first classify() in a fresh process (bytecode cached, as installed)."""
    code = (
        "import sys, time, drafter.classify as m; text = sys.stdin.read(); "
        "w, c = time.perf_counter(), time.process_time(); m.classify(text); "
        "print((time.perf_counter() - w) * 1000, (time.process_time() - c) * 1000)"
    )
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        command = [sys.executable, "-X", f"pycache_prefix={cache}", "-c", code]
        runs = [tuple(map(float, subprocess.run(command, cwd=ROOT, env=env, input=text, capture_output=True,
                                                text=True, check=True).stdout.split())) for _ in range(6)]
    return min(run[0] for run in runs[1:]), min(run[1] for run in runs[1:])


def import_time_ms() -> float:
    """Import cost with bytecode cached (as in an installed wheel), dataclasses and re already loaded."""
    code = (
        "import time, dataclasses, re; t = time.perf_counter(); import drafter.classify; "
        "print((time.perf_counter() - t) * 1000)"
    )
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        command = [sys.executable, "-X", f"pycache_prefix={cache}", "-c", code]
        runs = [float(subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                                     check=True).stdout) for _ in range(6)]
    return min(runs[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time budget per throughput run")
    args = parser.parse_args()

    import_ms = import_time_ms()
    benign_first = first_call_ms(BENIGN_DRAFT)
    threat_first = first_call_ms(THREAT_DRAFT)
    from drafter import classify as module

    corpus_paths = [p for p in sorted(CORPUS_DIR.glob("*.yaml")) if in_corpus(p)]
    corpus = load(corpus_paths)
    report("corpus", evaluate(corpus, module.CATEGORIES, module.classify))
    holdout_path = CORPUS_DIR / HOLDOUT
    if holdout_path.exists():
        report("hold-out (fixed after its first scoring; first scores in docs/classifier.md)",
               evaluate(load([holdout_path]), module.CATEGORIES, module.classify))
    later_sets = [(path.name, f"{path.stem} (independent author; tuned on after its first scoring and fitted by "
                              "the category model, first score in docs/classifier.md)")
                  for path in sorted(CORPUS_DIR.glob("external-*.yaml"))
                  if path.name != EXTERNAL_TUNING and path.name not in SEALED_SETS]
    sealed = [(name, f"{name.removesuffix('.yaml')} (sealed: never read, tuned on or fitted; aggregate figures only)")
              for name in SEALED_SETS]
    for name, title in ((PARAPHRASE, "paraphrase (development set; first score in docs/classifier.md)"),
                        (EXTERNAL_TUNING, "external-a (independent author; tuned on after its first scoring)"),
                        *sealed, *later_sets):
        if (CORPUS_DIR / name).exists():
            result = evaluate(load([CORPUS_DIR / name]), module.CATEGORIES, module.classify)
            result["show_misses"] = name not in SEALED_SETS
            report(title, result)

    statements_rate = throughput(module.classify, [case["text"] for case in corpus], args.seconds)
    typical = make_drafts([c for c in corpus if c["id"].startswith(TYPICAL_PREFIXES)], 200)
    dense = make_drafts(corpus, 200)
    typical_rate = throughput(module.classify, typical, args.seconds)
    dense_rate = throughput(module.classify, dense, args.seconds)
    mean_chars = sum(map(len, typical)) / len(typical)
    print("\n== speed (one core, best pass)")
    print(f"import drafter.classify: {import_ms:.1f} ms (bytecode cached; dataclasses and re already loaded)")
    print(f"first call, benign reminder ({len(BENIGN_DRAFT)} chars): {benign_first[0]:.0f} ms wall, {benign_first[1]:.0f} ms CPU")
    print(f"first call, threat-heavy draft ({len(THREAT_DRAFT)} chars): {threat_first[0]:.0f} ms wall, {threat_first[1]:.0f} ms CPU")
    print(f"statements classified per second (corpus cases): {statements_rate[0]:,.0f} wall, {statements_rate[1]:,.0f} CPU")
    print(f"typical drafts per second (mean {mean_chars:,.0f} chars): {typical_rate[0]:,.0f} wall, {typical_rate[1]:,.0f} CPU")
    print(f"dense drafts per second (random corpus sentences): {dense_rate[0]:,.0f} wall, {dense_rate[1]:,.0f} CPU")


if __name__ == "__main__":
    main()
