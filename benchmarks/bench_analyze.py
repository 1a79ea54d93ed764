"""How fast the analysis is: accounts per second in process, and the cold start of `drafter analyze`.

    python benchmarks/bench_analyze.py [--accounts 10000] [--passes 5] [--runs 11]

Targets: at least 5,000 accounts/s on one core; `drafter analyze FILE` under 250 ms from process
start to exit, without importing the LLM client (openai) or the HTTP server.

Prints figures and asserts nothing. On a shared machine the CPU-second figures are the steadier
ones, and the load average is printed beside them; the bare interpreter's start-up is measured in
the same run because it includes whatever the installation's site-packages does at start.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

import coldstart  # noqa: E402 (benchmarks/ is on the path when a script runs)

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 11, 23)
PHRASES = [
    "Reminder sent with the payment link.", "Left a voicemail for {name}.",
    "{name} said the payment goes out in Friday's check run.", "{name} will wire it on the {day}th.",
    "{name} explained the delay is because of their new ERP system.", "Working on it, should be soon.",
    "Heard they laid off part of the {place} team.", "They are paying the vendors who work with them first.",
    "{name} asked for a copy of invoice {invoice}.", "Statement of account emailed to {name}.",
]
NAMES = ["Dana", "Sam", "Priya", "Luis", "Keisha", "Omar", "Helen", "Rob", "Marisol", "Victor"]
PLACES = ["Dayton", "Tulsa", "Reno", "Austin", "Boise"]


def generated_account(rng: random.Random, index: int) -> dict:
    """A varied, realistic account: 1-6 invoices, some history, a few free-text communications."""
    invoices = []
    for n in range(rng.randint(1, 6)):
        due = AS_OF - timedelta(days=rng.randint(-30, 240))
        amount = rng.randint(10_000, 9_000_000)
        balance = amount if rng.random() < 0.8 else amount // 2
        invoices.append({"number": f"INV-{index}-{n}", "amount": f"{amount / 100:.2f}",
                         "balance": f"{balance / 100:.2f}", "currency": "USD" if rng.random() < 0.95 else "EUR",
                         "issued": (due - timedelta(days=30)).isoformat(), "due": due.isoformat()})
    def text() -> str:
        return rng.choice(PHRASES).format(name=rng.choice(NAMES), day=rng.randint(1, 28),
                                          place=rng.choice(PLACES), invoice=invoices[0]["number"])
    return {
        "as_of": AS_OF.isoformat(),
        "customer": {"name": f"Customer {index}", "annual_revenue": f"{rng.randint(5_000, 900_000)}.00",
                     "industry": rng.choice(["saas", "construction", "freight", "staffing", "general"])},
        "contacts": [{"name": "AP Desk", "email": f"ap{index}@customer.example", "role": "ap"},
                     {"name": "Finance Lead", "email": f"cfo{index}@customer.example", "role": "cfo",
                      "decision_maker": True}],
        "invoices": invoices,
        "payments": [{"date": (AS_OF - timedelta(days=rng.randint(30, 400))).isoformat(), "amount": "100.00",
                      "days_late": rng.randint(-2, 60)} for _ in range(rng.randint(0, 8))],
        "promises": [{"made_on": (AS_OF - timedelta(days=20)).isoformat(),
                      "promised_for": (AS_OF - timedelta(days=rng.randint(-10, 15))).isoformat(),
                      "amount": "250.00", "kept": rng.choice([None, True, False])}
                     for _ in range(rng.randint(0, 2))],
        "communications": [{"date": (AS_OF - timedelta(days=rng.randint(0, 100))).isoformat(),
                            "channel": rng.choice(["email", "call"]),
                            "direction": rng.choice(["inbound", "outbound", "outbound"]),
                            "responded": rng.choice([None, True, False]), "summary": text()}
                           for _ in range(rng.randint(0, 5))],
        "notes": [text()] if rng.random() < 0.3 else [],
        "terms": {"late_fee": rng.choice([None, "1.5% per month"])},
        "company_total_ar": "2500000.00",
    }


def throughput(count: int, passes: int) -> tuple[float, float]:
    """Median accounts per second over `passes` runs through `count` accounts: by the wall clock, and
    per second of this process's CPU time (the figure that holds on a machine other programs are
    also using)."""
    from drafter.analysis import analyze
    from drafter.models import Account
    from drafter.policy import load_policy

    rng = random.Random(42)
    accounts = [Account.model_validate(generated_account(rng, i)) for i in range(count)]
    policy = load_policy()
    analyze(accounts[0], policy)  # warm up caches that a long batch would have warm anyway
    wall_rates, cpu_rates = [], []
    for _ in range(passes):
        start, cpu_start = time.perf_counter(), time.process_time()
        for account in accounts:
            analyze(account, policy)
        wall_rates.append(count / (time.perf_counter() - start))
        cpu_rates.append(count / (time.process_time() - cpu_start))
    return statistics.median(wall_rates), statistics.median(cpu_rates)


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min) on {os.cpu_count()} CPUs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--passes", type=int, default=5, help="runs through the accounts (median)")
    parser.add_argument("--runs", type=int, default=11, help="cold starts of each command (median)")
    args = parser.parse_args()
    print(f"load average before: {load_average()}")
    wall_rate, cpu_rate = throughput(args.accounts, args.passes)
    print(f"analysis: {args.accounts:,} accounts, median of {args.passes} passes: {wall_rate:,.0f} accounts/s "
          f"wall clock, {cpu_rate:,.0f} per CPU second (target >= 5,000/s on one core)")
    account = ROOT / "examples" / "accounts" / "acme-saas.json"
    print(coldstart.measure(["analyze", str(account)], args.runs).report("drafter analyze FILE", 250))
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
