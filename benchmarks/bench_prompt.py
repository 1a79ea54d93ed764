"""Prompt size per message kind for the example accounts, and the latency of a local LLM server.

    python benchmarks/bench_prompt.py [--accounts examples/accounts] [--base-url http://127.0.0.1:8765/v1]

Token counts are estimated offline: words and punctuation marks, times 1.2 (calibrated against
Gemma's tokenizer on these prompts, where it lands within about 5%). With --base-url, the server tokenizes one prompt of each kind itself
(llama.cpp's /extras/tokenize, where offered) to show how close the estimate is, and a few short
completions are timed. The target is at most 1,500 prompt tokens for a typical account.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import urllib.request

from drafter.aging import load_accounts
from drafter.analysis import analyze
from drafter.models import MESSAGE_KINDS
from drafter.policy import load_policy
from drafter.prompt import render_prompt

TARGET = 1500
_TOKEN = re.compile(r"\w+|[^\w\s]")


def estimate_tokens(messages: list[dict[str, str]]) -> int:
    return round(sum(len(_TOKEN.findall(m["content"])) * 1.2 + 4 for m in messages))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", default="examples/accounts")
    parser.add_argument("--base-url", default=None, help="an OpenAI-compatible server to time")
    parser.add_argument("--calls", type=int, default=3)
    args = parser.parse_args()
    policy = load_policy()
    accounts = load_accounts(args.accounts)
    per_kind: dict[str, list[int]] = {kind: [] for kind in MESSAGE_KINDS}
    samples: dict[str, list[dict[str, str]]] = {}
    for _, account in accounts:
        assessment = analyze(account, policy)
        for kind in MESSAGE_KINDS:
            channel = "call" if kind == "call_script" else "email"
            prompt = render_prompt(account, assessment, kind, channel, policy, output_format="json")
            per_kind[kind].append(estimate_tokens(prompt.messages))
            samples.setdefault(kind, prompt.messages)
    print(f"prompt tokens (estimated) over {len(accounts)} accounts; target <= {TARGET} typical")
    print(f"{'kind':28} {'median':>7} {'max':>6}")
    for kind, counts in per_kind.items():
        print(f"{kind:28} {statistics.median(counts):7.0f} {max(counts):6d}")
    everything = [c for counts in per_kind.values() for c in counts]
    typical = statistics.median(everything)
    print(f"{'all kinds':28} {typical:7.0f} {max(everything):6d}   "
          f"typical {'within' if typical <= TARGET else 'OVER'} target")
    if args.base_url:
        measure_server(args.base_url.rstrip("/"), samples, args.calls)
    return 0


def measure_server(base_url: str, samples: dict[str, list[dict[str, str]]], calls: int) -> None:
    root = base_url.removesuffix("/v1")
    print("\nserver tokenizer vs estimate (first account):")
    for kind, messages in samples.items():
        text = "\n".join(m["content"] for m in messages)
        try:
            counted = len(_post(f"{root}/extras/tokenize", {"input": text})["tokens"])
        except OSError:
            print("  the server offers no /extras/tokenize; skipped")
            break
        print(f"  {kind:28} server {counted:5d}   estimate {estimate_tokens(messages):5d}")
    messages = samples["reminder"]
    timings = []
    for _ in range(calls):
        started = time.perf_counter()
        reply = _post(f"{base_url}/chat/completions", {"model": "local", "messages": messages,
                                                       "max_tokens": 64, "temperature": 0.7})
        timings.append(time.perf_counter() - started)
        usage = reply.get("usage", {})
    rate = usage.get("completion_tokens", 0) / timings[-1] if timings[-1] else 0
    print(f"\nlatency of a reminder prompt, up to 64 completion tokens, {calls} calls: "
          f"median {statistics.median(timings):.1f}s, max {max(timings):.1f}s "
          f"(last: {usage.get('prompt_tokens')} prompt + {usage.get('completion_tokens')} completion "
          f"tokens, {rate:.1f} tokens/s overall)")


def _post(url: str, payload: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(),
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.loads(response.read())


if __name__ == "__main__":
    sys.exit(main())
