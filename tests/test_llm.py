"""The LLM composer, replayed from cassettes recorded against a real server (tests/cassettes/).

Cassettes hold real model output (Gemma 3 270M under llama-cpp-python's server); see
docs/llm.md for how to re-record them. Transport failures that a cassette cannot hold (a reply that
never comes) are played by a scripted server on loopback (tests/llm_stub.py) that answers with a
recorded body once the client has given up on the first request.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest
import yaml
from llm_cassettes import CASSETTES, cassette_vcr, recorded_completions, requested_rung, scenario_inputs
from llm_stub import Answer, StubServer, completion

from drafter import llm
from drafter.errors import InputError
from drafter.guard import check


@pytest.fixture(autouse=True)
def fresh_ladder(monkeypatch):
    """Each test starts with no memory of which structured-output mode works, and never sleeps."""
    llm.forget_structured_output()
    sleeps: list[float] = []
    monkeypatch.setattr(llm, "_sleep", sleeps.append)
    yield sleeps
    llm.forget_structured_output()


def replay(name: str, drafts: int = 1):
    account, assessment, policy, settings = scenario_inputs(name)
    from llm_cassettes import SCENARIOS

    kind = SCENARIOS[name]["kind"]
    with cassette_vcr("none").use_cassette(f"{name}.yaml") as cassette:
        outcomes = [llm.compose_llm(account, assessment, kind, "email", policy, settings)
                    for _ in range(drafts)]
        assert cassette.all_played, "drafter made fewer requests than were recorded"
    return outcomes, cassette, (account, assessment, policy, settings)


def recorded_body(name: str, index: int = -1) -> dict:
    interactions = yaml.safe_load((CASSETTES / f"{name}.yaml").read_text())["interactions"]
    return json.loads(interactions[index]["response"]["body"]["string"])


# ---- replayed from real recordings -------------------------------------------------------------

def test_a_clean_first_draft_is_released_with_its_provenance():
    (outcome,), cassette, (account, assessment, policy, _) = replay("clean")
    assert outcome.draft is not None and outcome.reason is None
    assert outcome.report.passed
    assert check(outcome.draft, account, policy, assessment=assessment).passed  # really clean
    provenance = outcome.provenance
    assert provenance.backend == "llm" and provenance.repair_rounds == 0 and provenance.attempts == 1
    assert provenance.structured_output == "json_object"
    usage = recorded_body("clean")["usage"]
    assert (provenance.prompt_tokens, provenance.completion_tokens) == (
        usage["prompt_tokens"], usage["completion_tokens"])
    assert outcome.draft.to and outcome.draft.sender  # addressed as the analysis says


def test_a_draft_that_fails_the_guard_gets_a_repair_round_listing_the_findings(monkeypatch):
    """Two real replies of the model, in the order a successful repair needs: the first reply of the
    fallback recording (rejected by the guard), then the reply of the clean recording (passes).
    Recorded runs of the 270M model almost never pass after a repair, so the order is arranged here;
    the replies themselves are the model's, unedited."""
    listed: list[list[str]] = []
    real_render_repair = llm.render_repair

    def spy(findings, **kwargs):
        listed.append([f["rule"] for f in findings])
        return real_render_repair(findings, **kwargs)

    monkeypatch.setattr(llm, "render_repair", spy)
    rejected, passing = recorded_completions("fallback")[0], recorded_completions("clean")[0]
    with StubServer([Answer(body=rejected), Answer(body=passing)]) as stub:
        account, assessment, policy, settings = stub_inputs(stub.base_url, max_repairs=2,
                                                            structured_output="json_object")
        outcome = llm.compose_llm(account, assessment, "dispute_acknowledgement", "email", policy, settings)
    assert outcome.draft is not None
    assert (outcome.provenance.repair_rounds, outcome.provenance.attempts) == (1, 2)
    assert check(outcome.draft, account, policy, assessment=assessment).passed
    assert listed and all(rules for rules in listed)  # the repair prompt named what was wrong
    repair_request = stub.requests[-1]
    assert repair_request["messages"][-2]["role"] == "assistant"  # the rejected draft, then the findings
    assert repair_request["messages"][-2]["content"] == rejected["choices"][0]["message"]["content"]
    assert "cannot be sent" in repair_request["messages"][-1]["content"]


