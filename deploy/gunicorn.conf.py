"""gunicorn settings for the tracker's web service (opcc-tracker-web.service).

gunicorn's own messages (worker starts, timeouts) are JSON lines like the app's, so
the journal holds one format; there is no access log, because the app already logs
every request with its user, status and time taken.
"""

bind = "127.0.0.1:8000"
workers = 2
timeout = 60
# Only nginx on this machine may set X-Forwarded-* (the app's TRUSTED_PROXY_COUNT
# decides how many hops it trusts).
forwarded_allow_ips = "127.0.0.1"
accesslog = None

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
    },
}
