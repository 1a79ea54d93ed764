"""A real IMAP server for the delivery tests: Debian's dovecot, run from a private config on loopback.

The server listens on two free high ports of 127.0.0.1: plain IMAP (offering STARTTLS) and IMAP over
TLS, both with a self-signed certificate for `localhost` / 127.0.0.1. One user, `collector`, with a
Maildir owned by an unprivileged uid and a `Drafts` mailbox marked `\\Drafts` (RFC 6154).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

USER = "collector"
PASSWORD = "s3cret-imap"
DOVECOT_CANDIDATES = ("dovecot", "/usr/sbin/dovecot")

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
first_valid_uid = 1
{users}
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    port = {plain_port}
  }}
  inet_listener imaps {{
    port = {tls_port}
    ssl = yes
  }}
}}
namespace inbox {{
  inbox = yes
  mailbox Drafts {{
    special_use = \\Drafts
    auto = subscribe
  }}
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
}}
"""


@dataclass
class ImapServer:
    root: Path
    plain_port: int
    tls_port: int
    process: subprocess.Popen
    user: str = USER
    password: str = PASSWORD

    @property
    def cafile(self) -> Path:
        return self.root / "cert.pem"

    @property
    def plain_url(self) -> str:
        return f"imap://127.0.0.1:{self.plain_port}"

    @property
    def tls_url(self) -> str:
        return f"imaps://localhost:{self.tls_port}"

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def find_dovecot() -> str | None:
    for candidate in DOVECOT_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _mail_owner() -> tuple[int, int, str]:
    """The uid/gid mail is stored as, and the config lines that let dovecot run as that user."""
    if os.geteuid() == 0:
        return 65534, 65534, ""  # mail processes refuse uid 0: use nobody
    uid, gid = os.getuid(), os.getgid()
    import pwd

    name = pwd.getpwuid(uid).pw_name
    return uid, gid, f"default_internal_user = {name}\ndefault_login_user = {name}"


def _self_signed_certificate(root: Path) -> None:
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(root / "key.pem"), "-out", str(root / "cert.pem"), "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True,
    )


def start(dovecot: str) -> ImapServer:
    """A running dovecot in a fresh private directory; raises RuntimeError if it does not come up."""
    root = Path(tempfile.mkdtemp(prefix="drafter-imap-"))
    root.chmod(0o755)  # the unprivileged mail and auth processes must reach their files
    for name in ("run", "state", f"home/{USER}"):
        (root / name).mkdir(parents=True)
    uid, gid, users = _mail_owner()
    os.chown(root / "home", uid, gid)
    os.chown(root / "home" / USER, uid, gid)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    (root / "passwd").chmod(0o644)
    _self_signed_certificate(root)
    plain_port, tls_port = free_port(), free_port()
    (root / "dovecot.conf").write_text(CONFIG.format(
        root=root, uid=uid, gid=gid, users=users, plain_port=plain_port, tls_port=tls_port))
    process = subprocess.Popen([dovecot, "-F", "-c", str(root / "dovecot.conf")],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    server = ImapServer(root, plain_port, tls_port, process)
    try:
        _wait_for_ports(server, (plain_port, tls_port))
    except RuntimeError:
        output = process.stdout.read().decode(errors="replace") if process.poll() is not None else ""
        log = server.log()
        server.stop()
        raise RuntimeError(f"dovecot did not start:\n{output}\n{log}") from None
    return server


def _wait_for_ports(server: ImapServer, ports: tuple[int, ...], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    for port in ports:
        while True:
            if server.process.poll() is not None:
                raise RuntimeError("dovecot exited")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"port {port} not open after {timeout:.0f}s") from None
                time.sleep(0.05)
