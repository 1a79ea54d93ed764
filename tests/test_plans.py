from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drafter.errors import InputError
from drafter.plans import add_months, instalment_plan, plan_options, prepayment_discount, split_plan
from drafter.policy import Offers

START = date(2026, 11, 30)
OFFERS = Offers(max_plan_months=6, min_first_payment_pct=Decimal("25"), max_discount_pct=Decimal("2"))

balances = st.decimals(min_value=Decimal("1.00"), max_value=Decimal("5000000"), places=2)


def test_split_is_half_now_and_half_in_thirty_days():
    plan = split_plan(Decimal("8500.01"), START, "USD", OFFERS)
    first, second = plan.instalments
    assert (first.due, first.amount) == (START, Decimal("4250.00"))
    assert (second.due, second.amount) == (date(2026, 12, 30), Decimal("4250.01"))
    assert plan.total == Decimal("8500.01")


def test_instalments_put_the_leftover_cents_on_the_last_payment():
    plan = instalment_plan(Decimal("1000.00"), 3, START, "USD", Offers(min_first_payment_pct=Decimal("0")))
    assert [i.amount for i in plan.instalments] == [Decimal("333.33"), Decimal("333.33"), Decimal("333.34")]
    assert [i.due for i in plan.instalments] == [START, date(2026, 12, 30), date(2027, 1, 30)]


def test_first_instalment_is_raised_to_the_policy_minimum():
    plan = instalment_plan(Decimal("12000.00"), 6, START, "USD", OFFERS)
    amounts = [i.amount for i in plan.instalments]
    assert amounts[0] == Decimal("3000.00")  # 25% rather than an equal sixth (2,000.00)
    assert amounts[1:] == [Decimal("1800.00")] * 5
    assert plan.total == Decimal("12000.00")


@given(balances, st.integers(min_value=2, max_value=6))
def test_instalments_always_sum_to_the_balance_to_the_cent(balance, months):
    try:
        plan = instalment_plan(balance, months, START, "USD", OFFERS)
    except InputError:
        assert balance < Decimal("0.10")  # only balances of a few cents cannot be spread
        return
    amounts = [i.amount for i in plan.instalments]
    assert sum(amounts) == balance
    assert len(amounts) == months
    assert all(a == a.quantize(Decimal("0.01")) and a > 0 for a in amounts)
    assert amounts[0] * 100 >= balance * OFFERS.min_first_payment_pct
    assert amounts[-1] >= amounts[1]


@given(balances)
def test_split_always_sums_to_the_balance(balance):
    plan = split_plan(balance, START, "EUR", OFFERS)
    assert plan.total == balance
    assert plan.instalments[1].amount - plan.instalments[0].amount in (Decimal("0"), Decimal("0.01"))


@given(balances, st.decimals(min_value=Decimal("0.1"), max_value=Decimal("2"), places=1))
def test_prepayment_discount_adds_back_up_to_the_balance(balance, pct):
    plan = prepayment_discount(balance, pct, START, "USD", OFFERS)
    assert plan.total + plan.discount == balance
    assert plan.discount * 100 <= balance * pct


def test_limits_from_the_policy_are_enforced_with_clear_errors():
    with pytest.raises(InputError, match="exceeds the policy's limit of 6 months"):
        instalment_plan(Decimal("9000.00"), 7, START, "USD", OFFERS)
    with pytest.raises(InputError, match="3% discount exceeds the policy's limit of 2%"):
        prepayment_discount(Decimal("9000.00"), Decimal("3"), START, "USD", OFFERS)
    with pytest.raises(InputError, match="below the policy's minimum of 60%"):
        split_plan(Decimal("9000.00"), START, "USD", Offers(min_first_payment_pct=Decimal("60")))
    with pytest.raises(InputError, match="positive balance"):
        split_plan(Decimal("0.00"), START, "USD", OFFERS)


def test_plan_options_skip_what_the_policy_forbids():
    strict = Offers(max_plan_months=1, min_first_payment_pct=Decimal("60"))
    assert plan_options(Decimal("9000.00"), START, "USD", strict) == []
    kinds = [p.kind for p in plan_options(Decimal("9000.00"), START, "USD", OFFERS)]
    assert kinds == ["split", "instalments"]


def test_add_months_clamps_to_the_end_of_short_months():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
