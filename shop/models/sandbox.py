from django.db import models


class SandboxRecord(models.Model):
    """The sandbox processor's own memory of idempotency keys (a real processor keeps
    this on its side). Kept in the database, not the cache, so a Redis outage does not
    make the processor forget — or fail."""

    key = models.CharField(max_length=200, unique=True)
    result = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
