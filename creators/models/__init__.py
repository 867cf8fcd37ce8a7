from .attribution import ProductTap, TapSource
from .commissions import (
    Commission,
    CommissionPlan,
    CommissionStatus,
    PlanStatus,
    TargetedPlan,
)
from .feed import EngagementBatch, FeedMode, FeedProfile, ProcessedEvent
from .profiles import Creator, Follow
from .rollups import NO_VIDEO, CreatorDayStats, CreatorVideoStats
from .videos import Video, VideoLike, VideoProduct, VideoStatus

__all__ = [
    "Commission",
    "CommissionPlan",
    "CommissionStatus",
    "PlanStatus",
    "TargetedPlan",
    "Creator",
    "CreatorDayStats",
    "CreatorVideoStats",
    "NO_VIDEO",
    "EngagementBatch",
    "FeedMode",
    "FeedProfile",
    "Follow",
    "ProcessedEvent",
    "ProductTap",
    "TapSource",
    "Video",
    "VideoLike",
    "VideoProduct",
    "VideoStatus",
]
