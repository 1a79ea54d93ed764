"""The HTTP API: the same analysis, drafting and checking as the CLI, for add-ins and CRMs.

    app = create_app(ServerOptions(token="...", audit_log=AuditLog()))   # a FastAPI app
    POST /v1/analyze   {"account": {...}}                          -> Assessment
    POST /v1/drafts    {"account": {...}, "kind": ..., "backend": ...} -> DraftResult
    POST /v1/check     {"text": "..." | "draft": {...}, "account": {...}} -> Report
    GET  /v1/policies                                              -> the packs a request may name
    GET  /healthz, /docs, /openapi.json

Request bodies are JSON read with decimals kept exact (never through a float). Every error is JSON,
`{"error": {"message", "field", "type"}}`, with the same message the CLI prints after "Error:".
When a token is configured, every /v1 route needs `Authorization: Bearer <token>`. Bodies larger
than `max_body` bytes get 413 before they are read in full.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.exceptions import HTTPException

from . import __version__
from .analysis import analyze as analyze_account
from .errors import DeliveryError, DrafterError, InputError, LLMError, PolicyError
from .guard import check as check_draft
from .load import validate
from .models import MESSAGE_KINDS, Account, Assessment, Draft, DraftResult, Report
from .policy import Policy, load_policy, pack_names

__all__ = ["ServerOptions", "create_app", "AnalyzeRequest", "DraftRequest", "CheckRequest",
           "DEFAULT_MAX_BODY"]

DEFAULT_MAX_BODY = 256 * 1024
log = logging.getLogger("drafter.server")


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnalyzeRequest(_Request):
    account: Account
    policy: str | None = Field(None, description="A shipped policy pack (GET /v1/policies); "
                                                 "default: the server's pack.")
    as_of: date | None = Field(None, description="Count days past due to this date; default: the "
                                                 "account's as_of, else today.")


class DraftRequest(AnalyzeRequest):
    kind: Literal[MESSAGE_KINDS] | None = Field(  # type: ignore[valid-type]
        None, description="Message kind; default: the one the analysis recommends.")
    channel: Literal["email", "call"] | None = None
    backend: Literal["auto", "offline", "llm"] = Field(
        "auto", description="auto: the LLM when the server has one configured, else offline.")


class CheckRequest(_Request):
    text: str | None = Field(None, description="The draft as plain text (an optional first line "
                                               "'Subject: ...'). Finding spans point into it.")
    draft: Draft | None = Field(None, description="Or the draft as fields; spans then point into "
                                                  "'Subject: <subject>\\n\\n<body>'.")
    account: Account
    tier: int | None = Field(None, ge=0, le=4, description="Check against this stage instead of the "
                                                             "account's own tier.")
    policy: str | None = None
    as_of: date | None = None

    @model_validator(mode="after")
    def _one_draft(self) -> CheckRequest:
        if (self.text is None) == (self.draft is None):
            raise ValueError("give the draft either as text or as draft fields, not both")
        return self


@dataclass
class ServerOptions:
    token: str | None = None  # when set, /v1 routes need "Authorization: Bearer <token>"
    policy: str | None = None  # the default pack: a shipped name or a file
    audit_log: Any = None  # a drafter.store.AuditLog, or None to log nothing
    settings: Any = None  # drafter.config.Settings for the LLM backend; None: load from env/files
    max_body: int = DEFAULT_MAX_BODY


def create_app(options: ServerOptions | None = None) -> FastAPI:
    """The API as a FastAPI app. Policy packs are loaded here, once, not per request."""
    options = options or ServerOptions()
    default_policy = load_policy(options.policy)
    shipped = {name: load_policy(name) for name in pack_names()}
    policies = {**shipped, default_policy.name: default_policy}
    if options.settings is None:
        from .config import load_settings

        options.settings = load_settings()
    _warm_up(default_policy)

    app = FastAPI(title="drafter", version=__version__, description=_DESCRIPTION,
                  docs_url="/docs", redoc_url=None)
    app.state.options = options
    app.state.policies = policies
    app.state.shipped = shipped
    app.state.default_policy = default_policy
    app.state.accounts = _AccountCache()
    app.add_middleware(_Limits, token=options.token, max_body=options.max_body)
    _install_error_handlers(app)
    _add_routes(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


_DESCRIPTION = """Collections drafts for B2B accounts receivable, checked against policy before
anyone can send them. The same functions as the `drafter` command line: analyze an account, draft a
message, check any draft (whoever wrote it). Errors are JSON: `{"error": {"message", "field", "type"}}`.
"""


def _warm_up(policy: Policy) -> None:
    """Check one small draft now: the guard compiles its patterns on first use (about a second),
    and the first user to ask should not be the one who waits for that."""
    account = Account.model_validate({
        "as_of": "2026-03-01", "customer": {"name": "Warm-up"},
        "invoices": [{"number": "W-1", "amount": "1.00", "issued": "2026-01-01", "due": "2026-01-31"}]})
    check_draft("Subject: Invoice W-1\n\nInvoice W-1 for $1.00 is 29 days past due.", account, policy)


# ---- routes ------------------------------------------------------------------------------------

def _add_routes(app: FastAPI) -> None:
    @app.get("/healthz", tags=["meta"], summary="Liveness check")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/v1/policies", tags=["policy"], summary="The policy packs a request may name")
    async def policies(request: Request) -> Response:
        default = request.app.state.default_policy.name
        body = [{"name": name, "description": pack.description, "default": name == default}
                for name, pack in sorted(request.app.state.policies.items())]
        return JSONResponse(body)

    @app.post("/v1/analyze", tags=["drafting"], summary="Analyze an account",
              openapi_extra=_body_schema(AnalyzeRequest), responses=_responses(Assessment))
    async def analyze(request: Request) -> Response:
        body = await _parse(request, AnalyzeRequest)
        policy = _policy(request, body.policy)
        assessment = analyze_account(body.account, policy, as_of=body.as_of)
        return _json(assessment)

    @app.post("/v1/drafts", tags=["drafting"], summary="Draft a checked message for an account",
              openapi_extra=_body_schema(DraftRequest), responses=_responses(DraftResult))
    async def drafts(request: Request) -> Response:
        from .compose import adraft

        body = await _parse(request, DraftRequest)
        options: ServerOptions = request.app.state.options
        policy = _policy(request, body.policy)
        result = await adraft(body.account, kind=body.kind, channel=body.channel,
                              backend=body.backend, policy=policy, as_of=body.as_of,
                              settings=options.settings)
        if options.audit_log is not None:
            from .store import inputs_hash

            digest = inputs_hash(body.account, policy, result.draft.kind, result.assessment.as_of)
            options.audit_log.record_draft(result, source="http", inputs_hash=digest,
                                           policy=_policy_ref(request, policy))
        return _json(result)

    @app.post("/v1/check", tags=["checking"], summary="Check a draft against the policy",
              openapi_extra=_body_schema(CheckRequest), responses=_responses(Report))
    async def check(request: Request) -> Response:
        body = await _parse(request, CheckRequest)
        options: ServerOptions = request.app.state.options
        draft = body.text if body.text is not None else body.draft
        report = check_draft(draft, body.account, _policy(request, body.policy), tier=body.tier,
                             as_of=body.as_of)
        if options.audit_log is not None:
            text = draft if isinstance(draft, str) else draft.text()
            options.audit_log.record_check(report, source="http", draft_text=text)
        return _json(report)


class _AccountCache:
    """The last few accounts seen, validated, by their JSON. An add-in re-checks the same account at
    every keystroke: reusing the Account object skips validation, and lets the guard reuse the facts
    it derived from it."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.accounts: OrderedDict[str, Account] = OrderedDict()

    def key(self, data: Any) -> str | None:
        if not isinstance(data, dict) or not isinstance(data.get("account"), dict):
            return None
        return json.dumps(data["account"], sort_keys=True, separators=(",", ":"))

    def get(self, key: str | None) -> Account | None:
        account = self.accounts.get(key) if key is not None else None
        if account is not None:
            self.accounts.move_to_end(key)
        return account

    def put(self, key: str | None, account: Account) -> None:
        if key is None:
            return
        self.accounts[key] = account
        if len(self.accounts) > self.size:
            self.accounts.popitem(last=False)


