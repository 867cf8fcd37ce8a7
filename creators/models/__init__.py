from .attribution import ProductTap, TapSource
from .profiles import Creator, Follow
from .videos import Video, VideoLike, VideoProduct, VideoStatus

__all__ = [
    "Creator",
    "Follow",
    "ProductTap",
    "TapSource",
    "Video",
    "VideoLike",
    "VideoProduct",
    "VideoStatus",
]
