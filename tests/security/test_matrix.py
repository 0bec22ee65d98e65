"""Every endpoint, every method, every identity: the outcome the matrix declares.

The GET checks share one world (GETs change nothing, which the test also proves).
Each POST endpoint gets a fresh world; the identities that are refused go first and
must leave every table exactly as it was.
"""

from __future__ import annotations

import pytest
from flask import Flask

from tests.security.conftest import changed_tables, snapshot
from tests.security.matrix import FORBIDDEN, HIDDEN, LOGIN, MATRIX, template_line
from tests.security.routes import normalise, outcome_of, routes
from tests.security.world import IDENTITIES, World, build_world, values_for

CSRF_FAILURE = "The form had expired"
REFUSED = {LOGIN, FORBIDDEN, HIDDEN}
# Refused identities first, so an allowed POST cannot change what they are tested against.
POST_ORDER = ("anonymous", "deactivated", "force_liaison", "panel_clerk", "opcc_officer", "admin")


def _url(app: Flask, world: World, endpoint: str, rule) -> str:
    values, missing = values_for(world, endpoint, set(rule.arguments))
    assert not missing, (
        f"{endpoint} has URL parameters the world cannot fill: {sorted(missing)}. "
        "Add a value for each to url_values() in tests/security/world.py "
        "(and the record it names to build_world)."
    )
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **values)


def _request(world: World, identity: str, method: str, url: str):
    client = world.client(identity)
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": world.csrf[identity]})


def _attempt(world: World, identity: str, method: str, url: str) -> str:
    """The outcome word, or a description of the failure (never raises)."""
    try:
        response = _request(world, identity, method, url)
    except Exception as error:  # a server error propagates in testing; report it
        return f"server error {type(error).__name__}: {error}"
    got = outcome_of(response, method)
    if method == "POST" and response.status_code == 400 and CSRF_FAILURE in response.text:
        return "refused by the CSRF check although the token was valid"
    return got


def test_every_endpoint_and_method_is_declared(app):
    served = {(endpoint, method) for endpoint, method, _ in routes(app)}
    missing = sorted(served - MATRIX.keys())
    stale = sorted(MATRIX.keys() - served)
    message = []
    if missing:
        message.append(
            "Endpoints without a declared expectation. Add these lines to MATRIX in "
            "tests/security/matrix.py, replacing each ? with ok, public, login, "
            "signed_out, forbidden or hidden (or use a shorthand such as OPCC_STAFF):\n"
            + "\n".join(template_line(endpoint, method) for endpoint, method in missing)
        )
    if stale:
        message.append(
            "MATRIX declares endpoints the application no longer serves; remove:\n"
            + "\n".join(f"    {key}" for key in stale)
        )
    assert not message, "\n\n".join(message)


def test_every_declared_outcome_is_known(app):
    from tests.security.matrix import OUTCOMES

    unknown = {
        (key, outcome) for key, row in MATRIX.items() for outcome in row if outcome not in OUTCOMES
    }
    assert not unknown


def test_get_outcomes_match_the_matrix_and_change_nothing(app):
    world = build_world(app)
    before = snapshot(app)
    mismatches = []
    for endpoint, method, rule in routes(app):
        if method != "GET" or (endpoint, method) not in MATRIX:
            continue
        url = _url(app, world, endpoint, rule)
        for identity, expected in zip(IDENTITIES, MATRIX[endpoint, method], strict=True):
            got = _attempt(world, identity, method, url)
            if got != normalise(expected):
                mismatches.append(
                    f"GET {url} ({endpoint}) as {identity}: expected {expected}, got {got}"
                )
    assert not mismatches, "\n".join(mismatches)
    assert changed_tables(before, snapshot(app)) == []


POST_ENDPOINTS = sorted(endpoint for endpoint, method in MATRIX if method == "POST")


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_post_outcomes_match_the_matrix_and_refusals_change_nothing(app, endpoint):
    rules = [rule for e, method, rule in routes(app) if e == endpoint and method == "POST"]
    assert rules, f"{endpoint} no longer accepts POST; remove its row from MATRIX"
    world = build_world(app)
    url = _url(app, world, endpoint, rules[0])
    expected_for = dict(zip(IDENTITIES, MATRIX[endpoint, "POST"], strict=True))
    mismatches = []
    for identity in POST_ORDER:
        expected = normalise(expected_for[identity])
        before = snapshot(app)
        got = _attempt(world, identity, "POST", url)
        if got != expected:
            mismatches.append(f"POST {url} as {identity}: expected {expected}, got {got}")
        if expected in REFUSED:
            changed = changed_tables(before, snapshot(app))
            if changed:
                mismatches.append(f"POST {url} as {identity} was refused but changed {changed}")
    assert not mismatches, "\n".join(mismatches)