async def _parse(request: Request, model: type[_Request]) -> Any:
    raw = await request.body()
    try:
        data = json.loads(raw, parse_float=str)  # money stays exact: "8500.10" never becomes a float
    except UnicodeDecodeError:
        raise InputError("request body is not UTF-8 JSON") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(data, dict):
        raise InputError("expected a JSON object")
    cache: _AccountCache = request.app.state.accounts
    key = cache.key(data)
    account = cache.get(key)
    if account is not None:
        data["account"] = account  # an Account instance is taken as it is, not validated again
    parsed = validate(model, data, "")
    if account is None:
        cache.put(key, parsed.account)
    return parsed


def _policy(request: Request, name: str | None) -> Policy:
    """A pack the server has loaded. Requests name shipped packs only, never files on the server."""
    if name is None:
        return request.app.state.default_policy
    pack = request.app.state.policies.get(name)
    if pack is None:
        names = ", ".join(sorted(request.app.state.policies))
        raise PolicyError(f"no policy pack named {name!r}; available: {names}", field="policy")
    return pack


def _policy_ref(request: Request, policy: Policy) -> str:
    """How the audit log names a pack so it can be loaded again: its name if shipped, else its file."""
    if request.app.state.shipped.get(policy.name) is policy:
        return policy.name
    return policy.source or policy.name


