"""Reading many accounts at once: account files, JSON Lines, folders, and CSV aging reports.

`iter_accounts(path)` yields `(label, Account | InputError)` so a caller can report a bad item and
go on with the rest; `load_accounts(path)` raises the first error instead.

A CSV aging report has one row per open invoice, as accounting systems export it. Rows are grouped
into one account per customer. Header spellings vary between systems, so each column is recognised
by several names ("Invoice #", "Inv No", "Invoice Number" ...); see docs/input.md for the full list.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import _regex
from .errors import InputError
from .load import field_path, parse_document, read_text, validate
from .models import Account
from .money import parse_amount

__all__ = ["ACCOUNT_SUFFIXES", "COLUMNS", "iter_accounts", "load_accounts", "read_aging_csv"]

ACCOUNT_SUFFIXES = (".json", ".yaml", ".yml", ".jsonl", ".csv")

# column -> header spellings, compared after lower-casing and dropping everything but letters/digits
COLUMNS: dict[str, tuple[str, ...]] = {
    "customer": ("customer", "customername", "client", "clientname", "account", "accountname",
                 "company", "companyname", "billto", "billtoname", "debtor", "name"),
    "invoice": ("invoice", "invoicenumber", "invoiceno", "invoicenum", "invoiceid", "inv", "invno",
                "invnumber", "invnum", "documentnumber", "docnumber", "docno", "num", "number",
                "reference", "ref", "transactionnumber"),
    "amount": ("amount", "invoiceamount", "originalamount", "origamount", "total", "invoicetotal", "amt",
               "grossamount"),
    "balance": ("balance", "openbalance", "amountdue", "balancedue", "outstanding", "openamount",
                "remaining", "remainingbalance", "outstandingamount", "amountoutstanding", "dueamount",
                "amountremaining"),
    "issued": ("issued", "issuedate", "invoicedate", "date", "docdate", "documentdate", "txndate",
               "transactiondate", "billdate", "billed", "invdate"),
    "due": ("due", "duedate", "paymentdue", "dueon", "datedue"),
    "contact": ("contact", "contactname", "attention", "attn", "billingcontact", "apcontact"),
    "email": ("email", "contactemail", "emailaddress", "billingemail", "apemail", "mail"),
    "phone": ("phone", "contactphone", "telephone", "phonenumber"),
    "currency": ("currency", "curr", "ccy", "currencycode"),
    "industry": ("industry", "sector"),
    "po_number": ("po", "ponumber", "purchaseorder", "customerpo"),
    "days_past_due": ("dayspastdue", "daysoverdue", "dayslate", "dpd", "pastduedays", "daysdelinquent"),
    "as_of": ("asof", "asofdate", "reportdate", "agingdate", "agedasof"),
}
_REQUIRED = ("customer", "invoice", "issued", "due")
_ALIASES = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_ISO_DATE = _regex.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T][\d:.]+)?$")
_SLASH_DATE = _regex.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})$")
_NAMED_DATE = _regex.compile(r"^(?:(\d{1,2})[- ]([a-z]{3})[a-z]*\.?[-, ]+(\d{4})|([a-z]{3})[a-z]*\.? (\d{1,2}),? (\d{4}))$")


def iter_accounts(path: str | Path) -> Iterator[tuple[str, Account | InputError]]:
    """Every account at `path`, with a label for reports: a JSON or YAML account file, a `.jsonl`
    file (one account per line), a CSV aging report, a folder of such files, or "-" (stdin)."""
    name = str(path)
    if name != "-" and Path(path).is_dir():
        files = sorted(p for p in Path(path).iterdir() if p.is_file() and p.suffix.lower() in ACCOUNT_SUFFIXES)
        if not files:
            yield name, InputError("no account files (.json, .yaml, .jsonl, .csv) in this folder", file=name)
        for file in files:
            yield from iter_accounts(file)
        return
    try:
        text = read_text(path)
    except InputError as exc:
        yield name, exc
        return
    kind = _kind(name, text)
    if kind == "csv":
        yield from _csv_accounts(text, name)
    elif kind == "jsonl":
        yield from _jsonl_accounts(text, name)
    else:
        yield from _document_accounts(text, name)


def load_accounts(path: str | Path) -> list[tuple[str, Account]]:
    """Every account at `path` (see `iter_accounts`); raises the first InputError."""
    accounts = []
    for label, item in iter_accounts(path):
        if isinstance(item, InputError):
            raise item
        accounts.append((label, item))
    return accounts


def _kind(name: str, text: str) -> str:
    lower = name.lower()
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith(".jsonl"):
        return "jsonl"
    if lower.endswith((".json", ".yaml", ".yml")):
        return "document"
    # stdin or an unknown suffix: a CSV header names a customer and an invoice column
    first = text.lstrip("\ufeff").lstrip().split("\n", 1)[0]
    if "," in first and not first.startswith(("{", "[")):
        headers = {_normal(h) for h in next(csv.reader([first]))}
        if {_ALIASES.get(h) for h in headers} >= {"customer", "invoice"}:
            return "csv"
    return "document"


def _document_accounts(text: str, name: str) -> Iterator[tuple[str, Account | InputError]]:
    try:
        data = parse_document(text, name)
    except InputError as exc:
        yield name, exc
        return
    if isinstance(data, list):
        if not data:
            yield name, InputError("expected an account object, got an empty list", file=name)
        for index, item in enumerate(data):
            yield f"{name}[{index}]", _account(item, name, prefix=f"[{index}]")
        return
    yield name, _account(data, name)


def _jsonl_accounts(text: str, name: str) -> Iterator[tuple[str, Account | InputError]]:
    seen_any = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        seen_any = True
        label = f"{name}:{number}"
        try:
            data = json.loads(line, parse_float=str)
        except json.JSONDecodeError as exc:
            yield label, InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", file=name, line=number)
            continue
        item = _account(data, name)
        if isinstance(item, InputError):
            item.line = number
        yield label, item
    if not seen_any:
        yield name, InputError("no accounts: the file is empty", file=name)


def _account(data: Any, name: str, prefix: str = "") -> Account | InputError:
    if not isinstance(data, dict):
        return InputError("expected an account object", file=name, field=prefix or None)
    try:
        return validate(Account, data, name)
    except InputError as exc:
        if prefix:
            exc.field = f"{prefix}.{exc.field}" if exc.field else prefix
        return exc


# ---- CSV aging reports -------------------------------------------------------------------------

def _normal(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def read_aging_csv(text: str, name: str) -> list[tuple[str, Account | InputError]]:
    """The accounts in a CSV aging report, one per customer, in the order customers first appear."""
    return list(_csv_accounts(text, name))


def _csv_accounts(text: str, name: str) -> Iterator[tuple[str, Account | InputError]]:
    try:
        header, rows = _csv_rows(text, name)
    except InputError as exc:
        yield name, exc
        return
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for line, row in rows:
        groups.setdefault(row["customer"], []).append((line, row))
    if not groups:
        yield name, InputError("no invoice rows under the header", file=name)
    for customer, group in groups.items():
        yield f"{name}:{customer}", _csv_account(customer, group, header, name)


def _csv_rows(text: str, name: str) -> tuple[dict[str, str], list[tuple[int, dict[str, str]]]]:
    """The header (column -> header as written) and the invoice rows (line number, column -> value)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
    try:
        raw_header = next(reader, None)
    except csv.Error as exc:
        raise InputError(f"invalid CSV: {exc}", file=name, line=1) from None
    if not raw_header or not any(h.strip() for h in raw_header):
        raise InputError("empty CSV: expected a header row", file=name, line=1)
    positions: dict[str, int] = {}
    header: dict[str, str] = {}
    for index, title in enumerate(raw_header):
        column = _ALIASES.get(_normal(title))
        if column and column not in positions:
            positions[column] = index
            header[column] = title.strip()
    missing = [c for c in _REQUIRED if c not in positions]
    if "amount" not in positions and "balance" not in positions:
        missing.append("amount or balance")
    if missing:
        raise InputError(f"missing column(s): {', '.join(missing)} (headers found: "
                         f"{', '.join(h.strip() for h in raw_header)})", file=name, line=1)
    rows = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            values = {c: (row[i].strip() if i < len(row) else "") for c, i in positions.items()}
            if not values["invoice"] and (not values["customer"] or values["customer"].lower().startswith("total")):
                continue  # subtotal and grand-total lines
            if len(row) > len(raw_header) and any(cell.strip() for cell in row[len(raw_header):]):
                raise InputError(f"{len(row)} cells but the header has {len(raw_header)} columns "
                                 f"(an unquoted comma?)", file=name, line=line)
            for column in ("customer", "invoice"):
                if not values[column]:
                    raise InputError("empty", file=name, line=line, field=header[column])
            rows.append((line, values))
    except csv.Error as exc:
        raise InputError(f"invalid CSV: {exc}", file=name, line=reader.line_num) from None
    return header, rows


