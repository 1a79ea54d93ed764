"""Shared fixtures: the examples folder and a small factory for accounts built in tests."""

from __future__ import annotations

import copy
import os
import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from drafter.models import Account

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 11, 23)


@pytest.fixture
def examples_dir() -> Path:
    """The repository's examples/ folder (accounts/*.json and aging.csv)."""
    return ROOT / "examples"


def account_data(days_past_due: int = 10, amount: str = "8500.00", **overrides: Any) -> dict[str, Any]:
    """A plain medium-value account with one invoice `days_past_due` days late on 2026-11-23.

    Keyword arguments replace top-level keys (customer, invoices, payments, ...)."""
    due = AS_OF - timedelta(days=days_past_due)
    data: dict[str, Any] = {
        "as_of": AS_OF.isoformat(),
        "customer": {"name": "Test Co", "industry": "general", "annual_revenue": "100000.00"},
        "contacts": [
            {"name": "Pat AP", "email": "pat@test.example", "role": "ap"},
            {"name": "Chris CFO", "email": "chris@test.example", "role": "cfo", "decision_maker": True},
        ],
        "invoices": [{"number": "INV-1", "amount": amount, "currency": "USD",
                      "issued": (due - timedelta(days=30)).isoformat(), "due": due.isoformat()}],
    }
    data.update(copy.deepcopy(overrides))
    return data


def make_account(days_past_due: int = 10, amount: str = "8500.00", **overrides: Any) -> Account:
    """`account_data(...)` validated into an Account."""
    return Account.model_validate(account_data(days_past_due, amount, **overrides))


@pytest.fixture
def account_factory():
    """make_account(days_past_due=10, amount="8500.00", **top_level_overrides) -> Account."""
    return make_account


@pytest.fixture(scope="session")
def _session_audit_db(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("audit") / "audit.db"


def pytest_configure(config) -> None:
    """The cache of parsed packs and compiled templates is a throwaway one, from collection on
    (some test modules load packs at import), never the user's own."""
    os.environ["DRAFTER_CACHE_DIR"] = tempfile.mkdtemp(prefix="drafter-test-cache-")


def pytest_unconfigure(config) -> None:
    from drafter import _regex

    _regex._save()  # now, into the throwaway cache, rather than at exit into the user's
    shutil.rmtree(os.environ.pop("DRAFTER_CACHE_DIR", ""), ignore_errors=True)


@pytest.fixture(autouse=True)
def _audit_log_in_tmp(monkeypatch, _session_audit_db) -> None:
    """Commands that log by default write to a throwaway audit log, never the user's own."""
    monkeypatch.setenv("DRAFTER_DB", str(_session_audit_db))