def _json(model: BaseModel) -> Response:
    return Response(model.model_dump_json(), media_type="application/json")


# ---- errors ------------------------------------------------------------------------------------

def _error(status: int, message: str, kind: str, field: str | None = None,
           headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "field": field, "type": kind}},
                        status_code=status, headers=headers)


_HTTP_ERROR_TYPES = {401: "unauthorized", 413: "too_large"}


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError) -> JSONResponse:
        kind = "policy_error" if isinstance(exc, PolicyError) else "input_error"
        return _error(422, str(exc), kind, exc.field)

    @app.exception_handler(LLMError)
    async def llm_error(request: Request, exc: LLMError) -> JSONResponse:
        return _error(502, str(exc), "llm_error")

    @app.exception_handler(DeliveryError)
    async def delivery_error(request: Request, exc: DeliveryError) -> JSONResponse:
        return _error(503, str(exc), "delivery_error")

    @app.exception_handler(DrafterError)
    async def drafter_error(request: Request, exc: DrafterError) -> JSONResponse:
        return _error(500, str(exc), "error")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        kind = _HTTP_ERROR_TYPES.get(exc.status_code, "http_error")
        return _error(exc.status_code, str(exc.detail), kind, headers=exc.headers)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return _error(500, "internal error (the server log has the details)", "internal_error")


class _Limits:
    """ASGI middleware in front of the app: the bearer token on /v1 routes and the body size limit.

    A declared Content-Length over the limit is refused before the body is read; a chunked body is
    counted as it arrives."""

    def __init__(self, app, *, token: str | None, max_body: int) -> None:
        self.app = app
        self.token = f"Bearer {token}".encode() if token else None
        self.max_body = max_body

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        if self.token is not None and scope["path"].startswith("/v1/"):
            given = headers.get(b"authorization", b"")
            if not hmac.compare_digest(given, self.token):
                message = ("wrong bearer token" if given
                           else "missing bearer token (Authorization: Bearer ...)")
                response = _error(401, message, _HTTP_ERROR_TYPES[401],
                                  headers={"WWW-Authenticate": "Bearer"})
                return await response(scope, receive, send)
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            return await self._too_large()(scope, receive, send)
        return await self.app(scope, self._counting(receive), send)

    def _too_large(self) -> JSONResponse:
        return _error(413, f"request body larger than {self.max_body} bytes", _HTTP_ERROR_TYPES[413])

    def _counting(self, receive):
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise HTTPException(413, f"request body larger than {self.max_body} bytes")
            return message

        return counted


# ---- OpenAPI -----------------------------------------------------------------------------------

def _body_schema(model: type[BaseModel]) -> dict[str, Any]:
    """OpenAPI for a JSON body the route reads itself (to keep decimals exact)."""
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}}}


def _responses(model: type[BaseModel]) -> dict[int | str, dict[str, Any]]:
    error = {"description": "JSON error: {\"error\": {\"message\", \"field\", \"type\"}}"}
    return {200: {"model": model, "description": "Success"}, 401: error, 413: error, 422: error}


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description,
                         routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (AnalyzeRequest, DraftRequest, CheckRequest):
        body = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in body.pop("$defs", {}).items():
            components.setdefault(name, definition)
        components[model.__name__] = body
    app.openapi_schema = schema
    return schema
