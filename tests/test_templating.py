"""The tracker's Jinja environment: template imports see the same globals, cheaply."""

from __future__ import annotations

from jinja2 import DictLoader, Environment

from tracker.templating import TemplateEnvironment, TemplateGlobals


def test_the_app_renders_with_the_tracker_environment(app):
    assert isinstance(app.jinja_env, TemplateEnvironment)
    assert isinstance(app.jinja_env.get_template("layout.html").globals, TemplateGlobals)


def test_template_globals_keys_are_every_layer_read_when_asked():
    environment_globals = {"shared": 1}
    template_globals = TemplateGlobals({"own": 2}, environment_globals)
    assert template_globals.keys() == {"own", "shared"}
    environment_globals["added_later"] = 3
    assert template_globals.keys() == {"own", "shared", "added_later"}
    assert template_globals["added_later"] == 3


TEMPLATES = {
    "macros.html": "{% macro who() %}{{ reader }}/{{ greeting }}{% endmacro %}",
    "page.html": '{% from "macros.html" import who %}{{ who() }}',
    "with_context.html": '{% from "macros.html" import who with context %}{{ who() }}',
}


def _renders(environment: Environment) -> list[str]:
    """What the templates render as globals are added and a template brings its own."""
    environment.loader = DictLoader(TEMPLATES)
    environment.globals["greeting"] = "hello"
    out = [environment.get_template("page.html").render()]
    environment.globals["greeting"] = "good morning"
    out.append(environment.get_template("page.html").render())
    own = environment.get_template("page.html", globals={"reader": "officer"})
    out.append(own.render())
    out.append(environment.get_template("with_context.html").render(reader="clerk"))
    return out


def test_imports_render_as_with_jinjas_own_environment():
    from flask import Flask

    tracker_environment = TemplateEnvironment(Flask(__name__), autoescape=True)
    assert _renders(tracker_environment) == _renders(Environment(autoescape=True))
    assert _renders(tracker_environment)[2] == "officer/good morning"
