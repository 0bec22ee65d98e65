"""The app `flask worker` loads when a test runs the worker as a separate process.

The same database as the test's (WORKER_TEST_DATABASE_URL), but an action list export
job stops at its start and waits there, reporting progress (so a stop request is
noticed), until the process is stopped or killed: a test can then act mid-job without
waiting on a real job's speed. It writes the job's id to WORKER_TEST_STARTED_FILE
once it is waiting.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from tracker import create_app
from tracker.reports import jobs, spreadsheets

app = create_app(
    "testing",
    SQLALCHEMY_DATABASE_URI=os.environ["WORKER_TEST_DATABASE_URL"],
    SERVER_BASE_URL="http://localhost",
)
STARTED = Path(os.environ["WORKER_TEST_STARTED_FILE"])


def held_export(job, user, progress):
    progress.stage("Held by the test", total=1)
    STARTED.write_text(str(job.id))
    pause = threading.Event()
    while True:
        progress.advance(0)  # raises JobReleasedError once the worker is stopping
        pause.wait(0.05)


jobs.RUNNERS[spreadsheets.ACTIONS_XLSX] = held_export
