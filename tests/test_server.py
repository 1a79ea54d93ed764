"""`drafter serve` over real HTTP on loopback: each route, errors, limits and the bearer token."""

from __future__ import annotations

import copy
import json
import os
import re
import socket
import subprocess
import sys
import time

import httpx
import pytest

import drafter
import drafter.policy
from drafter.errors import InputError
from drafter.load import validate
from drafter.models import Account
from drafter.store import AuditLog

TOKEN = "test-token-0123456789abcdef"

ACCOUNT = {
    "as_of": "2026-11-23",
    "customer": {"name": "Brightline Freight", "industry": "freight", "annual_revenue": "96000.00"},
    "contacts": [{"name": "Lena Park", "email": "lena@brightline.example", "role": "ap"}],
    "invoices": [
        {"number": "BF-2201", "amount": "4180.50", "currency": "USD", "issued": "2026-09-15",
         "due": "2026-10-15"},
        {"number": "BF-2240", "amount": "3920.00", "currency": "USD", "issued": "2026-10-15",
         "due": "2026-11-14"},
    ],
    "payments": [{"date": "2026-08-20", "amount": "4010.00", "invoice": "BF-2150", "days_late": 5}],
    "terms": {"payment_link": "https://pay.northwind.example/brightline", "net_days": 30},
    "collector": {"name": "Jordan Reyes", "email": "jordan.reyes@northwind.example"},
}
THREAT = ("Subject: Invoice BF-2201\n\nHello Lena,\n\nInvoice BF-2201 for $4,180.50 is 39 days past "
          "due. Pay immediately or our lawyers will take you to court.\n\nJordan Reyes")


def start_server(tmp_path, *args, env_extra=None):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DRAFTER_API_TOKEN", "OPENAI_API_KEY", "OPENAI_BASE_URL", "DRAFTER_MODEL")}
    env.update(env_extra or {})
    process = subprocess.Popen([sys.executable, "-m", "drafter", "serve", "--port", "0", *args],
                               stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env,
                               cwd=tmp_path, text=True)
    line = process.stderr.readline()  # "drafter API on http://127.0.0.1:PORT (...)"
    match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
    if not match:
        process.kill()
        pytest.fail(f"drafter serve did not start: {line}{process.stderr.read()}")
    base = f"http://127.0.0.1:{match.group(1)}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            pytest.fail("drafter serve did not answer /healthz")
        time.sleep(0.05)


