"""Reading a draft from a file, whoever wrote it.

    read_draft("reply.txt")     text or markdown; an optional first line "Subject: ..."
    read_draft("reply.eml")     an email message (the text/plain part, or the HTML part as text)
    read_draft("draft.json")    `drafter draft --format json` output (a DraftResult) or a bare Draft
    read_draft("-")             standard input, in any of the forms above
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from . import _regex
from .errors import InputError
from .load import read_text, validate
from .models import Draft

__all__ = ["read_draft", "parse_draft"]

_SUBJECT = _regex.compile(r"\A\s*subject:[ \t]*(?P<subject>[^\n]*)\n(?:[ \t]*\n)*", re.I)
_HEADER = _regex.compile(r"\A(?:[A-Za-z-]+:[^\n]*\n(?:[ \t][^\n]*\n)*)+\n")


def read_draft(path: str | Path) -> Draft:
    """The Draft in `path` ("-" for standard input); InputError if it is not a draft."""
    name = str(path)
    if name.endswith(".eml"):
        return _from_eml(_read_bytes(path), name)
    return parse_draft(read_text(path), name)


def parse_draft(text: str, name: str = "<draft>") -> Draft:
    """A draft from its text: JSON (a DraftResult or a Draft), an email message, or plain text."""
    stripped = text.lstrip()
    if name.endswith(".json") or stripped.startswith("{"):
        return _from_json(text, name)
    if _HEADER.match(text) and re.search(r"^(?:from|to|mime-version|content-type):", text, re.I | re.M):
        return _from_eml(text.encode("utf-8"), name)
    if not stripped:
        raise InputError("the draft is empty", file=name)
    match = _SUBJECT.match(text)
    if match:
        return Draft(subject=match.group("subject").strip() or None, body=text[match.end():].rstrip("\n"))
    return Draft(body=text.rstrip("\n"))


def _read_bytes(path: str | Path) -> bytes:
    if str(path) == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", file=str(path)) from None
    except OSError as exc:
        raise InputError(exc.strerror or str(exc), file=str(path)) from None


def _from_json(text: str, name: str) -> Draft:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", file=name, line=exc.lineno) from None
    if isinstance(data, list) and len(data) == 1:
        data = data[0]
    if not isinstance(data, dict):
        raise InputError("expected a draft object: {\"body\": ...} or `drafter draft --format json` output",
                         file=name)
    if "draft" in data and isinstance(data["draft"], dict):
        return validate(Draft, data["draft"], name)
    if "body" not in data:
        raise InputError("no draft here: expected a \"body\" field or a \"draft\" object", file=name)
    return validate(Draft, data, name)


def _from_eml(raw: bytes, name: str) -> Draft:
    from email import policy
    from email.parser import BytesParser

    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # the email package raises many kinds of errors on broken input
        raise InputError(f"not a readable email message: {exc}", file=name) from None
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        raise InputError("the email has no text or HTML body", file=name)
    try:
        body = part.get_content()
    except (LookupError, ValueError) as exc:
        raise InputError(f"cannot decode the email body: {exc}", file=name) from None
    if part.get_content_type() == "text/html":
        body = _html_text(body)
    to = [a.strip() for a in str(message.get("To", "")).split(",") if a.strip()]
    cc = [a.strip() for a in str(message.get("Cc", "")).split(",") if a.strip()]
    subject = str(message.get("Subject", "")).strip() or None
    return Draft(subject=subject, body=body.replace("\r\n", "\n").rstrip("\n"), to=to, cc=cc,
                 sender=str(message.get("From", "")).strip() or None)


def _html_text(html: str) -> str:
    from html import unescape

    text = re.sub(r"(?is)<(script|style).*?</\1>", "", html)
    text = re.sub(r"(?i)<br\s*/?>|</p\s*>|</div\s*>|</li\s*>", "\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"\n{3,}", "\n\n", unescape(text)).strip()
