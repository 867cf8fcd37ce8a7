"""Creators' domain errors, each with a stable code.

``field`` names the form field an error is about, so an HTML form can put the message next
to it; the API reports the code.
"""

from marketplace.errors import DomainError


class CreatorsError(DomainError):
    field: str | None = None


class CreatorNotFound(CreatorsError):
    code = "creator_not_found"
    status = 404
    default_message = "No such creator."


class NotACreator(CreatorsError):
    code = "not_a_creator"
    status = 403
    default_message = "Set up your creator profile first."


class AlreadyACreator(CreatorsError):
    code = "already_a_creator"
    status = 409
    default_message = "You already have a creator profile."


class HandleTaken(CreatorsError):
    code = "handle_taken"
    status = 409
    field = "handle"
    default_message = "That handle is taken. Try another one."


class InvalidHandle(CreatorsError):
    code = "invalid_handle"
    field = "handle"
    default_message = "2–30 characters: lowercase letters, digits, '_' and '.'."


class InvalidAvatar(CreatorsError):
    code = "invalid_avatar"
    field = "avatar"
    default_message = "The avatar must be a JPEG, PNG or WebP image."


class CannotFollowSelf(CreatorsError):
    code = "cannot_follow_self"
    default_message = "You cannot follow yourself."


class VideoNotFound(CreatorsError):
    code = "video_not_found"
    status = 404
    default_message = "No such video."


class VideoTooLarge(CreatorsError):
    code = "video_too_large"
    field = "file"
    default_message = "The video is too large."


class VideoTooLong(CreatorsError):
    code = "video_too_long"
    field = "file"
    default_message = "The video is too long."


class UnsupportedVideoFormat(CreatorsError):
    code = "unsupported_video_format"
    field = "file"
    default_message = "Upload an MP4, WebM or MOV video."


class VideoUnreadable(CreatorsError):
    code = "video_unreadable"
    field = "file"
    default_message = "This file is damaged or is not a playable video."


class TooManyProducts(CreatorsError):
    code = "too_many_products"
    field = "products"
    default_message = "Tag at most 6 products."


class ProductNotAvailable(CreatorsError):
    code = "product_not_available"
    field = "products"
    default_message = "You can only tag active products of your market."


class VideoNotEditable(CreatorsError):
    code = "video_not_editable"
    status = 409
    default_message = "This video can no longer be changed."