def test_a_draft_that_never_passes_is_not_released():
    (outcome,), _, (_, _, _, settings) = replay("fallback")
    assert outcome.draft is None
    assert "guard" in outcome.reason
    assert outcome.report is not None and not outcome.report.passed
    assert outcome.provenance.attempts == settings.max_repairs + 1


def test_structured_output_steps_down_the_ladder_and_remembers_what_worked():
    outcomes, cassette, (_, _, _, settings) = replay("ladder", drafts=2)
    rungs = [requested_rung(request) for request in cassette.requests]
    assert rungs[:2] == ["json_schema", "json_object"]  # the server refused the schema, took the object
    assert rungs[2:] == ["json_object"]  # the second draft went straight to what worked
    assert all(o.provenance.structured_output == "json_object" for o in outcomes)
    assert llm._working_rungs[(settings.base_url, settings.model)] == "json_object"


def test_a_429_is_retried_after_the_time_the_server_asked_for(fresh_ladder):
    (outcome,), cassette, _ = replay("rate_limit")
    # Rate limited first; the retry reached the server, which refused the schema and took the object.
    assert [r["status"]["code"] for r in cassette.responses] == [429, 500, 200]
    assert fresh_ladder == [1.0]  # Retry-After: 1
    assert outcome.provenance.attempts == 1
    assert outcome.reason is None or "429" not in outcome.reason


# ---- transport failures, played by a scripted server on loopback -------------------------------

def stub_inputs(base_url: str, **overrides):
    account, assessment, policy, settings = scenario_inputs("clean")
    settings = settings.model_copy(update={"base_url": base_url, **overrides})
    return account, assessment, policy, settings


def test_a_timeout_is_retried_and_the_next_reply_is_used():
    body = recorded_body("timeout")
    answers = [Answer(body=body, delay=1.5), Answer(body=body)]
    with StubServer(answers) as stub:
        account, assessment, policy, settings = stub_inputs(stub.base_url, timeout=0.5,
                                                            structured_output="json_object")
        outcome = llm.compose_llm(account, assessment, "dispute_acknowledgement", "email", policy, settings)
    assert len(stub.requests) == 2
    assert outcome.provenance.attempts == 1  # one reply received
    assert outcome.reason is None or "did not answer" not in outcome.reason


def test_a_server_that_never_answers_in_time_gives_up_with_a_reason():
    with StubServer([Answer(body=completion("late"), delay=1.0)], repeat_last=True) as stub:
        account, assessment, policy, settings = stub_inputs(stub.base_url, timeout=0.3, max_retries=2,
                                                            structured_output="text")
        outcome = llm.compose_llm(account, assessment, "dispute_acknowledgement", "email", policy, settings)
    assert outcome.draft is None
    assert "did not answer within 0.3s" in outcome.reason and "3 tries" in outcome.reason
    assert outcome.provenance.attempts == 0


def test_the_deadline_bounds_the_whole_draft():
    with StubServer([Answer(body=completion("late"), delay=1.0)], repeat_last=True) as stub:
        account, assessment, policy, settings = stub_inputs(stub.base_url, timeout=0.4, deadline=0.6,
                                                            max_retries=5, structured_output="text")
        outcome = llm.compose_llm(account, assessment, "dispute_acknowledgement", "email", policy, settings)
    assert outcome.draft is None
    assert "deadline of 0.6s" in outcome.reason
    assert len(stub.requests) <= 3


def test_an_unknown_model_stops_at_once_with_a_clear_reason():
    not_found = Answer(404, {"error": {"message": "The model `nope` does not exist", "type": "invalid_request_error"}})
    with StubServer([not_found]) as stub:
        account, assessment, policy, settings = stub_inputs(stub.base_url, model="nope")
        outcome = llm.compose_llm(account, assessment, "dispute_acknowledgement", "email", policy, settings)
    assert outcome.draft is None
    assert "does not know the model 'nope'" in outcome.reason
    assert len(stub.requests) == 1  # no retries on a 404


