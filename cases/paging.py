"""Page numbers for the lists of the pages without counting every row a list could show.

Django's ``Paginator`` counts the whole list (``SELECT COUNT(*)``) to number its pages: for a
leader's work list at a million cases that count reads the whole case table, ten times the cost
of the page itself. Nobody pages through fifty pages of twenty; they filter. So a list counts its
rows only as far as ``PAGES_AHEAD`` pages past the page asked for and, when there are more, says
so ("第 1 / 50+ 页"); from page 50 it counts to page 100, and so on, so every page stays reachable
by its next link. A list shorter than that is counted exactly, as before.

A page number past the last shows the last page (a link kept while the list shrank still
lands); anything that is no page number — not a whole number, below 1, or beyond the rows a
PostgreSQL OFFSET (a bigint) can reach — is 400 naming ``page`` (governance/refusals.py).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from governance.refusals import BadParameter

PAGES_AHEAD = 50
MAX_OFFSET = 2**63 - 1  # OFFSET and LIMIT are bigints


class CappedPaginator(Paginator):
    """A paginator whose count stops ``PAGES_AHEAD`` pages past the page asked for."""

    def __init__(self, object_list, per_page, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._asked = 1
        self.more = False  # whether rows exist beyond those counted

    def get_page(self, number):
        self._asked = self.page_number(number)
        return super().get_page(self._asked)

    def page_number(self, number) -> int:
        """``?page=`` as a number: 1 when not given, else BadParameter unless 1 to the last page
        any list could have (the count reads PAGES_AHEAD pages past it)."""
        if number in (None, ""):
            return 1
        try:
            asked = int(number)
        except (TypeError, ValueError):
            raise BadParameter("page", _("页码须为正整数")) from None
        if asked < 1:
            raise BadParameter("page", _("页码须为正整数"))
        if asked > MAX_OFFSET // self.per_page - PAGES_AHEAD - 1:
            raise BadParameter("page", _("页码超出范围"))
        return asked

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
