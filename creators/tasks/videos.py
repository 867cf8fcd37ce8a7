"""Video processing tasks. Thin: take the id, reload, return if done, call the service."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from ..models import Video, VideoStatus
from ..services.videos import video_fail, video_process_source

__all__ = ["video_process"]


# Transcoding a ten-minute upload outlasts the project's default five-minute limit.
@shared_task(acks_late=True, soft_time_limit=25 * 60, time_limit=30 * 60)
def video_process(video_id: int) -> str | None:
    status = Video.objects.filter(pk=video_id).values_list("status", flat=True).first()
    if status != VideoStatus.PROCESSING:
        return status
    try:
        video = video_process_source(video_id=video_id)
    except SoftTimeLimitExceeded:
        video = video_fail(
            video_id=video_id,
            reason="Processing this video took too long. Try a shorter or smaller file.",
        )
    return video.status if video else None
