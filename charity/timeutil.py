"""Dates as the district sees them: Asia/Shanghai."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_today() -> date:
    """Today's date in Asia/Shanghai (what 'today' means for ages, reviews and windows)."""
    return datetime.now(SHANGHAI).date()
