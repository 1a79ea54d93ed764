"""How LLM traffic is recorded to and replayed from `tests/cassettes/` (vcrpy).

Requests match on method, path and the structured-output mode asked for (so a test fails if drafter
asks for json_schema where the recording says it should have skipped straight to json_object).
Only the content-type header of a request is kept: the key, organisation and project headers, cookies
and client fingerprints never reach a cassette.
"""

from __future__ import annotations

import json
from pathlib import Path

import vcr

CASSETTES = Path(__file__).parent / "cassettes"
REPLAY_BASE_URL = "http://127.0.0.1:8765/v1"  # replay ignores host and port; this is what was recorded
KEPT_REQUEST_HEADERS = ("content-type",)
DROPPED_RESPONSE_HEADERS = ("set-cookie", "openai-organization", "openai-project", "x-request-id")


def requested_rung(request) -> str:
    """The structured-output mode a recorded or live request asked for."""
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return "?"
    return (body.get("response_format") or {}).get("type", "text")


def _same_rung(r1, r2) -> None:
    assert requested_rung(r1) == requested_rung(r2), f"{requested_rung(r1)} != {requested_rung(r2)}"


def _scrub_request(request):
    for name in list(request.headers):
        if name.lower() not in KEPT_REQUEST_HEADERS:
            del request.headers[name]
    return request


def _scrub_response(response):
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in DROPPED_RESPONSE_HEADERS:
            del headers[name]
    return response


def cassette_vcr(record_mode: str = "none") -> vcr.VCR:
    recorder = vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode=record_mode,
        match_on=("method", "path", "rung"),
        before_record_request=_scrub_request,
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )
    recorder.register_matcher("rung", _same_rung)
    return recorder


# ---- the recorded scenarios --------------------------------------------------------------------

DATA = Path(__file__).parent / "data" / "llm"


def _first_passes(outcomes) -> bool:
    return outcomes[0].draft is not None and outcomes[0].provenance.repair_rounds == 0


def _fell_back(outcomes) -> bool:
    return outcomes[0].draft is None and "guard" in (outcomes[0].reason or "")


def _answered(outcomes) -> bool:
    return all(o.provenance.attempts >= 1 for o in outcomes)


SCENARIOS = {
    "clean": {"account": "harbor.json", "kind": "dispute_acknowledgement", "max_repairs": 0,
              "expect": _first_passes},
    "fallback": {"account": "harbor.json", "kind": "dispute_acknowledgement", "max_repairs": 2,
                 "expect": _fell_back},
    "ladder": {"account": "harbor.json", "kind": "dispute_acknowledgement", "max_repairs": 0,
               "drafts": 2, "expect": _answered},
    "rate_limit": {"account": "harbor.json", "kind": "dispute_acknowledgement", "max_repairs": 0,
                   "proxy": "rate_limit", "expect": _answered},
    "timeout": {"account": "harbor.json", "kind": "dispute_acknowledgement", "max_repairs": 0,
                "proxy": "timeout", "timeout": 45.0, "expect": _answered},
}


def scenario_inputs(name: str, *, base_url: str = REPLAY_BASE_URL, model: str = "gemma-3-270m",
                    seed: int | None = None, api_key: str | None = None):
    """The account, assessment, policy and settings a scenario drafts with."""
    from drafter.analysis import analyze
    from drafter.config import Settings
    from drafter.load import load_account
    from drafter.policy import load_policy

    scenario = SCENARIOS[name]
    account = load_account(DATA / scenario["account"])
    policy = load_policy()
    settings = Settings(base_url=base_url, model=model, api_key=api_key, seed=seed, temperature=0.7,
                        max_tokens=160, max_repairs=scenario["max_repairs"],
                        timeout=scenario.get("timeout", 300.0), deadline=1200.0)
    return account, analyze(account, policy), policy, settings


def recorded_completions(name: str) -> list[dict]:
    """The successful chat-completion bodies a cassette holds, in the order they were recorded."""
    import yaml

    data = yaml.safe_load((CASSETTES / f"{name}.yaml").read_text(encoding="utf-8"))
    return [json.loads(i["response"]["body"]["string"]) for i in data["interactions"]
            if i["response"]["status"]["code"] == 200]
