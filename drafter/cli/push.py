"""`drafter push`: put checked drafts into the Drafts folder of an IMAP mailbox."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from pathlib import Path

import click

from ..errors import DeliveryError, InputError

PASSED_HEADER = "X-Drafter-Passed"


@dataclass
class Outgoing:
    label: str  # the file name, or "audit log #12"
    message: bytes
    message_id: str | None
    draft_id: int | None = None  # set for drafts taken from the audit log


@click.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--imap", "url", required=True, metavar="URL",
              help="imaps://host[:port] (TLS) or imap://host[:port] (plain; add --starttls).")
@click.option("--user", envvar="DRAFTER_IMAP_USER", metavar="NAME",
              help="Login name (default: $DRAFTER_IMAP_USER, or user@ in the URL).")
@click.option("--password-env", default="DRAFTER_IMAP_PASSWORD", show_default=True, metavar="VAR",
              help="Environment variable holding the password; if unset, you are asked for it.")
@click.option("--folder", metavar="NAME",
              help="Folder to append to. Default: the one the server marks \\Drafts, else Drafts.")
@click.option("--starttls", is_flag=True, help="Upgrade an imap:// connection with STARTTLS.")
@click.option("--cafile", type=click.Path(dir_okay=False, path_type=Path), metavar="PEM",
              help="Trust this CA (or self-signed) certificate instead of the system's CAs.")
@click.option("--insecure", is_flag=True,
              help="Allow plain imap:// without TLS to a host other than this machine.")
@click.option("--approved", is_flag=True,
              help="Push the audit log's approved drafts (and mark them sent).")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), metavar="PATH",
              help="Audit log file for --approved (default: $DRAFTER_DB, else the user data dir).")
@click.option("--timeout", type=click.FloatRange(min=1), default=30, show_default=True,
              help="Seconds to wait for the server.")
def push(sources, url, user, password_env, folder, starttls, cafile, insecure, approved, db,
         timeout) -> None:
    """Append checked drafts to your mailbox's Drafts folder over IMAP.

    SOURCES are .eml files written by `drafter draft --format eml` or `drafter batch`, or folders of
    them; with --approved, the drafts a reviewer approved in the audit log. Only drafts that passed
    the policy check are pushed: a draft marked as failed is refused and reported, and a batch draft
    is checked again against the account record batch left beside it (NAME.json), so one edited by
    hand since must still pass. Each message is
    stored with the \\Draft flag, so your email client opens it as an editable draft. A message whose
    Message-ID is already in the folder is skipped, so pushing again does not duplicate it.

    The password comes from the environment variable named by --password-env
    (DRAFTER_IMAP_PASSWORD by default) or, at a terminal, from a hidden prompt; never from a flag.

    \b
    Example:
      DRAFTER_IMAP_PASSWORD=... drafter push --imap imaps://mail.example.com --user dana out/*.eml
    """
    from .. import imap

    target = imap.parse_url(url)
    imap.check_transport(target, starttls=starttls, insecure=insecure)
    user = user or target.user
    if not user:
        raise InputError("no login name: give --user (or $DRAFTER_IMAP_USER, or user@ in the URL)",
                         field="--user")
    if not sources and not approved:
        raise InputError("nothing to push: give .eml files or folders, or --approved")
    if cafile is not None and not cafile.is_file():
        raise InputError("no such file", file=str(cafile), field="--cafile")
    outgoing, refused = _collect(sources)
    log = None
    if approved:
        from ..store import AuditLog

        log = AuditLog(db)
        outgoing += _approved_drafts(log)
    for label, reason in refused:
        click.echo(f"refused  {label}: {reason}", err=True)
    if not outgoing:
        if not refused:
            click.echo("no drafts to push" + (" (no approved drafts in the audit log)" if approved
                                              else ""))
        _finish(0, refused)
        return
    password = _password(password_env)
    with imap.connect(target, user, password, starttls=starttls, cafile=cafile, insecure=insecure,
                      timeout=timeout) as mailbox:
        destination = mailbox.drafts_folder(folder)
        pushed, appended = 0, set()
        for item in outgoing:
            if item.message_id and (item.message_id in appended
                                    or mailbox.has_message(destination, item.message_id)):
                click.echo(f"skipped  {item.label}: already in {destination}")
            else:
                mailbox.append(destination, item.message)
                appended.add(item.message_id)
                pushed += 1
                click.echo(f"pushed   {item.label} -> {destination}")
            if log is not None and item.draft_id is not None:
                log.record_decision(item.draft_id, "sent", reason=f"pushed to {destination} on "
                                    f"{target.host}")
    _finish(pushed, refused, destination, target.host)


def _finish(pushed: int, refused: list[tuple[str, str]], folder: str | None = None,
            host: str | None = None) -> None:
    if folder:
        click.echo(f"{pushed} draft{'s' if pushed != 1 else ''} appended to {folder} on {host}")
    if refused:
        count = len(refused)
        raise DeliveryError(f"{count} draft{'s' if count != 1 else ''} not pushed (see above)")


def _collect(sources: tuple[Path, ...]) -> tuple[list[Outgoing], list[tuple[str, str]]]:
    """Every .eml named or inside a named folder, split into pushable and refused (with the reason).

    Unreadable files are InputError, raised before anything is sent."""
    outgoing, refused = [], []
    for path in _eml_paths(sources):
        try:
            message = path.read_bytes()
        except OSError as exc:
            raise InputError(exc.strerror or str(exc), file=str(path)) from None
        headers = BytesHeaderParser(policy=default_policy).parsebytes(message)
        if not headers.get("From") and not headers.get("Subject"):
            raise InputError("not an email message (no From or Subject header)", file=str(path))
        reason = _refusal(headers) or _recheck(path)
        if reason:
            refused.append((str(path), reason))
        else:
            outgoing.append(Outgoing(str(path), message, _message_id(headers)))
    return outgoing, refused


def _eml_paths(sources: tuple[Path, ...]) -> list[Path]:
    paths = []
    for source in sources:
        if source.is_dir():
            found = sorted(p for p in source.rglob("*.eml") if p.is_file())
            if not found:
                raise InputError("no .eml files in this folder", file=str(source))
            paths += found
        elif source.is_file():
            paths.append(source)
        else:
            raise InputError("no such file or folder", file=str(source))
    return paths


def _refusal(headers) -> str | None:
    """Why a message may not be pushed, or None. Only drafts the guard passed go out."""
    verdict = (headers.get(PASSED_HEADER) or "").strip().lower()
    if verdict == "yes":
        return None
    if verdict == "no":
        return "failed the policy check (X-Drafter-Passed: no); fix it and check it again"
    return f"not a checked drafter draft (no {PASSED_HEADER}: yes header)"


def _recheck(path: Path) -> str | None:
    """Check the message again when `drafter batch` left its record (NAME.json, with the account)
    beside it: a draft edited by hand after the batch must still pass. None when it passes."""
    record_path = path.with_suffix(".json")
    if not record_path.is_file():
        return None
    from ..draftfile import read_draft
    from ..guard import check
    from ..load import parse_document, read_text, validate
    from ..models import Account, DraftResult
    from ..policy import load_policy

    record = parse_document(read_text(record_path), str(record_path))
    if not isinstance(record, dict) or "account" not in record or "result" not in record:
        return None  # some other JSON file: nothing to check against
    account = validate(Account, record["account"], str(record_path))
    result = validate(DraftResult, record["result"], str(record_path))
    draft = read_draft(path).model_copy(update={"kind": result.draft.kind,
                                                "channel": result.draft.channel})
    report = check(draft, account, load_policy(record.get("policy")), assessment=result.assessment)
    if report.passed:
        return None
    first = report.blocking[0]
    return (f"edited since it was checked and now fails the policy check: {first.message} "
            f"({first.excerpt!r})")


def _message_id(headers) -> str | None:
    value = headers.get("Message-ID")
    return str(value).strip() or None if value else None


def _approved_drafts(log) -> list[Outgoing]:
    from ..eml import record_to_eml

    items = []
    for record in log.list(status="approved", oldest_first=True):
        message = record_to_eml(record)
        headers = BytesHeaderParser(policy=default_policy).parsebytes(message)
        items.append(Outgoing(f"audit log #{record.id} ({record.customer})", message,
                              _message_id(headers), draft_id=record.id))
    return items


def _password(variable: str) -> str:
    value = os.environ.get(variable)
    if value:
        return value
    if sys.stdin.isatty():
        return click.prompt("IMAP password", hide_input=True)
    raise InputError(f"no password: set ${variable} (or name another variable with --password-env), "
                     "or run at a terminal to be asked", field="--password-env")
