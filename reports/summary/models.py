"""Tables of the engagement summary (see reports.summary)."""

from __future__ import annotations

from django.db import models


class SummaryBlock(models.Model):
    """A block of BLOCK_SIZE slots of one store, packed as a NumPy record array.

    Slot i of block n describes the row whose primary key is n * BLOCK_SIZE + i.
    `version` is a new random number at every rewrite, so each process can
    cache blocks and re-read only those whose version changed.
    """

    store = models.CharField(max_length=16)
    number = models.PositiveIntegerField()
    version = models.PositiveBigIntegerField(default=1)
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["store", "number"], name="one_summary_block_per_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.store} block {self.number} v{self.version}"


class SummaryChange(models.Model):
    """A row whose slot must be recomputed before the next read (a dirty mark)."""

    kind = models.CharField(max_length=32)
    object_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class SummaryState(models.Model):
    """One row: when the summary was last built in full, and in which block
    format. No row, or a row of an older format: not built yet (blocks of an
    older format are never read), and the counting engine counts live until
    the next rebuild."""

    built_at = models.DateTimeField()
    format = models.PositiveSmallIntegerField(default=1)

    def __str__(self) -> str:
        return f"built {self.built_at:%Y-%m-%d %H:%M} (format {self.format})"
