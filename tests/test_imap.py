"""`drafter push` against a real IMAP server (dovecot) on loopback, read back with imaplib."""

from __future__ import annotations

import email
import imaplib
import os
import socket
import ssl
import subprocess
import sys
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest

import imap_server
from drafter import imap
from drafter.errors import InputError


@pytest.fixture(scope="session")
def server():
    dovecot = imap_server.find_dovecot()
    if dovecot is None:
        pytest.fail("dovecot is not installed: the IMAP tests need Debian's dovecot-imapd "
                    "(run tests/setup.sh)")
    running = imap_server.start(dovecot)
    yield running
    running.stop()


@pytest.fixture
def drafts(server):
    """A logged-in imaplib connection with an empty Drafts folder."""
    client = imaplib.IMAP4("127.0.0.1", server.plain_port)
    client.login(server.user, server.password)
    empty_folder(client, "Drafts")
    yield client
    client.logout()


def empty_folder(client, folder):
    _, count = client.select(folder)
    if int(count[0]):
        client.store("1:*", "+FLAGS", r"(\Deleted)")
        client.expunge()


def make_eml(tmp_path, name, *, subject, to, cc=None, body, passed="yes"):
    message = EmailMessage()
    message["From"] = "Accounts Receivable <ar@northwind.example>"
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Message-ID"] = f"<{name}@drafter.test>"
    message["X-Unsent"] = "1"
    if passed is not None:
        message["X-Drafter-Passed"] = passed
    message.set_content(body)
    message.add_alternative(f"<p>{body}</p>", subtype="html")
    path = tmp_path / f"{name}.eml"
    path.write_bytes(message.as_bytes())
    return path


def run_push(*args, password=imap_server.PASSWORD, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRAFTER_IMAP")}
    if password is not None:
        env["DRAFTER_IMAP_PASSWORD"] = password
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "drafter", "push", *args], capture_output=True,
                          text=True, env=env, stdin=subprocess.DEVNULL, timeout=60)


def fetch_all(client):
    client.select("Drafts", readonly=True)
    _, data = client.search(None, "ALL")
    messages = []
    for number in data[0].split():
        _, parts = client.fetch(number, "(FLAGS BODY.PEEK[])")
        flags = {f.decode() for f in imaplib.ParseFlags(parts[0][0])}
        messages.append((flags, email.message_from_bytes(parts[0][1], policy=default_policy)))
    return messages


def assert_clean_error(result, code, *fragments):
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: ") or "\nError: " in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def test_push_two_drafts_and_read_them_back(server, drafts, tmp_path):
    acme = make_eml(tmp_path, "acme", subject="Invoice INV-1042 is 53 days past due",
                    to="Dana Lee <dana@acme.example>", cc="Sam Ortiz <sam@acme.example>",
                    body="Hello Dana,\n\nInvoice INV-1042 for $8,500.00 is open.\n")
    globex = make_eml(tmp_path, "globex", subject="Rappel: facture GX-7 échue",
                      to="Zoë Brandt <zoe@globex.example>", body="Bonjour Zoë,\n\nGX-7 reste due.\n")

    result = run_push("--imap", server.plain_url, "--user", server.user, str(acme), str(globex))

    assert result.returncode == 0, result.stderr
    assert "2 drafts appended to Drafts on 127.0.0.1" in result.stdout
    stored = {m["Message-ID"]: (flags, m) for flags, m in fetch_all(drafts)}
    assert set(stored) == {"<acme@drafter.test>", "<globex@drafter.test>"}
    flags, message = stored["<acme@drafter.test>"]
    assert "\\Draft" in flags
    assert "\\Seen" not in flags
    assert message["To"] == "Dana Lee <dana@acme.example>"
    assert message["Cc"] == "Sam Ortiz <sam@acme.example>"
    assert message["Subject"] == "Invoice INV-1042 is 53 days past due"
    assert message["X-Unsent"] == "1"
    assert "$8,500.00" in message.get_body(("plain",)).get_content()
    flags, message = stored["<globex@drafter.test>"]
    assert "\\Draft" in flags
    assert message["Subject"] == "Rappel: facture GX-7 échue"
    assert message["To"] == "Zoë Brandt <zoe@globex.example>"
    assert "Bonjour Zoë" in message.get_body(("plain",)).get_content()


