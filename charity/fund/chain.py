"""The journal's hash chain: each entry's hash covers its content (what, how much, for which
gift, by whom) and the hash before it."""

import hashlib
import json
from datetime import UTC, datetime

GENESIS = "0" * 64


def entry_hash(*, seq: int, posted_at: datetime, kind: str, memo: str, reference: str | None,
               subject: str | None, user_id: int | None, reverses_seq: int | None,
               lines: list[tuple[str, int]], prev_hash: str) -> str:
    """SHA-256 of an entry's canonical JSON (lines sorted) and the previous entry's hash."""
    body = {
        "seq": seq,
        "posted_at": posted_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "kind": kind,
        "memo": memo,
        "reference": reference,
        "subject": subject,
        "user": user_id,
        "reverses": reverses_seq,
        "lines": sorted([code, amount] for code, amount in lines),
        "prev": prev_hash,
    }
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
