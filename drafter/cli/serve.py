"""`drafter serve`: the HTTP API (FastAPI + uvicorn), for email add-ins and CRMs."""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from pathlib import Path

import click

from ..errors import DeliveryError, InputError
from ._shared import policy_option

MIN_TOKEN_LENGTH = 16


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but this machine needs a token.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port; the address is printed).")
@click.option("--token-env", default="DRAFTER_API_TOKEN", show_default=True, metavar="VAR",
              help="Environment variable holding the bearer token /v1 routes then require.")
@policy_option
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), metavar="PATH",
              help="Audit log file (default: $DRAFTER_DB, else the user data dir).")
@click.option("--no-log", is_flag=True, help="Do not record drafts and checks in the audit log.")
@click.option("--max-body", type=click.IntRange(min=1024), default=256 * 1024, show_default=True,
              metavar="BYTES", help="Largest request body accepted (larger gets 413).")
@click.option("--access-log", is_flag=True, help="Print a line for every request.")
def serve(host, port, token_env, policy_name, db, no_log, max_body, access_log) -> None:
    """Serve the HTTP API: analyze, draft and check over JSON, with OpenAPI docs at /docs.

    \b
    POST /v1/analyze   {"account": {...}}                  -> the assessment
    POST /v1/drafts    {"account": {...}, "kind": ...}     -> a checked draft
    POST /v1/check     {"text": "...", "account": {...}}   -> the policy report
    GET  /v1/policies, GET /healthz

    It listens on 127.0.0.1 unless told otherwise, and refuses to listen anywhere else without a
    bearer token (at least 16 characters) in the variable named by --token-env. With a token set,
    every /v1 request needs "Authorization: Bearer <token>". Drafts and checks are recorded in the
    audit log unless --no-log.
    """
    token = os.environ.get(token_env) or None
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        raise InputError(f"the token in ${token_env} is too short (at least {MIN_TOKEN_LENGTH} "
                         "characters)", field="--token-env")
    if token is None and not _is_loopback(host):
        raise InputError(f"refusing to listen on {host} without a token: set ${token_env} to a "
                         "secret of at least 16 characters, or listen on 127.0.0.1",
                         field="--host")
    sock = _listen(host, port)

    import uvicorn

    from ..server import ServerOptions, create_app

    audit_log = None
    if not no_log:
        from ..store import AuditLog

        audit_log = AuditLog(db)
    app = create_app(ServerOptions(token=token, policy=policy_name, audit_log=audit_log,
                                   max_body=max_body))
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    click.echo(f"drafter API on http://{shown}:{bound_port} (docs: /docs"
               f"{', bearer token required' if token else ''}"
               f"{', audit log: ' + str(audit_log.path) if audit_log else ''})", err=True)
    sys.stderr.flush()
    config = uvicorn.Config(app, log_level="warning", access_log=access_log, server_header=False,
                            timeout_graceful_shutdown=5)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn shuts down cleanly, then re-raises the Ctrl-C it caught
        click.echo("drafter API stopped", err=True)


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket, so a busy port or a bad address is a one-line error before start-up."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise InputError(f"cannot listen on {host!r}: {exc.strerror}", field="--host") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise DeliveryError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock
