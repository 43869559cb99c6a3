"""Roster files between the dry run and the confirmation: encrypted at rest, read once, and
swept when abandoned (they hold ID numbers, names and addresses)."""

import secrets
import time
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

#: How long a checked file waits for its confirmation, in seconds.
TTL = 3600


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _fernet() -> Fernet:
    return Fernet(current_app.config["ID_ENCRYPTION_KEY"].encode())


def _path(token: str, user_id: int) -> Path | None:
    return _folder() / f"{token}-{user_id}.enc" if token.isalnum() else None


def sweep(now: float | None = None) -> int:
    """Remove files older than the TTL; returns how many."""
    cutoff = (now or time.time()) - TTL
    stale = [p for p in _folder().glob("*.enc") if p.stat().st_mtime < cutoff]
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)


def keep(content: bytes, user_id: int) -> str:
    """Store a checked roster for its confirmation; returns the token that names it."""
    sweep()
    token = secrets.token_hex(16)
    _path(token, user_id).write_bytes(_fernet().encrypt(content))
    return token


def read(token: str, user_id: int) -> bytes | None:
    """The stored roster, left in place; None if unknown, another user's or expired."""
    path = _path(token, user_id)
    if path is None or not path.exists():
        return None
    try:
        return _fernet().decrypt(path.read_bytes(), ttl=TTL)
    except (InvalidToken, FileNotFoundError):
        return None


def discard(token: str, user_id: int) -> None:
    """Remove a stored roster (it is spent)."""
    path = _path(token, user_id)
    if path is not None:
        path.unlink(missing_ok=True)


def take(token: str, user_id: int) -> bytes | None:
    """The stored roster, removed as it is read; None if unknown, another user's or expired."""
    content = read(token, user_id)
    discard(token, user_id)
    return content
