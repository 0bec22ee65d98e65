"""Building and delivering email: SMTP when configured, .eml files in development."""

from __future__ import annotations

import email.policy
import logging
import re
import smtplib
import socket
import ssl
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from flask import current_app, render_template

log = logging.getLogger(__name__)


class MailDeliveryError(Exception):
    """The SMTP server could not be reached or refused the message."""


def _starttls_refused(error: BaseException) -> bool:
    return isinstance(error, smtplib.SMTPNotSupportedError) and "STARTTLS" in str(error)


def _sign_in_unsupported(error: BaseException) -> bool:
    return isinstance(error, smtplib.SMTPNotSupportedError) and "AUTH" in str(error).upper()


# (does this error match, what to say): the first match wins, so the narrow cases come
# first. Each text may use {where}, {server}, {username} and {error}.
_SMTP_FAILURES: tuple[tuple[Callable[[BaseException], bool], str], ...] = (
    (
        _starttls_refused,
        "The mail server at {where} does not offer STARTTLS. For an internal relay that "
        "takes plain SMTP set MAIL_USE_TLS=false; for SMTP over TLS from the start set "
        "MAIL_USE_SSL=true and MAIL_PORT=465.",
    ),
    (
        lambda error: isinstance(error, smtplib.SMTPAuthenticationError),
        "The mail server at {where} refused the sign-in for MAIL_USERNAME {username!r}: "
        "check MAIL_USERNAME and MAIL_PASSWORD.",
    ),
    (
        _sign_in_unsupported,
        "The mail server at {where} does not accept a sign-in: leave MAIL_USERNAME and "
        "MAIL_PASSWORD empty, or turn on TLS if it offers sign-in only over TLS.",
    ),
    (
        lambda error: isinstance(error, smtplib.SMTPRecipientsRefused),
        "The mail server at {where} refused the address: {error}.",
    ),
    (
        lambda error: isinstance(error, smtplib.SMTPSenderRefused),
        "The mail server at {where} refused the sender: set MAIL_DEFAULT_SENDER to an "
        "address it accepts ({error}).",
    ),
    (
        lambda error: isinstance(error, ssl.SSLCertVerificationError),
        "The mail server at {where} presented a certificate this machine does not trust "
        "({error}): install the issuing CA certificate.",
    ),
    (
        lambda error: isinstance(error, ssl.SSLError),
        "TLS with the mail server at {where} failed ({error}): check MAIL_USE_SSL (port "
        "465) against MAIL_USE_TLS (STARTTLS, usually 587).",
    ),
    (
        lambda error: isinstance(error, ConnectionRefusedError),
        "Nothing is listening at {where}: check MAIL_SERVER and MAIL_PORT.",
    ),
    (
        lambda error: isinstance(error, TimeoutError | smtplib.SMTPServerDisconnected),
        "The mail server at {where} did not answer in time: check MAIL_SERVER, MAIL_PORT "
        "and that a firewall allows this machine to reach it.",
    ),
    (
        lambda error: isinstance(error, socket.gaierror),
        "The mail server name {server!r} could not be found (DNS).",
    ),
)


def describe_smtp_failure(error: BaseException) -> str:
    """What went wrong in the SMTP dialogue, in words an IT officer can act on."""
    config = current_app.config
    if isinstance(error, MailDeliveryError) and error.__cause__ is not None:
        error = error.__cause__
    facts = {
        "where": f"{config['MAIL_SERVER']}:{config['MAIL_PORT']}",
        "server": config["MAIL_SERVER"],
        "username": config["MAIL_USERNAME"],
        "error": error,
    }
    for matches, text in _SMTP_FAILURES:
        if matches(error):
            return text.format(**facts)
    return "Sending through {where} failed: {error}".format(**facts)


def absolute_url(path: str) -> str:
    """A link for an email: SERVER_BASE_URL joined with an application path."""
    return current_app.config["SERVER_BASE_URL"].rstrip("/") + path


def one_line(text: str) -> str:
    """`text` with every run of whitespace (line breaks included) as one space: a header
    value must not break a line itself; the email library folds long ones correctly."""
    return " ".join(text.split())


def build_message(*, to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
    """A multipart (plain text and HTML) message from the default sender.

    Built with the SMTP policy: headers are folded at 78 characters with CRLF line ends,
    and any non-ASCII words are encoded (RFC 2047), so the subject reads back exactly.
    """
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = one_line(subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="tracker.local")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def smtp_connection() -> smtplib.SMTP:
    """An open, authenticated SMTP connection using the MAIL_* settings."""
    config = current_app.config
    timeout = config["MAIL_TIMEOUT_SECONDS"]
    if config["MAIL_USE_SSL"]:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            config["MAIL_SERVER"],
            config["MAIL_PORT"],
            timeout=timeout,
            context=ssl.create_default_context(),
        )
    else:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
    try:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except BaseException:
        smtp.close()  # a refused STARTTLS or sign-in must not leave the socket open
        raise
    return smtp


def write_eml(message: EmailMessage) -> Path:
    """Development delivery: the message as a .eml file under instance/outbox."""
    folder = Path(current_app.config["MAIL_FILE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().astimezone().strftime("%Y%m%dT%H%M%S%f")
    # The address is the user's to choose: keep only characters safe in a file name, so
    # one such as "/x@example.org" can never name a folder or leave the outbox.
    recipient = re.sub(r"[^A-Za-z0-9._-]", "_", message["To"].replace("@", "_at_"))
    path = folder / f"{stamp}-{recipient[:100]}.eml"
    path.write_bytes(bytes(message))
    log.info(
        "email written to file",
        extra={"to": message["To"], "subject": message["Subject"], "path": str(path)},
    )
    return path


def deliver(message: EmailMessage) -> None:
    """Send one message now, over SMTP or to a file when no server is configured."""
    if not current_app.config["MAIL_SERVER"]:
        write_eml(message)
        return
    try:
        with smtp_connection() as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailDeliveryError(str(exc)) from exc
    log.info("email sent", extra={"to": message["To"], "subject": message["Subject"]})


def render_message(*, to: str, subject: str, template: str, **context: Any) -> EmailMessage:
    """A message from templates/<template>.txt and .html rendered with `context`."""
    text = render_template(f"{template}.txt", **context)
    html = render_template(f"{template}.html", **context)
    return build_message(to=to, subject=subject, text=text, html=html)


def send_templated(*, to: str, subject: str, template: str, **context: Any) -> None:
    """Render templates/<template>.txt and .html with `context` and deliver the message."""
    deliver(render_message(to=to, subject=subject, template=template, **context))
