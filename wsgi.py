"""WSGI entry point: `gunicorn wsgi:app` and the `flask` command both use this."""

from tracker import create_app

app = create_app()
