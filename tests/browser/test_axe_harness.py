"""The accessibility harness itself: a page with a violation is caught."""

from __future__ import annotations

from tracker.security import public


def test_axe_reports_an_inaccessible_page(app, ui, axe_log):
    @public
    def inaccessible():
        return (
            "<!doctype html><html><head><title>x</title></head>"
            "<body><img src='/static/none.png'></body></html>"
        )

    app.add_url_rule("/inaccessible-for-test", view_func=inaccessible)
    ui.goto("/inaccessible-for-test")
    problems = axe_log.problems()
    assert any("image-alt" in problem for problem in problems)
    assert any("html-has-lang" in problem for problem in problems)
    axe_log.scans.clear()  # expected violations: do not fail the teardown check
    axe_log.loads.clear()


def test_a_loaded_page_that_was_not_scanned_is_reported(axe_log):
    axe_log.loads.append("http://127.0.0.1/unscanned")
    assert "loaded but not scanned" in axe_log.problems()[0]
    axe_log.loads.clear()
