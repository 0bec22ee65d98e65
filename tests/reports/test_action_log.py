"""The action log PDF: any filtered action list, with the other reports' conventions."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import london_today, make_action, make_meeting, make_panel_item
from tests.reports.helpers import page_text, pdf_text, visible_text
from tracker.actions.models import ActionStatus, Marking


def _pdf(client, query: str = ""):
    response = client.get(f"/reports/actions.pdf{query}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    return response, *pdf_text(response.data)


def test_action_list_links_to_a_pdf_carrying_its_filters(app, client, login_as, officer):
    login_as(officer)
    page = client.get("/actions/?status=open&q=victims&sort=reference").text
    assert "Download as PDF" in page
    assert "/reports/actions.pdf?status=open&amp;q=victims&amp;sort=reference" in page


def test_officer_downloads_the_filtered_list_with_cover_marking_and_page_numbers(
    app, client, login_as, officer, liaison
):
    meeting = make_meeting(app)
    today = london_today()
    make_action(app, meeting, liaison, title="Overdue custody review", due_on=today - timedelta(5))
    make_action(app, meeting, liaison, title="Future estates plan", due_on=today + timedelta(60))
    make_action(
        app,
        meeting,
        officer,
        title="Closed sensitive item",
        status=ActionStatus.CLOSED,
        marking=Marking.OFFICIAL_SENSITIVE,
    )
    login_as(officer)
    response, reader, text = _pdf(client, "?overdue=1")
    disposition = response.headers["Content-Disposition"]
    assert f'filename="action-log-{today.isoformat()}.pdf"' in disposition
    assert "Action log" in text
    assert "Overdue only Yes" in text
    assert "Overdue custody review" in text
    assert "Future estates plan" not in text
    assert "Closed sensitive item" not in text
    assert f"As at {today.day} {today:%B %Y}" in text
    assert f"Page 1 of {len(reader.pages)}" in text
    assert all(page.extract_text().count("OFFICIAL") >= 2 for page in reader.pages)
    assert "OFFICIAL-SENSITIVE" not in text  # only the highest marking of what is shown

    _, _, everything = _pdf(client)
    assert "OFFICIAL-SENSITIVE" in everything
    assert "Future estates plan" in everything
    _, _, closed = _pdf(client, "?status=closed")
    assert "Closed sensitive item" in closed
    assert "Overdue custody review" not in closed
    _, _, searched = _pdf(client, "?q=estates")
    assert "Future estates plan" in searched
    assert "Overdue custody review" not in searched


def test_order_follows_the_list_sort(app, client, login_as, officer, liaison):
    meeting = make_meeting(app)
    today = london_today()
    make_action(app, meeting, liaison, title="Zulu due first", due_on=today + timedelta(3))
    make_action(app, meeting, liaison, title="Alpha due later", due_on=today + timedelta(90))
    login_as(officer)
    _, _, by_due = _pdf(client)
    assert by_due.index("Zulu due first") < by_due.index("Alpha due later")
    _, _, latest_first = _pdf(client, "?sort=due_desc")
    assert latest_first.index("Alpha due later") < latest_first.index("Zulu due first")


def test_long_log_repeats_headers_on_every_page(app, client, login_as, officer, liaison):
    meeting = make_meeting(app)
    for n in range(45):
        make_action(app, meeting, liaison, title=f"Action number {n} " + "with more words " * 5)
    login_as(officer)
    _, reader, _ = _pdf(client)
    assert len(reader.pages) > 2
    for page in reader.pages[1:]:
        assert "Latest update" in page_text(page)


def test_force_liaison_never_sees_opcc_only_or_opcc_owned_actions(
    app, client, login_as, officer, liaison
):
    meeting = make_meeting(app)
    make_action(app, meeting, liaison, title="Force owned action")
    make_action(app, meeting, officer, title="OPCC restricted action", opcc_only=True)
    make_action(app, meeting, officer, title="OPCC owned action")
    login_as(liaison)
    _, _, text = _pdf(client)
    assert "Force owned action" in text
    assert "OPCC restricted action" not in text
    assert "OPCC owned action" not in text
    preview = visible_text(client.get("/reports/actions").text)
    assert "Force owned action" in preview
    assert "OPCC restricted action" not in preview
    # Asking by filter for OPCC-owned actions changes nothing.
    _, _, asked = _pdf(client, "?organisation=opcc")
    assert "OPCC restricted action" not in asked


def test_panel_clerk_sees_only_published_items(app, client, login_as, clerk, liaison):
    published = make_panel_item(app, published=True)
    draft = make_panel_item(app, published=False)
    unpublished_meeting = make_meeting(app, published=False)
    make_action(app, published, liaison, title="From a published item")
    make_action(app, draft, liaison, title="From a draft item")
    make_action(app, unpublished_meeting, liaison, title="From an unpublished meeting")
    login_as(clerk)
    _, _, text = _pdf(client)
    assert "From a published item" in text
    assert "From a draft item" not in text
    assert "From an unpublished meeting" not in text


def test_text_is_escaped_and_bad_filters_are_ignored(app, client, login_as, officer, liaison):
    meeting = make_meeting(app)
    make_action(app, meeting, liaison, title="<b>Bold</b> & <script>x</script>")
    login_as(officer)
    page = client.get("/reports/actions?status=nonsense&page=abc&sort=evil").text
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;script&gt;" in page
    _, _, text = _pdf(client, "?status=nonsense&owner=x&due_from=2024-99-01")
    assert "<b>Bold</b> & <script>x</script>" in text


def test_action_log_needs_sign_in(client):
    assert client.get("/reports/actions.pdf").status_code == 302
    assert client.get("/reports/actions").status_code == 302
