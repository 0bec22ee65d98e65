"""Every form asks its questions: each fieldset has a legend, each field a label.

The test walks every GET page in the URL map (the ids from the security world, see
tests/security/world.py) as each role that may open it, and reads the HTML with the
standard library's parser.
"""

from __future__ import annotations

from html.parser import HTMLParser

from flask import Flask, url_for

from tests.security.matrix import MATRIX, OK
from tests.security.routes import routes
from tests.security.world import IDENTITIES, build_world, values_for

# Inputs that are not questions: nothing to label.
UNLABELLED_TYPES = {"hidden", "submit", "button", "image", "reset"}
FIELDS = {"input", "select", "textarea"}
# Roles that see different forms on the same pages (the force asks for extensions).
READERS = ("admin", "opcc_officer", "force_liaison")


class FormMarkup(HTMLParser):
    """Collects fieldsets without a legend and fields without a label."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fieldsets: list[dict] = []  # open fieldsets: {"legend": text seen so far}
        self.in_legend = 0
        self.in_label = 0
        self.label_for: set[str] = set()
        self.fields: list[tuple[str, str | None, bool]] = []  # (description, id, wrapped)
        self.unlabelled_fieldsets = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "fieldset":
            self.fieldsets.append({"legend": ""})
        elif tag == "legend" and self.fieldsets:
            self.in_legend += 1
        elif tag == "label":
            self.in_label += 1
            if attributes.get("for"):
                self.label_for.add(attributes["for"])
        elif tag in FIELDS:
            if tag == "input" and (attributes.get("type") or "text") in UNLABELLED_TYPES:
                return
            if "hidden" in attributes:  # never shown (the user name for password managers)
                return
            name = attributes.get("name") or "?"
            self.fields.append((f"<{tag} name={name}>", attributes.get("id"), self.in_label > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag == "fieldset" and self.fieldsets:
            if not self.fieldsets.pop()["legend"].strip():
                self.unlabelled_fieldsets += 1
        elif tag == "legend" and self.in_legend:
            self.in_legend -= 1
        elif tag == "label" and self.in_label:
            self.in_label -= 1

    def handle_data(self, data: str) -> None:
        if self.in_legend and self.fieldsets:
            self.fieldsets[-1]["legend"] += data

    def problems(self) -> list[str]:
        found = [
            f"{self.unlabelled_fieldsets} fieldset(s) without a legend"
            if self.unlabelled_fieldsets
            else ""
        ]
        found += [
            f"{description} has no label"
            for description, field_id, wrapped in self.fields
            if not wrapped and field_id not in self.label_for
        ]
        return [p for p in found if p]


def markup_problems(html: str) -> list[str]:
    """What is missing from the forms on one page."""
    parser = FormMarkup()
    parser.feed(html)
    parser.close()
    return parser.problems()


def test_the_checker_finds_a_fieldset_without_a_legend_and_an_unlabelled_field():
    page = (
        "<form><fieldset><legend> </legend><input name=a id=a></fieldset>"
        '<label for="b">B</label><input name=b id=b>'
        "<label>C <input name=c></label><input type=hidden name=d><input name=e hidden></form>"
    )
    assert markup_problems(page) == [
        "1 fieldset(s) without a legend",
        "<input name=a> has no label",
    ]


def test_every_form_on_every_page_has_legends_and_labels(app: Flask):
    world = build_world(app)
    problems = []
    pages = 0
    for endpoint, method, rule in routes(app):
        if method != "GET" or (endpoint, method) not in MATRIX:
            continue
        expectations = dict(zip(IDENTITIES, MATRIX[endpoint, method], strict=True))
        values, missing = values_for(world, endpoint, set(rule.arguments))
        assert not missing
        with app.test_request_context():
            url = url_for(endpoint, **values)
        for identity in READERS:
            if expectations[identity] != OK:
                continue
            response = world.client(identity).get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            pages += 1
            problems += [f"{url} as {identity}: {p}" for p in markup_problems(response.text)]
    assert pages > 40
    assert not problems, "\n".join(problems)
