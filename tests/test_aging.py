"""Reading accounts in bulk: CSV aging reports, JSON Lines, folders, lists and standard input."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest

from conftest import account_data
from drafter.aging import iter_accounts, load_accounts, parse_date
from drafter.errors import InputError
from drafter.models import Account


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_example_aging_report(examples_dir):
    accounts = load_accounts(examples_dir / "aging.csv")
    assert len(accounts) >= 10
    rows = sum(len(account.invoices) for _, account in accounts)
    assert rows >= 30
    label, acme = accounts[0]
    assert label.endswith("aging.csv:Acme Analytics Corp")
    assert acme.as_of == date(2026, 11, 23)  # implied by Days Past Due
    assert acme.contacts[0].email == "dana.lee@acme-analytics.example"


@pytest.mark.parametrize("header", [
    "Customer Name,Invoice #,Invoice Date,Due Date,Amount,Open Balance,Contact,Email",
    "Customer,Inv No,Date,Due,Invoice Amount,Amount Due,Contact Name,E-mail",
    "client,invoice_number,issue_date,due_date,total,balance_due,attn,email address",
    "Name,Num,Txn Date,Payment Due,Amt,Outstanding,AP Contact,Billing Email",
])
def test_common_header_spellings(tmp_path, header):
    path = write(tmp_path, "r.csv", header + "\nAcme,INV-1,2026-09-01,2026-10-01,\"1,200.50\",800.25,Dana Lee,dana@acme.example\n")
    [(label, account)] = load_accounts(path)
    invoice = account.invoices[0]
    assert (account.customer.name, invoice.number) == ("Acme", "INV-1")
    assert (invoice.amount, invoice.balance) == (Decimal("1200.50"), Decimal("800.25"))
    assert (invoice.issued, invoice.due) == (date(2026, 9, 1), date(2026, 10, 1))
    assert (account.contacts[0].name, account.contacts[0].email) == ("Dana Lee", "dana@acme.example")


def test_rows_group_by_customer_in_first_seen_order(tmp_path):
    text = ("Customer,Invoice,Issued,Due,Balance,Currency,Industry\n"
            "Beta,B-1,2026-09-01,2026-10-01,100.00,eur,Equipment Rental\n"
            "Acme,A-1,2026-09-01,2026-10-01,50.00,USD,saas\n"
            "Beta,B-2,2026-09-05,2026-10-05,25.10,EUR,Equipment Rental\n"
            "Total,,,,175.10,,\n")
    accounts = load_accounts(write(tmp_path, "r.csv", "\ufeff" + text))
    assert [a.customer.name for _, a in accounts] == ["Beta", "Acme"]
    beta = accounts[0][1]
    assert [i.number for i in beta.invoices] == ["B-1", "B-2"]
    assert beta.invoices[0].currency == "EUR" and beta.invoices[1].amount == Decimal("25.10")
    assert beta.customer.industry == "equipment_rental"
    assert beta.as_of is None  # no date column: the caller's --as-of or today


def test_dates_as_exports_write_them():
    assert parse_date("11/23/2026") == date(2026, 11, 23)
    assert parse_date("23-Nov-2026") == date(2026, 11, 23)
    assert parse_date("Nov 23, 2026") == date(2026, 11, 23)
    assert parse_date("2026-11-23 00:00:00") == date(2026, 11, 23)
    with pytest.raises(ValueError, match="day-first"):
        parse_date("23/11/2026")
    with pytest.raises(ValueError, match="not a real date"):
        parse_date("02/30/2026")


def test_days_past_due_must_agree_with_the_report_date(tmp_path):
    text = ("Customer,Invoice,Issued,Due,Amount,Days Past Due\n"
            "Acme,A-1,2026-09-01,2026-10-01,10.00,53\n"
            "Acme,A-2,2026-09-01,2026-10-11,10.00,50\n")
    [(label, error)] = list(iter_accounts(write(tmp_path, "r.csv", text)))
    assert isinstance(error, InputError)
    assert str(error) == (f"{tmp_path}/r.csv:3: Days Past Due: 50 days does not match the due date 2026-10-11 "
                          f"(the report date 2026-11-23 makes it 43)")


@pytest.mark.parametrize(("text", "expected"), [
    ("Customer,Invoice,Issued,Due,Amount\nAcme,A-1,2026-09-01,2026-08-01,10\n",
     "r.csv:2: Due: due (2026-08-01) must not be before issued (2026-09-01)"),
    ("Customer,Invoice,Issued,Due,Amount\nAcme,A-1,2026-09-01,2026-10-01,(10.00)\n",
     "r.csv:2: Amount: (10.00) must not be negative"),
    ("Customer,Invoice,Issued,Due,Amount\nAcme,A-1,2026-09-01,2026-10-01,ten\n",
     "r.csv:2: Amount: 'ten' is not an amount"),
    ("Customer,Invoice,Issued,Due,Amount,Currency\nAcme,A-1,2026-09-01,2026-10-01,10,XXX\n",
     "r.csv:2: Currency: 'XXX' is not an ISO 4217"),
    ("Customer,Invoice,Issued,Due,Amount\nAcme,A-1,2026-09-01,2026-10-01,10\nAcme,A-1,2026-09-01,2026-10-01,10\n",
     "r.csv:3: Invoice: invoice number 'A-1' appears more than once"),
    ("Customer,Invoice,Issued,Due,Amount,Email\nAcme,A-1,2026-09-01,2026-10-01,10,not-an-email\n",
     "r.csv:2: Email: String should match pattern"),
    ("Customer,Invoice,Due,Amount\nAcme,A-1,2026-10-01,10\n", "r.csv:1: missing column(s): issued"),
    ("Customer,Invoice,Issued,Due,Amount\n,A-1,2026-09-01,2026-10-01,10\n", "r.csv:2: Customer: empty"),
    ("", "r.csv:1: empty CSV"),
])
def test_csv_errors_name_file_row_and_column(tmp_path, text, expected):
    path = write(tmp_path, "r.csv", text)
    errors = [item for _, item in iter_accounts(path) if isinstance(item, InputError)]
    assert errors, "expected an error"
    assert str(errors[0]).startswith(f"{tmp_path}/{expected}")


def test_one_bad_customer_does_not_stop_the_others(tmp_path):
    text = ("Customer,Invoice,Issued,Due,Amount\n"
            "Acme,A-1,2026-09-01,2026-10-01,10\n"
            "Beta,B-1,2026-09-01,2026-10-01,-4\n")
    items = list(iter_accounts(write(tmp_path, "r.csv", text)))
    assert isinstance(items[0][1], Account) and isinstance(items[1][1], InputError)
    with pytest.raises(InputError, match="must not be negative"):
        load_accounts(tmp_path / "r.csv")


def test_jsonl_one_account_per_line(tmp_path):
    good = json.dumps(account_data(10))
    path = write(tmp_path, "a.jsonl", f"{good}\n\n{{oops\n{good}\n")
    items = list(iter_accounts(path))
    assert [label for label, _ in items] == [f"{path}:1", f"{path}:3", f"{path}:4"]
    error = items[1][1]
    assert isinstance(error, InputError) and error.line == 3 and "invalid JSON" in str(error)


def test_a_json_list_of_accounts(tmp_path):
    bad = account_data(10)
    bad["invoices"][0]["amount"] = "-1"
    path = write(tmp_path, "many.json", json.dumps([account_data(10), bad]))
    items = list(iter_accounts(path))
    assert isinstance(items[0][1], Account)
    assert str(items[1][1]) == f"{path}: [1].invoices[0].amount: must not be negative"


def test_a_folder_of_account_files(tmp_path, examples_dir):
    (tmp_path / "a.json").write_text(json.dumps(account_data(10)))
    (tmp_path / "b.yaml").write_text("customer: {name: Yaml Co}\ninvoices:\n  - {number: Y-1, amount: '5.10', issued: 2026-09-01, due: 2026-10-01}\n")
    (tmp_path / "readme.txt").write_text("not an account")
    labels = [label for label, item in iter_accounts(tmp_path) if isinstance(item, Account)]
    assert labels == [str(tmp_path / "a.json"), str(tmp_path / "b.yaml")]
    assert len(load_accounts(examples_dir / "accounts")) >= 12


def test_standard_input_csv_or_json(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("Customer,Invoice,Issued,Due,Amount\nAcme,A-1,2026-09-01,2026-10-01,10\n"))
    [(label, account)] = load_accounts("-")
    assert label == "-:Acme" and account.invoices[0].number == "A-1"
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(account_data(10))))
    [(label, account)] = load_accounts("-")
    assert label == "-" and account.customer.name == "Test Co"