def test_pushing_again_skips_what_is_already_there(server, drafts, tmp_path):
    make_eml(tmp_path, "one", subject="One", to="a@acme.example", body="first")
    make_eml(tmp_path, "two", subject="Two", to="b@acme.example", body="second")
    first = run_push("--imap", server.plain_url, "--user", server.user, str(tmp_path))
    again = run_push("--imap", server.plain_url, "--user", server.user, str(tmp_path))

    assert first.returncode == 0 and again.returncode == 0, again.stderr
    assert again.stdout.count("skipped") == 2
    assert "0 drafts appended" in again.stdout
    assert sorted(m["Subject"] for _, m in fetch_all(drafts)) == ["One", "Two"]


def test_a_draft_that_failed_the_check_is_refused_and_the_rest_go(server, drafts, tmp_path):
    good = make_eml(tmp_path, "good", subject="Good", to="a@acme.example", body="fine")
    bad = make_eml(tmp_path, "bad", subject="Bad", to="a@acme.example", body="lawyers", passed="no")
    unchecked = make_eml(tmp_path, "raw", subject="Raw", to="a@acme.example", body="?", passed=None)

    result = run_push("--imap", server.plain_url, "--user", server.user, str(good), str(bad),
                      str(unchecked))

    assert_clean_error(result, 1, "2 drafts not pushed")
    assert f"refused  {bad}: failed the policy check" in result.stderr
    assert f"refused  {unchecked}: not a checked drafter draft" in result.stderr
    assert [m["Subject"] for _, m in fetch_all(drafts)] == ["Good"]


def test_tls_with_a_self_signed_certificate(server, drafts, tmp_path):
    path = make_eml(tmp_path, "tls", subject="Over TLS", to="a@acme.example", body="secure")

    untrusted = run_push("--imap", server.tls_url, "--user", server.user, str(path))
    trusted = run_push("--imap", server.tls_url, "--user", server.user, "--cafile",
                       str(server.cafile), str(path))

    assert_clean_error(untrusted, 1, "certificate is not trusted", "--cafile")
    assert trusted.returncode == 0, trusted.stderr
    assert [m["Subject"] for _, m in fetch_all(drafts)] == ["Over TLS"]


def test_starttls_upgrades_a_plain_connection(server, drafts, tmp_path):
    path = make_eml(tmp_path, "starttls", subject="Upgraded", to="a@acme.example", body="secure")
    url = f"imap://localhost:{server.plain_port}"

    result = run_push("--imap", url, "--starttls", "--cafile", str(server.cafile), "--user",
                      server.user, str(path))

    assert result.returncode == 0, result.stderr
    assert [m["Subject"] for _, m in fetch_all(drafts)] == ["Upgraded"]


def test_wrong_password_is_a_clear_error(server, drafts, tmp_path):
    path = make_eml(tmp_path, "pw", subject="Nope", to="a@acme.example", body="x")
    result = run_push("--imap", server.plain_url, "--user", server.user, str(path),
                      password="wrong-password")
    assert_clean_error(result, 1, "login failed for user 'collector'", "AUTHENTICATIONFAILED")
    assert fetch_all(drafts) == []


@pytest.mark.parametrize("url, message", [
    ("http://127.0.0.1:1", "the scheme must be imaps:// (TLS) or imap://"),
    ("imaps://", "no host name"),
    ("imap://127.0.0.1:notaport", "bad IMAP URL"),
    ("imaps://dana:hunter2@127.0.0.1", "a password does not belong in the URL"),
    ("imaps://127.0.0.1/INBOX", "the folder is --folder"),
])
def test_bad_url_exits_2(tmp_path, url, message):
    path = make_eml(tmp_path, "u", subject="U", to="a@acme.example", body="x")
    result = run_push("--imap", url, "--user", "dana", str(path))
    assert_clean_error(result, 2, message)


