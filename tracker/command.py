"""The `tracker` console script: every `flask` command, from any directory and cron.

It finds the application itself (no FLASK_APP, no `cd`), and reads the same settings
file as the services: TRACKER_ENV_FILE when set, otherwise /etc/opcc-tracker/tracker.env
when it exists. So `tracker backup` in a cron line runs exactly as the services do.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_SETTINGS_FILE = Path("/etc/opcc-tracker/tracker.env")


def main() -> None:
    """Run the flask command line for the tracker application."""
    if not os.environ.get("TRACKER_ENV_FILE") and DEFAULT_SETTINGS_FILE.is_file():
        os.environ["TRACKER_ENV_FILE"] = str(DEFAULT_SETTINGS_FILE)
    # Imported only now: config reads the settings file when it is first imported.
    from flask.cli import FlaskGroup

    from tracker import create_app

    cli = FlaskGroup(
        name="tracker",
        create_app=lambda: create_app(),
        load_dotenv=False,
        help="The holding-to-account tracker's commands (the flask commands, set up).",
    )
    cli.main(prog_name="tracker")
