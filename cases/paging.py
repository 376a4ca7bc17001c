"""Page numbers for the lists of the pages without counting every row a list could show.

Django's ``Paginator`` counts the whole list (``SELECT COUNT(*)``) to number its pages: for a
leader's work list at a million cases that count reads the whole case table, ten times the cost
of the page itself. Nobody pages through fifty pages of twenty; they filter. So a list counts its
rows only as far as ``PAGES_AHEAD`` pages past the page asked for and, when there are more, says
so ("第 1 / 50+ 页"); from page 50 it counts to page 100, and so on, so every page stays reachable
by its next link. A list shorter than that is counted exactly, as before.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

PAGES_AHEAD = 50


class CappedPaginator(Paginator):
    """A paginator whose count stops ``PAGES_AHEAD`` pages past the page asked for."""

    def __init__(self, object_list, per_page, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._asked = 1
        self.more = False  # whether rows exist beyond those counted

    def get_page(self, number):
        try:
            self._asked = max(1, int(number))
        except (TypeError, ValueError):
            self._asked = 1
        return super().get_page(number)

    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return len(self.object_list)
        limit = self.per_page * (self._asked + PAGES_AHEAD)
        # Which rows are counted does not matter, only whether there are more: no ORDER BY.
        counted = self.object_list.order_by()[: limit + 1].count()
        self.more = counted > limit
        return min(counted, limit)

    @property
    def pages_label(self) -> str:
        """The number of pages as shown: "50+" when the count stopped short."""
        return f"{self.num_pages}+" if self.more else str(self.num_pages)