def stop_server(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    return process.stderr.read()


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("serve")
    db = tmp_path / "audit.db"
    process, base = start_server(tmp_path, "--db", str(db))
    with httpx.Client(base_url=base, timeout=30) as client:
        client.db = db
        yield client
    log = stop_server(process)
    assert "Traceback" not in log, log


@pytest.fixture(scope="module")
def secured(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("secured")
    process, base = start_server(tmp_path, "--no-log", "--max-body", "4096",
                                 env_extra={"DRAFTER_API_TOKEN": TOKEN})
    with httpx.Client(base_url=base, timeout=30) as client:
        yield client
    stop_server(process)


def account_model() -> Account:
    return validate(Account, copy.deepcopy(ACCOUNT), "account")


def assert_error(response, status, kind, message_part, field=None):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["type"] == kind
    assert message_part in error["message"], error["message"]
    assert "Traceback" not in response.text
    if field is not None:
        assert error["field"] == field
    return error


# ---- routes ------------------------------------------------------------------------------------

def test_healthz(api):
    response = api.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": drafter.__version__}


def test_openapi_documents_every_route(api):
    schema = api.get("/openapi.json").json()
    assert {"/v1/analyze", "/v1/drafts", "/v1/check", "/v1/policies", "/healthz"} <= set(schema["paths"])
    check = schema["paths"]["/v1/check"]["post"]
    body = check["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/CheckRequest")
    components = schema["components"]["schemas"]
    assert {"CheckRequest", "DraftRequest", "AnalyzeRequest", "Account", "Report"} <= set(components)
    assert "account" in components["CheckRequest"]["properties"]
    docs = api.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


def test_policies_lists_the_shipped_packs(api):
    packs = api.get("/v1/policies").json()
    names = [p["name"] for p in packs]
    assert set(drafter.policy.pack_names()) <= set(names)
    assert [p["name"] for p in packs if p["default"]] == ["default"]


def test_analyze_matches_the_library(api):
    response = api.post("/v1/analyze", json={"account": ACCOUNT})
    assert response.status_code == 200, response.text
    expected = drafter.analyze(account_model()).model_dump(mode="json")
    assert response.json() == expected
    assert response.json()["days_past_due"] == 39


def test_analyze_as_of_and_policy_are_honoured(api):
    later = api.post("/v1/analyze", json={"account": ACCOUNT, "as_of": "2027-01-20",
                                          "policy": "freight"}).json()
    assert later["as_of"] == "2027-01-20"
    assert later["days_past_due"] == 97
    expected = drafter.analyze(account_model(), "freight", as_of=later_date())
    assert later == expected.model_dump(mode="json")


def test_a_changed_account_is_not_served_from_the_cache(api):
    first = api.post("/v1/analyze", json={"account": ACCOUNT}).json()
    changed = copy.deepcopy(ACCOUNT)
    changed["invoices"][1]["amount"] = "3920.01"
    second = api.post("/v1/analyze", json={"account": changed}).json()
    again = api.post("/v1/analyze", json={"account": ACCOUNT}).json()
    assert first["balances"] == again["balances"] == {"USD": "8100.50"}
    assert second["balances"] == {"USD": "8100.51"}


def later_date():
    from datetime import date

    return date(2027, 1, 20)


def test_check_text_matches_the_library_and_is_logged(api):
    response = api.post("/v1/check", json={"text": THREAT, "account": ACCOUNT})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report == drafter.check(THREAT, account_model()).model_dump(mode="json")
    assert report["passed"] is False
    for finding in report["findings"]:
        assert THREAT[finding["start"]:finding["end"]] == finding["excerpt"]
    with AuditLog(api.db) as log:
        assert any(c.text == THREAT and c.source == "http" for c in log.checks())


def test_check_draft_fields_and_tier_override(api):
    fields = {"subject": "Invoice BF-2201", "body": THREAT.split("\n\n", 1)[1]}
    response = api.post("/v1/check", json={"draft": fields, "account": ACCOUNT, "tier": 4})
    assert response.status_code == 200, response.text
    expected = drafter.check(drafter.models.Draft(**fields), account_model(), tier=4)
    assert response.json() == expected.model_dump(mode="json")
    assert response.json()["tier"] == 4


def test_drafts_offline_returns_a_checked_draft_and_logs_it(api):
    response = api.post("/v1/drafts", json={"account": ACCOUNT, "backend": "offline"})
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["report"]["passed"] is True
    assert result["provenance"]["backend"] == "offline"
    expected = drafter.draft(account_model(), backend="offline")
    assert result["draft"] == expected.draft.model_dump(mode="json")
    with AuditLog(api.db) as log:
        logged = log.list(limit=1)[0]
    assert logged.source == "http"
    assert logged.customer == "Brightline Freight"
    assert logged.text == expected.draft.text()


# ---- bad input ---------------------------------------------------------------------------------

def test_malformed_json_is_a_json_422(api):
    response = api.post("/v1/check", content=b'{"text": "hi", "account": ',
                        headers={"content-type": "application/json"})
    assert_error(response, 422, "input_error", "invalid JSON:")


def test_a_bad_field_gets_the_same_message_as_the_cli(api, tmp_path):
    bad = copy.deepcopy(ACCOUNT)
    bad["invoices"][1]["due"] = "2026-10-01"  # before it was issued
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(InputError) as cli_error:
        drafter.load_account(path)
    field = f"account.{cli_error.value.field}"
    assert field.startswith("account.invoices[1]")
    error = assert_error(api.post("/v1/analyze", json={"account": bad}), 422, "input_error",
                         field, field=field)
    assert error["message"] == "account." + str(cli_error.value).removeprefix(f"{path}: ")


def test_unknown_field_and_wrong_shapes(api):
    assert_error(api.post("/v1/check", json={"text": "x", "account": ACCOUNT, "tone": "nice"}),
                 422, "input_error", "tone: unknown field", field="tone")
    assert_error(api.post("/v1/check", json={"account": ACCOUNT}), 422, "input_error",
                 "either as text or as draft fields")
    assert_error(api.post("/v1/check", json=[1, 2]), 422, "input_error", "expected a JSON object")
    assert_error(api.post("/v1/drafts", json={"account": ACCOUNT, "kind": "poem"}), 422,
                 "input_error", "kind: must be one of", field="kind")
    bad_money = copy.deepcopy(ACCOUNT)
    bad_money["invoices"][0]["amount"] = "12,34.5x"
    assert_error(api.post("/v1/analyze", json={"account": bad_money}), 422, "input_error",
                 "account.invoices[0].amount", field="account.invoices[0].amount")


def test_money_is_read_exactly(api):
    exact = copy.deepcopy(ACCOUNT)
    body = json.dumps({"account": exact}).replace('"4180.50"', "4180.50")
    response = api.post("/v1/analyze", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text
    assert response.json()["balances"] == {"USD": "8100.50"}


def test_unknown_policy_names_the_choices_and_files_are_not_accepted(api):
    error = assert_error(api.post("/v1/analyze", json={"account": ACCOUNT, "policy": "lenient"}),
                         422, "policy_error", "no policy pack named 'lenient'", field="policy")
    assert "default" in error["message"]
    assert_error(api.post("/v1/analyze", json={"account": ACCOUNT, "policy": "/etc/passwd"}), 422,
                 "policy_error", "no policy pack named '/etc/passwd'")


def test_oversized_body_gets_413_declared_or_streamed(api):
    big = {"text": "x" * (300 * 1024), "account": ACCOUNT}
    assert_error(api.post("/v1/check", json=big), 413, "too_large", "larger than 262144 bytes")

    def chunks():
        for _ in range(40):
            yield b" " * 8192

    streamed = api.post("/v1/check", content=chunks(), headers={"content-type": "application/json"})
    assert_error(streamed, 413, "too_large", "larger than 262144 bytes")
    assert api.get("/healthz").status_code == 200


def test_unknown_routes_and_methods_are_json(api):
    assert_error(api.get("/v1/nothing"), 404, "http_error", "Not Found")
    assert_error(api.get("/v1/check"), 405, "http_error", "Method Not Allowed")


# ---- the token ---------------------------------------------------------------------------------

def test_token_is_required_on_v1_routes(secured):
    body = {"text": THREAT, "account": ACCOUNT}
    assert_error(secured.post("/v1/check", json=body), 401, "unauthorized", "missing bearer token")
    wrong = secured.post("/v1/check", json=body, headers={"Authorization": "Bearer nope"})
    error = assert_error(wrong, 401, "unauthorized", "wrong bearer token")
    assert wrong.headers["www-authenticate"] == "Bearer"
    assert_error(secured.get("/v1/policies"), 401, "unauthorized", "missing bearer token")
    good = secured.post("/v1/check", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert good.status_code == 200, good.text
    assert secured.get("/healthz").status_code == 200
    assert error["field"] is None


def test_max_body_option(secured):
    response = secured.post("/v1/check", json={"text": "y" * 5000, "account": ACCOUNT},
                            headers={"Authorization": f"Bearer {TOKEN}"})
    assert_error(response, 413, "too_large", "larger than 4096 bytes")


def run_serve(*args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if k != "DRAFTER_API_TOKEN"}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "drafter", "serve", *args], capture_output=True,
                          text=True, env=env, stdin=subprocess.DEVNULL, timeout=30)


def test_refuses_another_address_without_a_token_before_binding():
    # Hold the port on loopback: had serve tried to bind 0.0.0.0 first, it would fail with
    # "address in use" (exit 1) instead of refusing (exit 2).
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        result = run_serve("--host", "0.0.0.0", "--port", str(port), "--no-log")
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Error: --host: refusing to listen on 0.0.0.0 without a token")
    assert "Traceback" not in result.stderr


def test_a_short_token_is_refused():
    result = run_serve("--no-log", env_extra={"DRAFTER_API_TOKEN": "short"})
    assert result.returncode == 2
    assert "too short" in result.stderr and "Traceback" not in result.stderr


def test_a_busy_port_is_a_clear_error():
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        result = run_serve("--port", str(port), "--no-log")
    assert result.returncode == 1
    assert f"Error: cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_drafts_use_the_configured_llm(tmp_path):
    from llm_stub import Answer, StubServer, completion

    offline = drafter.draft(account_model(), backend="offline").draft
    reply = json.dumps({"subject": offline.subject, "body": offline.body})
    with StubServer([Answer(body=completion(reply, model="stub-model"))], repeat_last=True) as stub:
        db = tmp_path / "audit.db"
        process, base = start_server(tmp_path, "--db", str(db), env_extra={
            "OPENAI_BASE_URL": stub.base_url, "OPENAI_API_KEY": "sk-test", "DRAFTER_MODEL": "stub-model"})
        try:
            response = httpx.post(f"{base}/v1/drafts", json={"account": ACCOUNT}, timeout=60)
        finally:
            stop_server(process)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["provenance"]["backend"] == "llm", result["provenance"]
    assert result["provenance"]["model"] == "stub-model"
    assert result["draft"]["body"] == offline.body.strip()  # the reply parser trims it
    assert result["report"]["passed"] is True
    assert stub.requests, "the server never called the model endpoint"
    with AuditLog(db) as log:
        logged = log.list(limit=1)[0]
    assert (logged.backend, logged.model) == ("llm", "stub-model")


def test_a_house_policy_file_is_the_default_and_is_logged_by_path(tmp_path):
    pack = tmp_path / "house.yaml"
    pack.write_text("name: house\ndescription: Our own rules.\nextends: default\n"
                    "message:\n  company_name: House Supply Ltd\n")
    db = tmp_path / "audit.db"
    process, base = start_server(tmp_path, "--policy", str(pack), "--db", str(db))
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            packs = client.get("/v1/policies").json()
            report = client.post("/v1/check", json={"text": THREAT, "account": ACCOUNT}).json()
            named = client.post("/v1/check", json={"text": THREAT, "account": ACCOUNT,
                                                   "policy": "house"}).json()
            drafted = client.post("/v1/drafts", json={"account": ACCOUNT, "backend": "offline"})
    finally:
        stop_server(process)
    assert [p["name"] for p in packs if p["default"]] == ["house"]
    assert report["policy"] == named["policy"] == "house"
    assert drafted.status_code == 200, drafted.text
    assert "House Supply Ltd" in drafted.json()["draft"]["body"]
    with AuditLog(db) as log:
        assert log.list(limit=1)[0].policy == str(pack)
