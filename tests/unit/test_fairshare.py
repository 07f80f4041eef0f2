"""A client's bucket of evaluation seconds: charges add up, and the client is refused once it is spent.

Over HTTP (tests/test_sparql_fairshare.py) one heavy query's charge is wall time, so how many fit in a
budget depends on the machine; here the charges are exact.
"""

from __future__ import annotations

from service.query.fairshare import ClientBudgets


def test_charges_add_up_until_the_budget_is_spent_and_only_for_that_client() -> None:
    budgets = ClientBudgets(budget=5.0, window=600.0)
    for _ in range(2):
        assert budgets.retry_after("a") is None
        budgets.charge("a", 2.0)
    assert budgets.retry_after("a") is None  # 1 s left: one more query may run, however long
    budgets.charge("a", 2.0)
    assert budgets.retry_after("a") == 120  # 1 s in debt, refilled at 5 s per 600 s
    assert budgets.retry_after("b") is None
