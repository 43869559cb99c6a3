"""Sending e-mail: one function, `send`, for every message the platform writes (a sign-up's
confirmation, a street officer's decision; receipts later). Flask-Mailman carries it, by
`MAIL_BACKEND`: SMTP in production, a file per message under `instance/outbox/` in development
(`make run`: open the newest file there to read what was sent), a list in memory in the tests
(`outbox()`).

A message is written once per language, Chinese first and English second, from one template
under `templates/mail/` rendered in each: the reader needs no account, nor a language setting,
to read it. The subject is a lazy string, given in both languages too."""

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_mailman import EmailMessage

from charity.errors import DomainError

#: The template a message was written from (the development outbox shows staff the kinds
#: they may read).
KIND_HEADER = "X-Songtan-Mail"
#: Between the languages of one message.
SEPARATOR = "\n\n" + "-" * 40 + "\n\n"


class MailNotSent(DomainError):
    """The mail server refused the message or could not be reached; the caller's unit of work
    rolls back, so nothing is kept that promised an e-mail."""


def _in_each_language(render) -> list[str]:
    texts = []
    for code in current_app.config["LANGUAGES"]:
        with force_locale(code):
            texts.append(render())
    return texts


def compose(to: str, subject, template: str, attachments=(), **context) -> EmailMessage:
    """The message `send` sends: `templates/mail/<template>.txt` rendered with `context` in
    every language of the platform, the subject's languages joined by " / "; `attachments`
    are (filename, content, mimetype) triples (a receipt's PDF, say)."""
    subjects = _in_each_language(lambda: str(subject))
    body = SEPARATOR.join(text.strip() for text in _in_each_language(
        lambda: render_template(f"mail/{template}.txt", **context)))
    message = EmailMessage(subject=" / ".join(dict.fromkeys(subjects)), body=body + "\n",
                           to=[to], headers={KIND_HEADER: template})
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message


def send(to: str, subject, template: str, attachments=(), **context) -> None:
    """Send one message to `to` (see `compose`); `MailNotSent` when it cannot go."""
    send_message(compose(to, subject, template, attachments, **context))


def send_message(message: EmailMessage) -> None:
    """Send a message `compose` wrote; `MailNotSent` when it cannot go."""
    try:
        sent = message.send()
    except OSError as error:  # smtplib's errors are OSErrors, as a refused connection is
        current_app.logger.warning("mail not sent: %s", type(error).__name__)
        sent = 0
    if not sent:
        raise MailNotSent(_l("The e-mail could not be sent just now, so nothing was saved. "
                             "Please try again later."))


def outbox() -> list[EmailMessage]:
    """The messages sent so far with the "locmem" backend (the tests')."""
    return getattr(current_app.extensions["mailman"], "outbox", [])
