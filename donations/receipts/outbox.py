"""The development outbox as a page: with the "file" mail backend (`make run`), each message the
platform sends is a file under MAIL_FILE_PATH; this reads them back (newest first) so staff can
see the receipts and other e-mails the demo sent, with their attachments."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from flask import current_app

from charity.main.mail import KIND_HEADER

#: At most this many messages are listed (the newest).
LIMIT = 100
#: The kinds of message staff without `VIEW_MAIL_OUTBOX_ALL` see: receipts, not the links that
#: confirm someone's address or account.
RECEIPTS = frozenset({"receipt"})


@dataclass
class Caught:
    """One message of the outbox: who to, its subject, when, its text and attachments."""

    name: str
    sent_at: datetime
    to: str
    subject: str
    body: str
    attachments: list[tuple[str, bytes]] = field(default_factory=list)
    kind: str = ""  #: the template it was written from
    offset: int = 0  #: attachments of the messages before it in its file


def folder() -> Path | None:
    """The outbox folder, when the platform writes its mail to files; None otherwise."""
    if current_app.config["MAIL_BACKEND"] != "file":
        return None
    return Path(current_app.config["MAIL_FILE_PATH"])


def _messages(raw: bytes) -> list[EmailMessage]:
    """The messages of one file: Django's file backend (Flask-Mailman's) writes each message
    followed by a line of 79 dashes, several per file when sent together."""
    parts = raw.split(b"\n" + b"-" * 79 + b"\n")
    return [message_from_bytes(part.strip(b"\n"), policy=policy.default)
            for part in parts if part.strip()]


def _caught(path: Path, message: EmailMessage) -> Caught:
    body = message.get_body(preferencelist=("plain",))
    attachments = [(part.get_filename() or "", part.get_payload(decode=True) or b"")
                   for part in message.iter_attachments()]
    return Caught(name=path.name, sent_at=datetime.fromtimestamp(path.stat().st_mtime, UTC),
                  to=str(message.get("To", "")), subject=str(message.get("Subject", "")),
                  body=body.get_content() if body is not None else "",
                  attachments=attachments, kind=str(message.get(KIND_HEADER, "")))


def _in_file(path: Path) -> list[Caught]:
    """The messages of one file, each knowing where its attachments start in the file's."""
    found, offset = [], 0
    for message in _messages(path.read_bytes()):
        one = _caught(path, message)
        one.offset, offset = offset, offset + len(one.attachments)
        found.append(one)
    return found


def caught(kinds: frozenset | None = None) -> list[Caught]:
    """The newest messages of the outbox (none when it is not a folder of files); only those
    of `kinds` (templates) unless None."""
    where = folder()
    if where is None or not where.is_dir():
        return []
    files = sorted((p for p in where.iterdir() if p.is_file()),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    found = []
    for path in files:
        found += [one for one in _in_file(path) if kinds is None or one.kind in kinds]
        if len(found) >= LIMIT:
            break
    return found[:LIMIT]


def attachment(name: str, index: int, kinds: frozenset | None = None) -> tuple[str, bytes] | None:
    """The `index`-th attachment of the message file `name` (a bare file name in the outbox),
    if its message is of `kinds` (unless None)."""
    where = folder()
    if where is None or Path(name).name != name:
        return None
    path = where / name
    if not path.is_file():
        return None
    for one in _in_file(path):
        if one.offset <= index < one.offset + len(one.attachments):
            return one.attachments[index - one.offset] if kinds is None or \
                one.kind in kinds else None
    return None