def test_an_unreachable_endpoint_gives_a_reason(fresh_ladder):
    with StubServer([]) as stub:
        closed = stub.base_url
    account, assessment, policy, settings = stub_inputs(closed, max_retries=1)
    outcome = llm.compose_llm(account, assessment, "dispute_acknowledgement", "email", policy, settings)
    assert outcome.draft is None
    assert outcome.reason.startswith(f"cannot reach {closed}")
    assert fresh_ladder == [0.5]  # one backoff between the two tries


def test_5xx_is_retried_with_backoff(fresh_ladder):
    body = recorded_body("clean")
    answers = [Answer(503, {"error": {"message": "loading model"}}), Answer(body=body)]
    with StubServer(answers) as stub:
        account, assessment, policy, settings = stub_inputs(stub.base_url, structured_output="json_object")
        outcome = llm.compose_llm(account, assessment, "dispute_acknowledgement", "email", policy, settings)
    assert fresh_ladder == [0.5]
    assert outcome.draft is not None  # the recorded clean reply, served after the 503


def test_async_compose_does_the_same_as_sync():
    body = recorded_body("clean")
    with StubServer([Answer(body=body)], repeat_last=True) as stub:
        account, assessment, policy, settings = stub_inputs(stub.base_url, structured_output="json_object")
        sync = llm.compose_llm(account, assessment, "dispute_acknowledgement", "email", policy, settings)
        async_ = asyncio.run(llm.acompose_llm(account, assessment, "dispute_acknowledgement", "email",
                                              policy, settings))
    assert async_.draft == sync.draft and async_.draft is not None
    assert async_.provenance == sync.provenance


def test_forced_text_mode_sends_no_response_format_and_parses_a_subject_line():
    reply = completion("Subject: Invoice INV-3305 is under review\n\nHello Lena Park,\n\nWe have your dispute "
                       "on invoice INV-3305 and are reviewing it.\n\nAccounts Receivable Team")
    with StubServer([Answer(body=reply)]) as stub:
        account, assessment, policy, settings = stub_inputs(stub.base_url, structured_output="text")
        outcome = llm.compose_llm(account, assessment, "dispute_acknowledgement", "email", policy, settings)
    assert "response_format" not in stub.requests[0]
    assert outcome.provenance.structured_output == "text"
    assert outcome.report is not None
    assert outcome.draft is None or outcome.draft.subject == "Invoice INV-3305 is under review"


def test_a_reply_that_parrots_the_prompt_is_never_released():
    with StubServer([Answer(body=completion("x"))]) as probe:
        account, assessment, policy, settings = stub_inputs(probe.base_url, structured_output="text",
                                                            max_repairs=0)
        llm.compose_llm(account, assessment, "dispute_acknowledgement", "email", policy, settings)
    # The model sends our own prompt back, under a subject line.
    echoed = "Subject: Invoice INV-3305\n\n" + probe.requests[0]["messages"][-1]["content"]
    with StubServer([Answer(body=completion(echoed))]) as stub:
        outcome = llm.compose_llm(account, assessment, "dispute_acknowledgement", "email", policy,
                                  settings.model_copy(update={"base_url": stub.base_url}))
    assert outcome.draft is None
    assert "llm_echo" in {f.rule for f in outcome.report.findings}


def test_an_empty_reply_goes_to_repair_and_then_gives_up():
    with StubServer([Answer(body=completion(""))], repeat_last=True) as stub:
        account, assessment, policy, settings = stub_inputs(stub.base_url, structured_output="json_object",
                                                            max_repairs=1)
        outcome = llm.compose_llm(account, assessment, "dispute_acknowledgement", "email", policy, settings)
    assert outcome.draft is None and outcome.provenance.attempts == 2
    assert "empty" in stub.requests[1]["messages"][-1]["content"]


