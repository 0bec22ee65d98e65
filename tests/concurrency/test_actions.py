"""Twenty people at once, through a real HTTP server: updates are never lost, and of
several edits from the same version exactly one wins while the rest are told why."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests.concurrency.conftest import CLIENTS, run_together
from tests.factories import london_today, make_action, make_meeting
from tracker.actions.models import Action, ActionUpdate
from tracker.audit.models import AuditEvent
from tracker.auth.models import Role
from tracker.db import db

CONFLICT_WORDS = ("have not been saved", "Someone else saved")


def parts(day) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def edit_data(owner_id: int, title: str, token: str, version: str) -> dict:
    today = london_today()
    return {
        "csrf_token": token,
        "version": version,
        "title": title,
        "description": "Joint working group",
        "owner": str(owner_id),
        "owning_organisation": "force",
        "lead_role": "ACC Local Policing",
        "raised_on": parts(today - timedelta(days=30)),
        "due_on": parts(today + timedelta(days=30)),
        "marking": "official",
    }


def load_action(app, action_id: int) -> Action:
    with app.app_context():
        action = db.session.get(Action, action_id)
        db.session.expunge(action)
        return action


def update_texts(app, action_ids: list[int]) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(ActionUpdate.text).where(ActionUpdate.action_id.in_(action_ids))
            )
        )


def officers(make_user, count: int) -> list:
    return [make_user(Role.OPCC_OFFICER, name=f"Officer {n}") for n in range(count)]


def test_updates_posted_at_once_to_shared_and_separate_actions_are_all_kept(
    app, make_user, liaison, browsers
):
    meeting = make_meeting(app)
    shared = make_action(app, meeting, liaison, title="Shared action")
    own = [make_action(app, meeting, liaison, title=f"Own action {n}") for n in range(CLIENTS // 2)]
    people = [*officers(make_user, CLIENTS // 2), *[liaison] * (CLIENTS // 2)]
    clients = browsers(people)
    per_client = 3

    def poster(n: int):
        browser = clients[n]
        target = shared if n % 2 == 0 else own[n // 2]
        token, _ = browser.form(f"/actions/{target.id}")

        def post_all() -> list[tuple[int, str]]:
            results = []
            for k in range(per_client):
                text = f"Progress from client {n}, update {k}"
                response = browser.post(
                    f"/actions/{target.id}/updates", {"csrf_token": token, "text": text}
                )
                results.append((response.status_code, text))
            return results

        return post_all

    results = [r for batch in run_together([poster(n) for n in range(CLIENTS)]) for r in batch]
    assert [status for status, _ in results if status >= 500] == []
    acknowledged = sorted(text for status, text in results if status == 302)
    assert len(acknowledged) == CLIENTS * per_client, results
    saved = update_texts(app, [shared.id, *(a.id for a in own)])
    assert sorted(saved) == acknowledged
    with app.app_context():
        audited = db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "update_added")
        )
    assert audited == CLIENTS * per_client


def test_edits_of_one_action_from_the_same_version_let_exactly_one_win(
    app, make_user, liaison, browsers
):
    action = make_action(app, make_meeting(app), liaison, title="Before anyone edits")
    clients = browsers(officers(make_user, CLIENTS))
    forms = [browser.form(f"/actions/{action.id}/edit") for browser in clients]
    assert {version for _, version in forms} == {"1"}

    def editor(n: int):
        token, version = forms[n]
        data = edit_data(liaison.id, f"Title chosen by editor {n}", token, version)
        return lambda: clients[n].post(f"/actions/{action.id}/edit", data)

    responses = run_together([editor(n) for n in range(CLIENTS)])
    statuses = [r.status_code for r in responses]
    assert [s for s in statuses if s >= 500] == []
    winners = [n for n, r in enumerate(responses) if r.status_code == 302]
    assert len(winners) == 1, statuses
    losers = [r for r in responses if r.status_code != 302]
    assert {r.status_code for r in losers} == {409}
    assert all(any(words in r.text for words in CONFLICT_WORDS) for r in losers)
    saved = load_action(app, action.id)
    assert saved.title == f"Title chosen by editor {winners[0]}"
    assert saved.version == 2
    with app.app_context():
        edits = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_type == "action",
                AuditEvent.entity_id == action.id,
                AuditEvent.action == "updated",
            )
        ).all()
    assert [e.entity_version for e in edits] == [2]
    assert edits[0].changes["title"][1] == saved.title


def test_edits_of_separate_actions_at_once_all_succeed_with_updates_alongside(
    app, make_user, liaison, browsers
):
    meeting = make_meeting(app)
    actions = [make_action(app, meeting, liaison, title=f"Action {n}") for n in range(CLIENTS)]
    clients = browsers(officers(make_user, CLIENTS))

    def worker(n: int):
        browser, action = clients[n], actions[n]
        token, version = browser.form(f"/actions/{action.id}/edit")

        def run() -> list[int]:
            edited = browser.post(
                f"/actions/{action.id}/edit",
                edit_data(liaison.id, f"Edited action {n}", token, version),
            )
            updated = browser.post(
                f"/actions/{actions[(n + 1) % CLIENTS].id}/updates",
                {"csrf_token": token, "text": f"Neighbour note {n}"},
            )
            return [edited.status_code, updated.status_code]

        return run

    statuses = run_together([worker(n) for n in range(CLIENTS)])
    assert statuses == [[302, 302]] * CLIENTS
    for n, action in enumerate(actions):
        saved = load_action(app, action.id)
        assert (saved.title, saved.version) == (f"Edited action {n}", 2)
    assert sorted(update_texts(app, [a.id for a in actions])) == sorted(
        f"Neighbour note {n}" for n in range(CLIENTS)
    )


def test_repeated_rounds_of_competing_edits_keep_versions_in_step(
    app, make_user, liaison, browsers
):
    """Five rounds: each round everyone edits from the version they see; one wins each
    round, and the version rises by exactly one per round."""
    action = make_action(app, make_meeting(app), liaison, title="Round 0")
    clients = browsers(officers(make_user, CLIENTS // 2))
    for round_number in range(1, 6):
        forms = [b.form(f"/actions/{action.id}/edit") for b in clients]
        assert {v for _, v in forms} == {str(round_number)}

        def editor(n: int, forms=forms, round_number=round_number):
            token, version = forms[n]
            title = f"Round {round_number} by {n}"
            data = edit_data(liaison.id, title, token, version)
            return lambda: clients[n].post(f"/actions/{action.id}/edit", data)

        responses = run_together([editor(n) for n in range(len(clients))])
        codes = sorted(r.status_code for r in responses)
        assert codes == [302] + [409] * (len(clients) - 1), codes
        saved = load_action(app, action.id)
        assert saved.version == round_number + 1
        assert saved.title.startswith(f"Round {round_number} by ")