def _csv_account(customer: str, group: list[tuple[int, dict[str, str]]], header: dict[str, str],
                 name: str) -> Account | InputError:
    first_line, first = group[0]
    try:
        invoices = [_csv_invoice(row, line, header, name) for line, row in group]
        as_of = _report_date(group, header, name)
    except InputError as exc:
        return exc
    contacts: dict[tuple[str, str], tuple[int, dict[str, str]]] = {}
    for line, row in group:
        contact_name, email = row.get("contact", ""), row.get("email", "")
        if contact_name or email:
            contact = {"name": contact_name or email.split("@")[0], "role": "ap"}
            if email:
                contact["email"] = email
            if row.get("phone"):
                contact["phone"] = row["phone"]
            contacts.setdefault((contact["name"], email), (line, contact))
    customer_data: dict[str, Any] = {"name": customer}
    if first.get("industry"):
        customer_data["industry"] = first["industry"].lower().replace(" ", "_").replace("-", "_")
    data = {"as_of": as_of, "customer": customer_data, "contacts": [c for _, c in contacts.values()],
            "invoices": invoices}
    try:
        return Account.model_validate(data)
    except ValidationError as exc:
        lines = {"invoices": [line for line, _ in group], "contacts": [line for line, _ in contacts.values()]}
        return _csv_error(exc, group, lines, header, name)


def _csv_invoice(row: dict[str, str], line: int, header: dict[str, str], name: str) -> dict[str, Any]:
    invoice: dict[str, Any] = {"number": row["invoice"]}
    for column in ("amount", "balance"):
        if row.get(column):
            invoice[column] = _csv_amount(row[column], line, header[column], name)
    invoice.setdefault("amount", invoice.get("balance"))
    if invoice["amount"] is None:
        raise InputError("empty: an amount or balance is needed", file=name, line=line,
                         field=header.get("amount") or header["balance"])
    for column in ("issued", "due"):
        invoice[column] = _csv_date(row[column], line, header[column], name)
    if row.get("currency"):
        invoice["currency"] = row["currency"]
    if row.get("po_number"):
        invoice["po_number"] = row["po_number"]
    return invoice


def _csv_amount(text: str, line: int, column: str, name: str) -> Any:
    cleaned = text.replace("$", "").replace("€", "").replace("£", "").replace(" ", "")
    if cleaned.startswith("(") and cleaned.endswith(")"):
        cleaned = "-" + cleaned[1:-1]  # accountants write negatives in brackets
    try:
        amount = parse_amount(cleaned)
    except ValueError as exc:
        raise InputError(str(exc), file=name, line=line, field=column) from None
    if amount < 0:
        raise InputError(f"{text} must not be negative (credits belong in a separate report)", file=name,
                         line=line, field=column)
    return str(amount)