def test_max_tokens_caps_every_request():
    with StubServer([Answer(body=completion("", finish_reason="length"))], repeat_last=True) as stub:
        account, assessment, policy, settings = stub_inputs(stub.base_url, max_tokens=128, max_repairs=1,
                                                            structured_output="json_object")
        llm.compose_llm(account, assessment, "dispute_acknowledgement", "email", policy, settings)
    assert [r["max_tokens"] for r in stub.requests] == [128, 128]
    assert "cut off" in stub.requests[1]["messages"][-1]["content"]


# ---- reading replies ---------------------------------------------------------------------------

BODY = "Hello Lena, we have your note about invoice INV-1 and are looking into it this week."


@pytest.mark.parametrize("content", [
    '{"subject": "Invoice INV-1", "body": "%s"}' % BODY,
    'Sure! Here it is:\n```json\n{"subject": "Invoice INV-1", "body": "%s"}\n```\nAnything else?' % BODY,
    'Here you go: {"Subject": "Invoice INV-1", "Body": "%s"} Thanks' % BODY,
    '{"subject": "Invoice INV-1", "body": "%s\n"}' % BODY,  # a raw newline inside a string
    "Subject: Invoice INV-1\n\n" + BODY,
    "**Subject:** Invoice INV-1\n\n" + BODY,
])
def test_replies_are_parsed_tolerantly(content):
    reply, problems = llm.parse_reply(content)
    assert (reply.subject, reply.body) == ("Invoice INV-1", BODY)
    assert problems == []


def test_unusable_replies_are_problems_not_drafts():
    assert llm.parse_reply("")[0] is None
    reply, problems = llm.parse_reply("just some words, no subject")
    assert reply is None and problems[0].rule == "llm_reply"
    reply, problems = llm.parse_reply('{"subject": "...", "body": "%s"}' % BODY)
    assert [p.message for p in problems] == ["the e-mail has no subject line; add one"]
    reply, problems = llm.parse_reply('{"subject": "Invoice INV-3305", "body": "41"}')
    assert [p.message for p in problems] == ["the body is under 12 words; write the whole message"]
    reply, problems = llm.parse_reply("Subject: x\n\n" + "word " * 2000)
    assert any("characters" in p.message for p in problems)


def test_a_call_script_needs_no_subject_line():
    reply, problems = llm.parse_reply("Opening: Hi, this is Jordan from Northwind, calling about "
                                      "invoice INV-1 and when it can be paid.", channel="call")
    assert reply.body.startswith("Opening") and problems == []


# ---- prompts and imports -----------------------------------------------------------------------

def test_a_user_prompt_folder_overrides_by_name_and_is_sandboxed(tmp_path):
    (tmp_path / "dispute_acknowledgement.j2").write_text(
        '{% extends "_draft.j2" %}{% block task %}HOUSE STYLE for {{ facts.customer }}.{% endblock %}')
    with StubServer([Answer(body=completion(""))], repeat_last=True) as stub:
        account, assessment, policy, settings = stub_inputs(stub.base_url, prompts_dir=tmp_path,
                                                            max_repairs=0, structured_output="text")
        llm.compose_llm(account, assessment, "dispute_acknowledgement", "email", policy, settings)
    assert "HOUSE STYLE for Harbor Staffing Group." in stub.requests[0]["messages"][-1]["content"]
    (tmp_path / "dispute_acknowledgement.j2").write_text("{{ facts.__class__.__mro__ }}")
    with pytest.raises(InputError):
        llm.compose_llm(account, assessment, "dispute_acknowledgement", "email", policy, settings)


def test_importing_drafter_llm_does_not_import_openai():
    code = ("import sys, drafter.llm, drafter.config, drafter.prompt, drafter.redact; "
            "print('openai' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_no_key_org_or_auth_header_in_any_cassette():
    from record_cassettes import KEY_CANARY, ORG_CANARY

    texts = {path.name: path.read_text().lower() for path in CASSETTES.glob("*.yaml")}
    assert set(texts) >= {"clean.yaml", "fallback.yaml", "ladder.yaml", "rate_limit.yaml",
                          "timeout.yaml"}
    for name, text in texts.items():
        for secret in (KEY_CANARY, ORG_CANARY, "authorization", "openai-organization", "openai-project",
                       "cookie", "bearer"):
            assert secret.lower() not in text, f"{secret} in {name}"
