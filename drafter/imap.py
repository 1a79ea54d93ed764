"""Putting drafts into a mailbox's Drafts folder over IMAP, so any email client shows them for review.

    url = parse_url("imaps://mail.example.com")           # InputError when malformed
    with connect(url, "dana", password, cafile=None) as mailbox:
        folder = mailbox.drafts_folder()                  # SPECIAL-USE \\Drafts, else "Drafts"
        mailbox.append(folder, message_bytes)             # stored with the \\Draft flag

Transport security: `imaps://` is TLS from the first byte (port 993); `imap://` with `starttls=True`
upgrades with STARTTLS and fails if the server does not offer it; `imap://` alone is plain text and is
only allowed to a loopback address unless `insecure=True`. Certificates are always verified (against the
system's CAs, or `cafile`). Every failure is a DeliveryError (or InputError) with a one-line message.
"""

from __future__ import annotations

import imaplib
import ipaddress
import re
import socket
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import DeliveryError, InputError

__all__ = ["ImapUrl", "Mailbox", "parse_url", "check_transport", "connect", "is_loopback", "encode_mailbox_name",
           "decode_mailbox_name"]

DEFAULT_PORTS = {"imaps": 993, "imap": 143}
FALLBACK_DRAFTS = "Drafts"


@dataclass(frozen=True)
class ImapUrl:
    scheme: str  # imaps | imap
    host: str
    port: int
    user: str | None = None

    def __str__(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"


def parse_url(url: str) -> ImapUrl:
    """`imaps://[user@]host[:port]` or `imap://[user@]host[:port]`; InputError naming what is wrong."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InputError(f"bad IMAP URL {url!r}: {exc}", field="--imap") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise InputError(f"bad IMAP URL {url!r}: the scheme must be imaps:// (TLS) or imap://",
                         field="--imap")
    if not parts.hostname:
        raise InputError(f"bad IMAP URL {url!r}: no host name", field="--imap")
    if parts.password is not None:
        raise InputError("a password does not belong in the URL: put it in the environment variable "
                         "(--password-env) or type it at the prompt", field="--imap")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InputError(f"bad IMAP URL {url!r}: give only scheme, host and port (the folder is "
                         "--folder)", field="--imap")
    if port == 0:
        raise InputError(f"bad IMAP URL {url!r}: port 0", field="--imap")
    user = unquote(parts.username) if parts.username else None
    return ImapUrl(scheme, parts.hostname, port or DEFAULT_PORTS[scheme], user)


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def tls_context(cafile: str | Path | None) -> ssl.SSLContext:
    """A verifying TLS context: the system's CAs, or only the CA (or self-signed cert) in `cafile`."""
    try:
        return ssl.create_default_context(cafile=str(cafile) if cafile else None)
    except FileNotFoundError:
        raise InputError("no such file", file=str(cafile), field="--cafile") from None
    except (ssl.SSLError, OSError) as exc:
        raise InputError(f"not a PEM certificate file ({exc.__class__.__name__})", file=str(cafile),
                         field="--cafile") from None


class Mailbox:
    """A logged-in IMAP connection. Use `connect()` to get one; close it with `logout()` or `with`."""

    def __init__(self, imap: imaplib.IMAP4, url: ImapUrl) -> None:
        self._imap = imap
        self.url = url
        self._examined: str | None = None  # the folder open read-only for searching

    def __enter__(self) -> Mailbox:
        return self

    def __exit__(self, *exc_info) -> None:
        self.logout()

    def logout(self) -> None:
        try:
            self._imap.logout()
        except (imaplib.IMAP4.error, OSError):
            pass  # the session is over either way

    def folders(self) -> list[tuple[str, set[str]]]:
        """Every folder as (name, attributes), with RFC 6154 special-use attributes where offered."""
        pattern = '(SPECIAL-USE) ""' if "SPECIAL-USE" in self._imap.capabilities else '""'
        lines = self._command("LIST", self._imap.list, pattern, "*")
        if pattern != '""':  # some servers list only the special folders for this form
            lines += self._command("LIST", self._imap.list, '""', "*")
        folders: dict[str, set[str]] = {}
        for line in lines:
            parsed = _parse_list_line(line)
            if parsed:
                name, attributes = parsed
                folders.setdefault(name, set()).update(attributes)
        return sorted(folders.items())

    def drafts_folder(self, preferred: str | None = None) -> str:
        """The folder drafts go to: `preferred` if given, else the one marked \\Drafts, else "Drafts".

        DeliveryError if that folder does not exist (nothing is created behind the user's back)."""
        folders = dict(self.folders())
        if preferred:
            if preferred not in folders:
                raise DeliveryError(f"{self.url}: no folder named {preferred!r} "
                                    f"(folders: {', '.join(folders) or 'none'})")
            return preferred
        marked = [name for name, attributes in folders.items() if "\\drafts" in attributes]
        if marked:
            return marked[0]
        if FALLBACK_DRAFTS in folders:
            return FALLBACK_DRAFTS
        raise DeliveryError(f"{self.url}: no Drafts folder (none is marked \\Drafts and none is named "
                            f"Drafts); name one with --folder (folders: {', '.join(folders) or 'none'})")

    def has_message(self, folder: str, message_id: str) -> bool:
        """Whether `folder` already holds a message with this Message-ID (so a re-push skips it)."""
        if self._examined != folder:
            self._command("EXAMINE", self._imap.select, _quote(encode_mailbox_name(folder)), True)
            self._examined = folder
        found = self._command("SEARCH", self._imap.uid, "SEARCH", "HEADER", "Message-ID",
                              _quote(message_id))
        return bool(found and found[0] and found[0].split())

    def append(self, folder: str, message: bytes) -> None:
        """Store `message` in `folder` flagged \\Draft (and not \\Seen), dated now."""
        when = imaplib.Time2Internaldate(time.time())
        self._command("APPEND", self._imap.append, _quote(encode_mailbox_name(folder)), r"(\Draft)",
                      when, _crlf(message))

    def _command(self, name: str, method, *args) -> list:
        try:
            status, data = method(*args)
        except imaplib.IMAP4.abort as exc:
            raise DeliveryError(f"{self.url}: the server closed the connection during {name}: "
                                f"{_text(exc)}") from None
        except imaplib.IMAP4.error as exc:
            raise DeliveryError(f"{self.url}: {name} refused: {_text(exc)}") from None
        except OSError as exc:
            raise DeliveryError(f"{self.url}: connection lost during {name}: {exc}") from None
        if status != "OK":
            raise DeliveryError(f"{self.url}: {name} refused: {_text(data)}")
        return [item for item in data if item is not None]


def check_transport(url: ImapUrl, *, starttls: bool = False, insecure: bool = False) -> None:
    """InputError unless the connection would be encrypted, or plain only to this machine (or
    `insecure`)."""
    if url.scheme == "imaps" and starttls:
        raise InputError("--starttls is for imap:// URLs; imaps:// is already TLS", field="--starttls")
    plain = url.scheme == "imap" and not starttls
    if plain and not insecure and not is_loopback(url.host):
        raise InputError(f"{url} would send the password unencrypted: use imaps://, add --starttls, "
                         "or pass --insecure if you really mean it", field="--imap")


def connect(url: ImapUrl, user: str, password: str, *, starttls: bool = False,
            cafile: str | Path | None = None, insecure: bool = False,
            timeout: float = 30.0) -> Mailbox:
    """A logged-in Mailbox; DeliveryError for anything the network or the server refuses."""
    check_transport(url, starttls=starttls, insecure=insecure)
    plain = url.scheme == "imap" and not starttls
    context = None if plain else tls_context(cafile)
    imap = _open(url, context, starttls, timeout)
    try:
        if starttls:
            _starttls(imap, url, context)
        _login(imap, url, user, password)
    except BaseException:
        _close_quietly(imap)
        raise
    return Mailbox(imap, url)


def _open(url: ImapUrl, context: ssl.SSLContext | None, starttls: bool,
          timeout: float) -> imaplib.IMAP4:
    where = f"{url.host}:{url.port}"
    try:
        if url.scheme == "imaps":
            return imaplib.IMAP4_SSL(url.host, url.port, ssl_context=context, timeout=timeout)
        return imaplib.IMAP4(url.host, url.port, timeout=timeout)
    except socket.gaierror as exc:
        raise DeliveryError(f"{url}: cannot resolve host {url.host!r} ({exc.strerror})") from None
    except ConnectionRefusedError:
        raise DeliveryError(f"{url}: connection refused by {where} (is an IMAP server listening "
                            "there?)") from None
    except (TimeoutError, socket.timeout):
        raise DeliveryError(f"{url}: no answer from {where} within {timeout:g}s") from None
    except ssl.SSLCertVerificationError as exc:
        raise DeliveryError(f"{url}: the server's TLS certificate is not trusted "
                            f"({exc.verify_message}); pass its CA with --cafile") from None
    except ssl.SSLError as exc:
        raise DeliveryError(f"{url}: TLS handshake failed ({exc.reason or exc}); is {url.port} an "
                            "imaps (TLS) port? For a plain port use imap:// with --starttls") from None
    except imaplib.IMAP4.error as exc:
        raise DeliveryError(f"{url}: not an IMAP server, or it refused the connection: "
                            f"{_text(exc)}") from None
    except OSError as exc:
        raise DeliveryError(f"{url}: cannot connect to {where}: {exc.strerror or exc}") from None


def _starttls(imap: imaplib.IMAP4, url: ImapUrl, context: ssl.SSLContext) -> None:
    if "STARTTLS" not in imap.capabilities:
        raise DeliveryError(f"{url}: the server does not offer STARTTLS; use imaps:// if it has a TLS "
                            "port")
    try:
        imap.starttls(ssl_context=context)
    except ssl.SSLCertVerificationError as exc:
        raise DeliveryError(f"{url}: the server's TLS certificate is not trusted "
                            f"({exc.verify_message}); pass its CA with --cafile") from None
    except (ssl.SSLError, imaplib.IMAP4.error, OSError) as exc:
        raise DeliveryError(f"{url}: STARTTLS failed: {_text(exc)}") from None


def _login(imap: imaplib.IMAP4, url: ImapUrl, user: str, password: str) -> None:
    if "LOGINDISABLED" in imap.capabilities:
        raise DeliveryError(f"{url}: the server does not accept a password on an unencrypted "
                            "connection; use imaps:// or --starttls")
    try:
        imap.login(user, password)
    except imaplib.IMAP4.abort as exc:
        raise DeliveryError(f"{url}: the server closed the connection at login: {_text(exc)}") from None
    except imaplib.IMAP4.error as exc:
        raise DeliveryError(f"{url}: login failed for user {user!r}: {_text(exc)}") from None
    except OSError as exc:
        raise DeliveryError(f"{url}: connection lost at login: {exc}") from None


def _close_quietly(imap: imaplib.IMAP4) -> None:
    try:
        imap.shutdown()
    except OSError:
        pass


def _text(value) -> str:
    """An imaplib error or response as readable text."""
    if isinstance(value, BaseException):
        value = value.args[0] if value.args else str(value)
    if isinstance(value, list):
        value = b" ".join(v for v in value if isinstance(v, bytes)) or str(value)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value).strip()


