"""Per-creator running sums behind the creator dashboard, so a page never aggregates a
creator's whole commission history.

Written in the same transaction as the commission change they follow (accrual, refund;
see ``creators.dashboard_rollups``). A day is the day the order was paid (UTC); a refund
adds to ``reversed_minor`` of that day, so the chart shows what each week's sales earned
in the end. What a commission's status is (pending, available, paid) is not kept here: the
ledger's balances say that.
"""

from django.db import models

# ``video_id`` of sales that came through no video (an affiliate link, later a LIVE).
NO_VIDEO = 0


class CreatorDayStats(models.Model):
    creator = models.ForeignKey(
        "creators.Creator", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.DateField()
    currency = models.CharField(max_length=3)
    orders = models.IntegerField(default=0, help_text="Orders with a commission for them")
    gross_minor = models.BigIntegerField(default=0, help_text="GMV of the attributed lines")
    amount_minor = models.BigIntegerField(default=0, help_text="Commission accrued")
    reversed_minor = models.BigIntegerField(default=0, help_text="Of which refunded since")

    class Meta:
        verbose_name_plural = "creator day stats"
        constraints = [
            models.UniqueConstraint(
                fields=["creator", "day", "currency"], name="creator_day_stats_once"
            )
        ]

    def __str__(self) -> str:
        return f"creator {self.creator_id} on {self.day} ({self.currency})"


class CreatorVideoStats(models.Model):
    creator = models.ForeignKey(
        "creators.Creator", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # A plain id, not a key: the sums outlive a deleted video, and NO_VIDEO has no row.
    video_id = models.BigIntegerField(default=NO_VIDEO)
    currency = models.CharField(max_length=3)
    orders = models.IntegerField(default=0)
    gross_minor = models.BigIntegerField(default=0)
    amount_minor = models.BigIntegerField(default=0)
    reversed_minor = models.BigIntegerField(default=0)

    class Meta:
        verbose_name_plural = "creator video stats"
        constraints = [
            models.UniqueConstraint(
                fields=["creator", "video_id", "currency"], name="creator_video_stats_once"
            )
        ]

    def __str__(self) -> str:
        return f"creator {self.creator_id}, video {self.video_id} ({self.currency})"