def test_plain_text_to_another_host_is_refused_before_connecting(tmp_path):
    path = make_eml(tmp_path, "p", subject="P", to="a@acme.example", body="x")
    result = run_push("--imap", "imap://mail.example.com", "--user", "dana", str(path))
    assert_clean_error(result, 2, "would send the password unencrypted")


def test_unreachable_port_is_a_clear_error(tmp_path):
    path = make_eml(tmp_path, "r", subject="R", to="a@acme.example", body="x")
    result = run_push("--imap", f"imap://127.0.0.1:{imap_server.free_port()}", "--user", "dana",
                      str(path))
    assert_clean_error(result, 1, "connection refused by 127.0.0.1:")


def test_tls_to_a_plain_port_says_so(server, tmp_path):
    path = make_eml(tmp_path, "t", subject="T", to="a@acme.example", body="x")
    result = run_push("--imap", f"imaps://127.0.0.1:{server.plain_port}", "--user", server.user,
                      "--cafile", str(server.cafile), str(path))
    assert_clean_error(result, 1, "TLS handshake failed")


def test_missing_folder_is_a_clear_error(server, drafts, tmp_path):
    path = make_eml(tmp_path, "f", subject="F", to="a@acme.example", body="x")
    result = run_push("--imap", server.plain_url, "--user", server.user, "--folder", "Brouillons",
                      str(path))
    assert_clean_error(result, 1, "no folder named 'Brouillons'", "Drafts")
    assert fetch_all(drafts) == []


def test_an_explicit_folder_is_used(server, drafts, tmp_path):
    path = make_eml(tmp_path, "sent", subject="To Sent", to="a@acme.example", body="x")
    result = run_push("--imap", server.plain_url, "--user", server.user, "--folder", "Sent",
                      str(path))
    assert result.returncode == 0, result.stderr
    assert "-> Sent" in result.stdout
    drafts.select("Sent")
    _, found = drafts.search(None, "HEADER", "Message-ID", "<sent@drafter.test>")
    assert found[0].split()
    empty_folder(drafts, "Sent")


def test_no_password_and_no_terminal_is_bad_input(server, tmp_path):
    path = make_eml(tmp_path, "n", subject="N", to="a@acme.example", body="x")
    result = run_push("--imap", server.plain_url, "--user", server.user, str(path), password=None)
    assert_clean_error(result, 2, "no password: set $DRAFTER_IMAP_PASSWORD")


def test_a_file_that_is_not_an_email_is_bad_input(server, tmp_path):
    path = tmp_path / "notes.eml"
    path.write_text("just some words\n")
    result = run_push("--imap", server.plain_url, "--user", server.user, str(path))
    assert_clean_error(result, 2, "not an email message")


def test_folder_discovery_prefers_the_special_use_mark(server, drafts):
    url = imap.parse_url(server.plain_url)
    with imap.connect(url, server.user, server.password) as mailbox:
        folders = dict(mailbox.folders())
        assert "\\drafts" in folders["Drafts"]
        assert "\\sent" in folders["Sent"]
        assert mailbox.drafts_folder() == "Drafts"


@pytest.mark.parametrize("name, wire", [("Drafts", "Drafts"), ("Entwürfe", "Entw&APw-rfe"),
                                        ("R&D", "R&-D"), ("下書き", "&Tgtm+DBN-")])
def test_folder_names_in_modified_utf7(name, wire):
    assert imap.encode_mailbox_name(name) == wire
    assert imap.decode_mailbox_name(wire) == name


def test_starttls_with_imaps_is_bad_input():
    with pytest.raises(InputError, match="already TLS"):
        imap.connect(imap.parse_url("imaps://127.0.0.1:1"), "u", "p", starttls=True)


def test_tls_context_verifies_by_default(server):
    context = imap.tls_context(server.cafile)
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname


def batch_output(tmp_path, body_edit=None):
    """An .eml and the record `drafter batch` writes beside it (NAME.json: the account and result)."""
    import json

    import drafter
    from drafter.load import validate
    from drafter.models import Account

    account_data = {
        "as_of": "2026-11-23",
        "customer": {"name": "Brightline Freight", "industry": "freight"},
        "contacts": [{"name": "Lena Park", "email": "lena@brightline.example", "role": "ap"}],
        "invoices": [{"number": "BF-2201", "amount": "4180.50", "issued": "2026-09-15",
                      "due": "2026-10-15"}],
        "terms": {"payment_link": "https://pay.northwind.example/brightline"},
    }
    result = drafter.draft(validate(Account, account_data, "account"), backend="offline")
    assert result.report.passed
    body = body_edit(result.draft.body) if body_edit else result.draft.body
    path = make_eml(tmp_path, "brightline-freight", subject=result.draft.subject,
                    to="Lena Park <lena@brightline.example>", body=body)
    record = {"version": 1, "label": "brightline.json", "policy": "default", "status": "passed",
              "files": [path.name], "account": account_data,
              "result": result.model_dump(mode="json")}
    path.with_suffix(".json").write_text(json.dumps(record))
    return path


def test_a_batch_draft_is_checked_again_before_it_is_pushed(server, drafts, tmp_path):
    untouched = batch_output(tmp_path)
    result = run_push("--imap", server.plain_url, "--user", server.user, str(untouched))
    assert result.returncode == 0, result.stderr
    assert len(fetch_all(drafts)) == 1


def test_a_batch_draft_edited_into_a_threat_is_refused(server, drafts, tmp_path):
    edited = batch_output(tmp_path, lambda body: body.replace(
        "\n\n", "\n\nPay today or our lawyers will take you to court.\n\n", 1))
    result = run_push("--imap", server.plain_url, "--user", server.user, str(edited))
    assert_clean_error(result, 1, "1 draft not pushed")
    assert "edited since it was checked and now fails the policy check" in result.stderr
    assert "not allowed at tier 2" in result.stderr and "'Pay today'" in result.stderr  # the first blocking finding
    assert fetch_all(drafts) == []


ACME = {
    "as_of": "2026-11-23",
    "customer": {"name": "Acme Analytics Corp", "industry": "saas"},
    "contacts": [{"name": "Zoë Lee", "email": "zoe.lee@acme-analytics.example", "role": "ap"}],
    "invoices": [{"number": "INV-1042", "amount": "26000.00", "issued": "2026-09-01",
                  "due": "2026-10-01"}],
    "terms": {"payment_link": "https://pay.northwind.example/acme"},
    "collector": {"name": "Jordan Reyes", "email": "jordan.reyes@northwind.example"},
}