def _crlf(message: bytes) -> bytes:
    """IMAP requires CRLF line ends in an APPENDed message."""
    return re.sub(rb"\r?\n", b"\r\n", message)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


_LIST_LINE = re.compile(
    rb'^\((?P<attributes>[^)]*)\) (?P<delimiter>"(?:[^"\\]|\\.)*"|NIL) (?P<name>.*)$', re.IGNORECASE)


def _parse_list_line(line) -> tuple[str, set[str]] | None:
    """(name, lowercased attributes) from one LIST response (bytes, or (bytes, literal) tuple)."""
    if isinstance(line, tuple):  # the name came as a literal
        head, literal = line
        match = _LIST_LINE.match(head.rstrip())
        name = literal
    else:
        match = _LIST_LINE.match(line)
        name = match.group("name") if match else b""
        if name.startswith(b'"') and name.endswith(b'"'):
            name = re.sub(rb"\\(.)", rb"\1", name[1:-1])
    if not match:
        return None
    attributes = {a.lower() for a in match.group("attributes").decode("ascii", "replace").split()}
    return decode_mailbox_name(name.decode("utf-8", "replace")), attributes


# ---- RFC 3501 modified UTF-7 for folder names ---------------------------------------------------

def encode_mailbox_name(name: str) -> str:
    """A folder name as IMAP wants it on the wire: "Entwürfe" -> "Entw&APw-rfe"."""
    out, pending = [], []

    def flush() -> None:
        if pending:
            import base64

            raw = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(raw).decode("ascii").rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)


def decode_mailbox_name(name: str) -> str:
    """The inverse of `encode_mailbox_name`."""
    import base64

    def decode(match: re.Match) -> str:
        chunk = match.group(1)
        if not chunk:
            return "&"
        chunk = chunk.replace(",", "/")
        return base64.b64decode(chunk + "=" * (-len(chunk) % 4)).decode("utf-16-be")

    return re.sub(r"&([^-]*)-", decode, name)
