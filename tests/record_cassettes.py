"""Re-record the LLM cassettes in tests/cassettes/ from a real OpenAI-compatible server.

    python tests/record_cassettes.py --base-url http://127.0.0.1:8765/v1 [--only clean,fallback] [--tries 12] [--first-seed N]

Each scenario (see SCENARIOS in tests/llm_cassettes.py) drafts one account through drafter.llm while
vcrpy records the HTTP traffic. A scenario states what the recording must show (for example "the
first reply passes the guard"); the model is sampled with different seeds until one recording does,
and only that one is kept. Response bodies are whatever the server answered: nothing is edited.

The 429 and timeout scenarios put a small proxy (tests/llm_stub.py) in front of the server: it
answers the first request itself (a 429 with Retry-After, or nothing until the client times out) and
forwards the rest.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from llm_cassettes import CASSETTES, SCENARIOS, cassette_vcr, scenario_inputs  # noqa: E402
from llm_stub import Answer, StubServer  # noqa: E402

# Canaries: if either ever shows up in a cassette, the header filters are broken (a test checks).
KEY_CANARY = "sk-recording-canary-0000"
ORG_CANARY = "org-recording-canary"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8765/v1")
    parser.add_argument("--model", default="gemma-3-270m")
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    parser.add_argument("--tries", type=int, default=12, help="seeds to try per scenario")
    parser.add_argument("--first-seed", type=int, default=0, help="the seed to start from")
    args = parser.parse_args()
    os.environ["OPENAI_ORG_ID"] = ORG_CANARY
    names = [n for n in args.only.split(",") if n] or list(SCENARIOS)
    failed = []
    for group in _groups(names):
        failed += record(group, args.base_url, args.model, args.tries, args.first_seed)
    if failed:
        print(f"no recording met its expectation for: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def _groups(names: list[str]) -> list[list[str]]:
    """Scenarios that draft the same way share recordings: one run may satisfy several of them."""
    groups: dict[tuple, list[str]] = {}
    for name in names:
        scenario = SCENARIOS[name]
        key = tuple(sorted((k, str(v)) for k, v in scenario.items() if k != "expect"))
        groups.setdefault(key, []).append(name)
    return list(groups.values())


def record(names: list[str], base_url: str, model: str, tries: int, first_seed: int = 0) -> list[str]:
    """Record runs of the scenarios `names` (which draft alike) until each has one that meets its
    expectation; the names still unmet after `tries` seeds."""
    from drafter import llm

    scenario = SCENARIOS[names[0]]
    pending = list(names)
    for seed in range(first_seed, first_seed + tries):
        llm.forget_structured_output()
        with tempfile.TemporaryDirectory() as tmp, _endpoint(scenario, base_url) as url:
            path = Path(tmp) / "run.yaml"
            account, assessment, policy, settings = scenario_inputs(
                names[0], base_url=url, model=model, seed=seed, api_key=KEY_CANARY)
            started = time.monotonic()
            with cassette_vcr("all").use_cassette(str(path)):
                outcomes = [llm.compose_llm(account, assessment, scenario["kind"], "email", policy,
                                            settings) for _ in range(scenario.get("drafts", 1))]
            took = time.monotonic() - started
            kept = [name for name in pending if SCENARIOS[name]["expect"](outcomes)]
            print(f"{'/'.join(pending)} seed={seed}: kept for {', '.join(kept) or 'none'} ({took:.1f}s; "
                  + "; ".join(_summary(o) for o in outcomes) + ")", flush=True)
            for name in kept:
                CASSETTES.mkdir(exist_ok=True)
                (CASSETTES / f"{name}.yaml").write_text(path.read_text())
                pending.remove(name)
        if not pending:
            break
    return pending


def _summary(outcome) -> str:
    p = outcome.provenance
    state = "draft" if outcome.draft else f"none: {outcome.reason}"
    return (f"{state}, attempts={p.attempts}, repairs={p.repair_rounds}, rung={p.structured_output}, "
            f"tokens={p.prompt_tokens}+{p.completion_tokens}")


class _endpoint:
    """The server itself, or the proxy a scenario asks for in front of it."""

    def __init__(self, scenario: dict, base_url: str) -> None:
        proxy = scenario.get("proxy")
        forward = Answer(forward_to=base_url)
        if proxy == "rate_limit":
            self.stub = StubServer([Answer(429, {"error": {"message": "Too many requests",
                                                           "type": "rate_limit_error"}},
                                           headers={"retry-after": "1"}), forward], repeat_last=True)
        elif proxy == "timeout":
            late = Answer(503, {"error": {"message": "too late"}}, delay=scenario["timeout"] + 2)
            self.stub = StubServer([late, forward], repeat_last=True)
        else:
            self.stub = None
        self.base_url = base_url

    def __enter__(self) -> str:
        if self.stub is None:
            return self.base_url
        self.stub.__enter__()
        return self.stub.base_url

    def __exit__(self, *exc: object) -> None:
        if self.stub is not None:
            self.stub.__exit__(*exc)


if __name__ == "__main__":
    raise SystemExit(main())
