"""A page of an in-memory list, shaped like Flask-SQLAlchemy's pagination for `pager()`."""

from dataclasses import dataclass
from math import ceil


@dataclass(frozen=True)
class ListPage:
    """One page of a list already in memory, for the same `pager()` macro as a query's page."""

    items: list
    page: int
    per_page: int
    total: int

    @classmethod
    def of(cls, rows: list, page: int, per_page: int = 50) -> "ListPage":
        """The `page`-th slice of `rows` (pages count from 1; out-of-range gives the last)."""
        pages = max(1, ceil(len(rows) / per_page))
        page = min(max(1, page), pages)
        start = (page - 1) * per_page
        return cls(rows[start:start + per_page], page, per_page, len(rows))

    @property
    def pages(self) -> int:
        """How many pages the list fills (at least one, even when empty)."""
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        """Whether a page comes before this one."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Whether a page comes after this one."""
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        """The number of the page before."""
        return self.page - 1

    @property
    def next_num(self) -> int:
        """The number of the page after."""
        return self.page + 1
