"""HTML forms. They check shape only; the rules (handles, file checks, products) live in
the services, whose errors the views put next to the field they are about."""

from django import forms

from .services.videos import (
    MAX_PRODUCTS,
    format_bytes,
    format_duration,
    video_max_bytes,
    video_max_seconds,
)

VIDEO_ACCEPT = "video/mp4,video/webm,video/quicktime,.mp4,.m4v,.webm,.mov"


class ProductIdsField(forms.Field):
    """Product ids from repeated ``products`` inputs (checkboxes of the picker)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        try:
            return list(dict.fromkeys(int(v) for v in value))
        except (TypeError, ValueError):
            raise forms.ValidationError("Pick products from the list.", code="invalid")


class CreatorProfileForm(forms.Form):
    display_name = forms.CharField(label="Display name", max_length=80)
    bio = forms.CharField(
        label="Bio",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Up to 300 characters.",
    )
    avatar = forms.FileField(
        label="Profile photo",
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text="JPEG, PNG or WebP, up to 5 MB. It is cropped to a square.",
    )


class CreatorJoinForm(CreatorProfileForm):
    handle = forms.CharField(
        label="Handle",
        max_length=31,
        help_text="Your address: /@handle. 2–30 lowercase letters, digits, '_' or '.'.",
        widget=forms.TextInput(
            attrs={"autocapitalize": "none", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    field_order = ["handle", "display_name", "bio", "avatar"]


class VideoDetailsForm(forms.Form):
    caption = forms.CharField(
        label="Caption",
        max_length=2200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Say what's in the video"}),
    )
    hashtags = forms.CharField(
        label="Hashtags",
        max_length=500,
        required=False,
        help_text="Separate with spaces, e.g. skincare glow",
        widget=forms.TextInput(attrs={"autocapitalize": "none", "placeholder": "#skincare #glow"}),
    )
    products = ProductIdsField(
        label="Tagged products",
        required=False,
        help_text=f"Up to {MAX_PRODUCTS} products on sale in your market.",
    )


def video_help_text() -> str:
    seconds = video_max_seconds()
    length = f"{seconds // 60} minutes" if seconds % 60 == 0 else format_duration(seconds)
    return f"MP4, WebM or MOV, up to {format_bytes(video_max_bytes())} and {length}."


class VideoUploadForm(VideoDetailsForm):
    file = forms.FileField(
        label="Video",
        widget=forms.FileInput(attrs={"accept": VIDEO_ACCEPT}),
        error_messages={"required": "Choose a video to upload."},
    )
    field_order = ["file", "caption", "hashtags", "products"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = video_help_text()
