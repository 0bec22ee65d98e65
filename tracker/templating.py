"""The Jinja environment the tracker renders with: Flask's, with template imports made cheap.

Every `{% from "..." import ... %}` runs on each render, and Jinja then compares the
importing template's globals with the imported template's, name by name, to decide
whether the imported module can be reused: `set - ChainMap.keys()`, which falls back
to Python-level lookups through the chain for each of the ~60 globals (about 45 µs per
import; a list page runs 17 imports, the layout alone 14). `TemplateGlobals.keys()`
answers with a plain set, so the comparison is one C-level set difference. What a
template sees is unchanged.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import MutableMapping
from typing import Any

from flask.templating import Environment


class TemplateGlobals(ChainMap):
    """A template's globals over the environment's (Jinja's own ChainMap), whose `keys()`
    is a set of the names in every layer, read when asked, so later additions show."""

    def keys(self) -> set[str]:  # type: ignore[override]
        return set().union(*self.maps)


class TemplateEnvironment(Environment):
    """Flask's Jinja environment, giving each template `TemplateGlobals`."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return TemplateGlobals({} if d is None else d, self.globals)
