"""Schemathesis hooks for tests/reliability/test_hostile_input.py (loaded via SCHEMATHESIS_HOOKS).

A schema can say what shape an order has, not which pizza ids exist, which extras a pizza
offers, or which strings are real phone numbers. A schema-valid order naming an unknown pizza
or "+0" as a phone is rightly refused with 422, which schemathesis' `positive_data_acceptance`
check would report as "valid data rejected". So for *positive* cases of POST /v1/orders only,
these hooks put real menu ids and real phone numbers into the generated body, leaving every
other field (names, addresses, quantities, list lengths, odd Unicode) as generated, so the
positive cases place real orders and the check stays on for every operation. Negative cases
are sent exactly as generated.
"""

from __future__ import annotations

import json
import os
from typing import Any

import schemathesis

# The menu (pizza id -> ids of the extras it offers), written by the test.
MENU_ENV = "USERSNACK_FUZZ_MENU"
REAL_PHONES = ("+43 664 1234567", "+49 30 901820", "+43 1 5880", "0664 7654321")


def _menu() -> list[tuple[str, list[str]]]:
    return [(pizza, extras) for pizza, extras in json.loads(os.environ[MENU_ENV]).items()]


def _with_real_references(body: dict[str, Any], menu: list[tuple[str, list[str]]]) -> None:
    phones = body.get("contact_phones")
    if isinstance(phones, list):
        body["contact_phones"] = [REAL_PHONES[i % len(REAL_PHONES)] for i in range(len(phones))]
    packages = body.get("packages")
    if not isinstance(packages, list):
        return
    for index, package in enumerate(packages):
        if not isinstance(package, dict):
            continue
        pizza_id, offered = menu[index % len(menu)]
        package["pizza_id"] = pizza_id
        garnishes = package.get("garnishes")
        if isinstance(garnishes, list):
            # Each extra at most once, and only extras this pizza offers.
            kept = [g for g in garnishes if isinstance(g, dict)][: len(offered)]
            for garnish, extra_id in zip(kept, offered):
                garnish["extra_id"] = extra_id
            package["garnishes"] = kept


@schemathesis.hook
def before_call(
    context: schemathesis.HookContext, case: schemathesis.Case, kwargs: dict[str, Any]
) -> None:
    # The last step before sending, so it applies in every phase (examples, coverage, fuzzing,
    # stateful) alike.
    operation = context.operation
    if (
        operation is None
        or (operation.method.upper(), operation.path) != ("POST", "/v1/orders")
        or case.meta is None
        or not case.meta.generation.mode.is_positive
        or not isinstance(case.body, dict)
    ):
        return
    _with_real_references(case.body, _menu())


# Every response's status, one per line, for the figures the suite prints.
STATUS_LOG_ENV = "USERSNACK_FUZZ_STATUS_LOG"


@schemathesis.hook
def after_call(
    context: schemathesis.HookContext, case: schemathesis.Case, response: schemathesis.Response
) -> None:
    path = os.environ.get(STATUS_LOG_ENV)
    if path:
        with open(path, "a", encoding="ascii") as log:
            log.write(f"{response.status_code}\n")
