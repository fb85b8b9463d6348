"""The municipal dashboard's monthly figures, kept as a summary (see `dashboards.figures`)."""

from django.db import models


class MonthlyFigure(models.Model):
    """One count of one month: cases opened, decisions of a move, familiehjelpa's inquiries by
    a kind of service (or the family), or how many cases opened that month took `days` days to
    their first measure or decision. No case, child or person: only counts."""

    # The municipality the cases (or familiehjelpa's inquiries) belong to: each municipality's
    # leaders see their own figures only.
    municipality = models.ForeignKey(
        "bts.Municipality", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    month = models.DateField()  # the first day of the month, local time
    kind = models.CharField(max_length=20)  # service kind, or "family" for inquiries
    series = models.CharField(max_length=20)
    days = models.IntegerField(default=0)  # 0 but in the two time-to-first series
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "month", "series", "kind", "days"],
                name="monthly_figure_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.kind} {self.series} {self.days}: {self.n}"


class StaleMonth(models.Model):
    """A month whose figures a write has changed: database triggers add a row, and the next
    read of the dashboard counts that month again and deletes the rows it saw. Rows are only
    ever added by writes, never updated, so writes take no lock here; a write not yet committed
    when the month is counted leaves its row for the next read."""

    month = models.DateField(db_index=True)

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