def test_a_drafter_draft_eml_goes_to_drafts_end_to_end(server, drafts, tmp_path):
    import json

    account = tmp_path / "acme.json"
    account.write_text(json.dumps(ACME, ensure_ascii=False))
    made = subprocess.run([sys.executable, "-m", "drafter", "draft", str(account), "--format", "eml",
                           "--backend", "offline", "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    [eml] = (tmp_path / "out").glob("*.eml")
    written = email.message_from_bytes(eml.read_bytes(), policy=default_policy)

    result = run_push("--imap", server.plain_url, "--user", server.user, str(tmp_path / "out"))

    assert result.returncode == 0, result.stderr
    [(flags, stored)] = fetch_all(drafts)
    assert "\\Draft" in flags
    assert stored["Message-ID"] == written["Message-ID"]
    assert stored["Subject"] == written["Subject"]
    assert stored["To"] == "Zoë Lee <zoe.lee@acme-analytics.example>"
    assert stored["X-Unsent"] == "1"
    assert stored.get_content_type() == "multipart/alternative"
    plain = stored.get_body(("plain",)).get_content()
    assert "INV-1042" in plain and "$26,000.00" in plain
    assert "INV-1042" in stored.get_body(("html",)).get_content()


def test_push_approved_drafts_from_the_audit_log_and_mark_them_sent(server, drafts, tmp_path):
    from delivery_fixtures import make_result

    from drafter.store import AuditLog

    db = tmp_path / "audit.db"
    with AuditLog(db) as log:
        approved = log.record_draft(make_result("Acme Corp"), source="acme.json", inputs_hash="a")
        log.record_decision(approved, "approved", reviewer="dana")
        pending = log.record_draft(make_result("Globex"), source="globex.json", inputs_hash="b")
        rejected = log.record_draft(make_result("Initech"), source="initech.json", inputs_hash="c")
        log.record_decision(rejected, "rejected", reason="wrong contact")

    result = run_push("--imap", server.plain_url, "--user", server.user, "--approved", "--db", str(db))
    again = run_push("--imap", server.plain_url, "--user", server.user, "--approved", "--db", str(db))

    assert result.returncode == 0, result.stderr
    assert f"pushed   audit log #{approved} (Acme Corp) -> Drafts" in result.stdout
    [(flags, stored)] = fetch_all(drafts)
    assert "\\Draft" in flags
    assert stored["To"] == "Dana Lee <dana@acme.example>"
    assert stored["Subject"] == "Invoice INV-1"
    assert stored["X-Drafter-Passed"] == "yes"
    assert "Acme Corp billing" in stored.get_body(("plain",)).get_content()
    with AuditLog(db) as log:
        assert log.get(approved).status == "sent"
        assert log.get(pending).status == "pending"
        assert log.get(rejected).status == "rejected"
    assert again.returncode == 0, again.stderr
    assert "no drafts to push" in again.stdout
    assert len(fetch_all(drafts)) == 1


def test_a_batch_folder_is_pushed_after_each_draft_is_checked_again(server, drafts, tmp_path):
    import json

    accounts = tmp_path / "accounts"
    accounts.mkdir()
    (accounts / "acme.json").write_text(json.dumps(ACME, ensure_ascii=False))
    globex = json.loads(json.dumps(ACME))
    globex["customer"]["name"] = "Globex Industrial"
    globex["invoices"][0].update(number="GX-7", issued="2026-07-01", due="2026-08-01")
    (accounts / "globex.json").write_text(json.dumps(globex, ensure_ascii=False))
    made = subprocess.run([sys.executable, "-m", "drafter", "batch", str(accounts), "--out",
                           str(tmp_path / "out"), "--emit", "eml", "--backend", "offline", "--no-log"],
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    written = sorted((tmp_path / "out").glob("*.eml"))
    assert len(written) == 2

    result = run_push("--imap", server.plain_url, "--user", server.user, str(tmp_path / "out"))

    assert result.returncode == 0, result.stderr
    assert "2 drafts appended to Drafts" in result.stdout
    subjects = sorted(m["Subject"] for _, m in fetch_all(drafts))
    assert subjects == sorted(email.message_from_bytes(p.read_bytes(), policy=default_policy)["Subject"]
                              for p in written)


@pytest.mark.parametrize("raised, message", [
    (socket.gaierror(-2, "Name or service not known"), "cannot resolve host 'mail.example.com' (Name "
                                                      "or service not known)"),
    (TimeoutError(), "no answer from mail.example.com:993 within 5s"),
    (OSError(113, "No route to host"), "cannot connect to mail.example.com:993: No route to host"),
])
def test_network_failures_are_one_line_delivery_errors(monkeypatch, raised, message):
    from drafter.errors import DeliveryError

    def fail(*args, **kwargs):
        raise raised

    monkeypatch.setattr(imaplib, "IMAP4_SSL", fail)  # no packet leaves this machine
    with pytest.raises(DeliveryError) as error:
        imap.connect(imap.parse_url("imaps://mail.example.com"), "u", "p", timeout=5)
    assert str(error.value) == f"imaps://mail.example.com:993: {message}"


def test_the_same_draft_twice_in_one_run_is_appended_once(server, drafts, tmp_path):
    path = make_eml(tmp_path, "twice", subject="Twice", to="a@acme.example", body="x")
    result = run_push("--imap", server.plain_url, "--user", server.user, str(path), str(path))
    assert result.returncode == 0, result.stderr
    assert "1 draft appended to Drafts" in result.stdout
    assert [m["Subject"] for _, m in fetch_all(drafts)] == ["Twice"]