def _csv_date(text: str, line: int, column: str, name: str) -> date:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise InputError(str(exc), file=name, line=line, field=column) from None


def parse_date(text: str) -> date:
    """A date as accounting exports write it: 2026-11-23, 11/23/2026 (US order), 23-Nov-2026,
    23 Nov 2026 or Nov 23, 2026. Day-first slashed dates (23/11/2026) are refused as ambiguous."""
    value = text.strip()
    if not value:
        raise ValueError("empty: a date is needed")
    if _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value[:10])
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a real date ({exc})") from None
    slash = _SLASH_DATE.match(value)
    if slash:
        month, day, year = (int(g) for g in slash.groups())
        if month > 12:
            raise ValueError(f"{value!r} looks day-first; write dates as YYYY-MM-DD or MM/DD/YYYY")
        year += 2000 if year < 100 else 0
        try:
            return date(year, month, day)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a real date ({exc})") from None
    named = _NAMED_DATE.match(value.lower())
    if named:
        day, month, year = ((named.group(1), named.group(2), named.group(3)) if named.group(1)
                            else (named.group(5), named.group(4), named.group(6)))
        if month in _MONTHS:
            try:
                return date(int(year), _MONTHS[month], int(day))
            except ValueError as exc:
                raise ValueError(f"{value!r} is not a real date ({exc})") from None
    raise ValueError(f"{value!r} is not a date (use YYYY-MM-DD)")


def _report_date(group: list[tuple[int, dict[str, str]]], header: dict[str, str], name: str) -> date | None:
    """The report's date: an "As Of" column, else what "Days Past Due" and the due dates imply.
    Rows that disagree with it are errors: the report contradicts itself."""
    as_of: date | None = None
    for line, row in group:
        if row.get("as_of"):
            as_of = _csv_date(row["as_of"], line, header["as_of"], name)
            break
    if "days_past_due" not in header:
        return as_of
    for line, row in group:
        text = row.get("days_past_due", "").replace(",", "")
        if not text:
            continue
        try:
            days = int(float(text)) if "." not in text or float(text).is_integer() else None
        except ValueError:
            days = None
        if days is None:
            raise InputError(f"{text!r} is not a whole number of days", file=name, line=line,
                             field=header["days_past_due"])
        due = _csv_date(row["due"], line, header["due"], name)
        implied = due + timedelta(days=days)
        if as_of is None:
            as_of = implied
        elif implied != as_of and max(days, (as_of - due).days) > 0:
            raise InputError(f"{days} days does not match the due date {due} "
                             f"(the report date {as_of} makes it {(as_of - due).days})",
                             file=name, line=line, field=header["days_past_due"])
    return as_of


def _csv_error(exc: ValidationError, group: list[tuple[int, dict[str, str]]], lines: dict[str, list[int]],
               header: dict[str, str], name: str) -> InputError:
    """A validation error on a grouped account, pointed back at the CSV row and column."""
    first = exc.errors(include_url=False)[0]
    loc = first["loc"]
    message = first["msg"].removeprefix("Value error, ")
    line = group[0][0]
    field = field_path(loc)
    if len(loc) >= 2 and loc[0] in lines and isinstance(loc[1], int) and loc[1] < len(lines[loc[0]]):
        line = lines[loc[0]][loc[1]]
        key = str(loc[2]) if len(loc) > 2 else message.split(" ", 1)[0]  # "due (...) must not be ..."
        column = {"number": "invoice", "name": "contact"}.get(key, key)
        field = header.get(column, field)
    elif loc and loc[0] == "customer":
        field = header.get(str(loc[-1]), field)
    elif "invoice number" in message:  # a number that appears twice for the same customer
        field = header["invoice"]
        number = message.split("'")[1] if "'" in message else None
        repeats = [ln for ln, row in group if row["invoice"] == number]
        line = repeats[-1] if repeats else line
    return InputError(message, file=name, line=line, field=field or None)
