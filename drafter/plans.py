"""Payment plan arithmetic in exact decimal money, within the limits a policy pack authorises.

Three shapes of offer:

- a split: half now, the other half 30 days later;
- instalments: one payment a month for N months; when an equal share would fall below the pack's
  minimum first payment, the first payment is raised to that minimum and the rest is shared;
- a prepayment discount: the balance less a small percentage if paid in full by a date.

In every plan the instalments add up to what is owed to the cent: regular instalments are rounded
down to the cent and the leftover cents land on the last one. Asking for more than the pack allows
(too many months, too big a discount, too small a first payment) raises InputError.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_UP, Decimal
from typing import Literal

from .errors import InputError
from .money import CENT, format_money
from .policy import Offers

__all__ = ["Instalment", "PaymentPlan", "split_plan", "instalment_plan", "prepayment_discount",
           "plan_options", "add_months"]

SPLIT_GAP_DAYS = 30
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Instalment:
    due: date
    amount: Decimal


@dataclass(frozen=True)
class PaymentPlan:
    kind: Literal["split", "instalments", "prepayment_discount"]
    balance: Decimal  # what is owed before any discount
    currency: str
    instalments: tuple[Instalment, ...]
    discount: Decimal = Decimal("0.00")  # money off, prepayment discount only
    discount_pct: Decimal = Decimal("0")

    @property
    def total(self) -> Decimal:
        """What the customer pays under the plan: the balance, less any discount."""
        return sum((i.amount for i in self.instalments), Decimal("0.00"))

    def money(self, amount: Decimal) -> str:
        return format_money(amount, self.currency)


def add_months(day: date, months: int) -> date:
    """`day` moved `months` calendar months on, clamped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def split_plan(balance: Decimal, start: date, currency: str, offers: Offers) -> PaymentPlan:
    """Half of `balance` on `start`, the rest 30 days later (an odd cent goes on the second half)."""
    _check_balance(balance)
    first = (balance / 2).quantize(CENT, rounding=ROUND_DOWN)
    _check_first_payment(first, balance, offers)
    return PaymentPlan("split", balance, currency, (
        Instalment(start, first),
        Instalment(start + timedelta(days=SPLIT_GAP_DAYS), balance - first),
    ))


def instalment_plan(balance: Decimal, months: int, start: date, currency: str,
                    offers: Offers) -> PaymentPlan:
    """`months` monthly payments from `start` that add up to `balance` exactly."""
    _check_balance(balance)
    if months < 2:
        raise InputError(f"an instalment plan needs at least 2 payments, not {months}", field="months")
    if months > offers.max_plan_months:
        raise InputError(f"a plan over {months} months exceeds the policy's limit of "
                         f"{offers.max_plan_months} months", field="months")
    minimum_first = (balance * offers.min_first_payment_pct / HUNDRED).quantize(CENT, rounding=ROUND_UP)
    equal_share = (balance / months).quantize(CENT, rounding=ROUND_DOWN)
    first = max(equal_share, minimum_first)
    rest = balance - first
    regular = (rest / (months - 1)).quantize(CENT, rounding=ROUND_DOWN)
    amounts = [first] + [regular] * (months - 2) + [rest - regular * (months - 2)]
    if any(amount <= 0 for amount in amounts):
        raise InputError(f"{format_money(balance, currency)} is too small to spread over {months} payments",
                         field="months")
    return PaymentPlan("instalments", balance, currency, tuple(
        Instalment(add_months(start, n), amount) for n, amount in enumerate(amounts)
    ))


def prepayment_discount(balance: Decimal, pct: Decimal, pay_by: date, currency: str,
                        offers: Offers) -> PaymentPlan:
    """The balance less `pct` percent (rounded to the cent in the customer's favour) if paid by `pay_by`."""
    _check_balance(balance)
    pct = Decimal(pct)
    if pct <= 0:
        raise InputError(f"a discount must be above 0%, not {pct}%", field="discount")
    if pct > offers.max_discount_pct:
        raise InputError(f"a {pct}% discount exceeds the policy's limit of {offers.max_discount_pct}%",
                         field="discount")
    discount = (balance * pct / HUNDRED).quantize(CENT, rounding=ROUND_DOWN)
    return PaymentPlan("prepayment_discount", balance, currency,
                       (Instalment(pay_by, balance - discount),), discount=discount, discount_pct=pct)


def plan_options(balance: Decimal, start: date, currency: str, offers: Offers,
                 months: int | None = None) -> list[PaymentPlan]:
    """The plans worth offering for `balance`: a split and an instalment plan, each only if the pack
    allows it. `months` defaults to the longest plan the pack allows, capped at 3 for small balances."""
    options = []
    try:
        options.append(split_plan(balance, start, currency, offers))
    except InputError:
        pass  # the pack's minimum first payment is above half the balance
    months = months or min(offers.max_plan_months, 3 if balance < 10000 else offers.max_plan_months)
    if months >= 2:
        try:
            options.append(instalment_plan(balance, months, start, currency, offers))
        except InputError:
            pass  # too small a balance to spread
    return options


def _check_balance(balance: Decimal) -> None:
    if balance <= 0:
        raise InputError(f"a payment plan needs a positive balance, not {balance}", field="balance")
    if balance != balance.quantize(CENT):
        raise InputError(f"{balance} has fractions of a cent", field="balance")


def _check_first_payment(first: Decimal, balance: Decimal, offers: Offers) -> None:
    if first * HUNDRED < balance * offers.min_first_payment_pct:
        raise InputError(f"a first payment of {first} is below the policy's minimum of "
                         f"{offers.min_first_payment_pct}% of the balance", field="first_payment")
