import json

import pytest

from drafter.errors import InputError
from drafter.load import load_account

BASE = {
    "as_of": "2026-11-23",
    "customer": {"name": "Acme Corp", "industry": "saas"},
    "invoices": [{"number": "INV-1", "amount": "100.00", "issued": "2026-09-01", "due": "2026-10-01"}],
}


def write(tmp_path, data, name="acct.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def error_for(tmp_path, data, name="acct.json"):
    with pytest.raises(InputError) as caught:
        load_account(write(tmp_path, data, name))
    return str(caught.value)


def test_loads_json_and_yaml_with_exact_money(tmp_path):
    account = load_account(write(tmp_path, BASE))
    assert str(account.invoices[0].balance) == "100.00"
    yaml_text = "customer: {name: Acme}\ninvoices:\n  - {number: A1, amount: 8500.10, issued: 2026-01-01, due: 2026-02-01}\n"
    account = load_account(write(tmp_path, yaml_text, "acct.yaml"))
    assert str(account.invoices[0].amount) == "8500.10"


def test_json_floats_are_kept_as_written(tmp_path):
    data = json.loads(json.dumps(BASE))
    data["invoices"][0]["amount"] = 0.30000000000000004
    assert "fractions of a cent" in error_for(tmp_path, json.dumps(data))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["invoices"][0].update(due="2026-08-01"), "invoices[0].due: due (2026-08-01) must not be before issued"),
        (lambda d: d["invoices"][0].update(amount="-5"), "invoices[0].amount: must not be negative"),
        (lambda d: d["invoices"][0].update(currency="XYZ"), "invoices[0].currency: 'XYZ' is not an ISO 4217"),
        (lambda d: d["invoices"].append(dict(d["invoices"][0])), "appears more than once"),
        (lambda d: d.update(invoices=[]), "invoices: List should have at least 1 item"),
        (lambda d: d["customer"].update(nmae="x"), "customer.nmae: unknown field"),
        (lambda d: d["customer"].pop("name"), "customer.name: required field is missing"),
        (lambda d: d["invoices"][0].update(issued="yesterday"), "invoices[0].issued: Input should be a valid date"),
    ],
)
def test_bad_accounts_name_file_and_field(tmp_path, change, expected):
    data = json.loads(json.dumps(BASE))
    change(data)
    message = error_for(tmp_path, data)
    assert message.startswith(str(tmp_path / "acct.json") + ": ")
    assert expected in message


def test_malformed_json_names_the_line(tmp_path):
    message = error_for(tmp_path, '{\n "customer": {,\n}')
    assert message.startswith(f"{tmp_path / 'acct.json'}:2: invalid JSON")


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_account(tmp_path / "nope.json")
