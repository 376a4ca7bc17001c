"""The dashboard's rollup: counts per local day, station and one dimension, kept exact by
PostgreSQL triggers as cases change (:mod:`dashboard.rollup`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tally(models.Model):
    """Signed counts of the facts (see :class:`dashboard.counting.Counts`) of one local day and
    station, in one dimension: ``all`` (key ""), ``department``, ``category`` (the case's own,
    leaf), ``source`` or ``grid`` (key: the id or code as text, "" for none). The same counts per
    month are the rows of dimension ``m.<dim>`` dated the first of the month.

    Rows are only ever appended: a change of a case appends its old contribution negated and
    its new one, so concurrent transitions never wait for each other here. The true count of a
    (day, station, dim, key) is the SUM of its rows; ``manage.py dashboard_rollup --compact``
    folds them into one row each.
    """

    day = models.DateField(_("日期"))
    station_id = models.BigIntegerField(_("工作站"))
    dim = models.CharField(_("维度"), max_length=20)
    key = models.CharField(_("取值"), max_length=40, blank=True)
    intake = models.IntegerField(default=0)
    dispatched = models.IntegerField(default=0)
    done = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    reworked = models.IntegerField(default=0)
    # The overdue count depends on the moment of reading: always counted live, kept here at 0.
    overdue = models.IntegerField(default=0)
    due = models.IntegerField(default=0)
    due_met = models.IntegerField(default=0)
    assigned = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    sign_due = models.IntegerField(default=0)
    sign_met = models.IntegerField(default=0)
    fb_satisfied = models.IntegerField(default=0)
    fb_basic = models.IntegerField(default=0)
    fb_dissatisfied = models.IntegerField(default=0)
    fb_default = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("看板汇总")
        verbose_name_plural = _("看板汇总")
        indexes = [models.Index(fields=["dim", "day", "station_id"], name="tally_dim_day_station")]

    def __str__(self) -> str:
        return f"{self.day} {self.station_id} {self.dim}={self.key}"
