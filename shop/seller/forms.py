"""Seller-center forms. Prices are typed as decimals in the shop's currency and become
integer minor units here, exactly (marketplace.money.to_minor); no float is involved."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, formset_factory

from marketplace.money import BASIS_POINTS, to_decimal, to_minor
from marketplace.money import currency as currency_info

from ..models import Category, Product, ProductStatus, Variant

MAX_OPTIONS = 3
IMAGE_MAX_BYTES = 10 * 1024 * 1024
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
CSV_MAX_BYTES = 20 * 1024 * 1024


def parse_price(raw: str, code: str) -> int:
    """A typed price ("12.99") in minor units, or a ValidationError that says why not."""
    text = raw.strip().replace(currency_info(code).symbol.strip(), "").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"Enter a price like {_example(code)}.") from None
    if not amount.is_finite():
        raise ValidationError(f"Enter a price like {_example(code)}.")
    if amount < 0:
        raise ValidationError("A price cannot be negative.")
    try:
        minor = to_minor(amount, code)
    except ValueError:
        exponent = currency_info(code).exponent
        if exponent == 0:
            raise ValidationError(f"{code} has no cents: enter a whole number.") from None
        raise ValidationError(f"{code} prices have at most {exponent} decimal places.") from None
    if minor > 10**12:
        raise ValidationError("That price is too large.")
    return minor


def _example(code: str) -> str:
    return "1500" if currency_info(code).exponent == 0 else "12.99"


def percent_label(rate_bp: int) -> str:
    """1250 basis points -> "12.5 %"."""
    return f"{(Decimal(rate_bp) / 100).normalize():f} %"


def price_initial(minor: int | None, code: str) -> str:
    return "" if minor is None else str(to_decimal(minor, code))


class ProductForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 6}), help_text="Plain text."
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(), required=False, empty_label="No category"
    )
    tags = forms.CharField(
        max_length=500, required=False, help_text="Comma-separated, e.g. skincare, vegan"
    )
    status = forms.ChoiceField(
        choices=ProductStatus.choices,
        help_text="Only active products are shown to shoppers.",
    )
    option_names = forms.CharField(
        label="Option names",
        max_length=200,
        required=False,
        help_text="Up to 3, comma-separated, e.g. Color, Size. Empty for a single variant.",
    )
    commission_percent = forms.DecimalField(
        label="Creator commission (%)",
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(
            attrs={"min": 1, "max": 80, "step": "0.01", "inputmode": "decimal"}
        ),
        help_text="What creators earn on each sale they drive: 1 % to 80 % of the price.",
        error_messages={"invalid": "Enter a percentage such as 10 or 12.5."},
    )

    def __init__(self, *args, product: Product | None = None, **kwargs):
        if product is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": product.title,
                "description": product.description,
                "category": product.category_id,
                "tags": product.tags,
                "status": product.status,
                "option_names": ", ".join(product.option_names),
                # The rate the seller chose: an announced cut, if any, else the standing one.
                "commission_percent": Decimal(
                    product.commission_rate_next_bp or product.commission_rate_bp
                )
                / 100,
            }
        kwargs.setdefault("initial", {}).setdefault("commission_percent", Decimal(10))
        kwargs["initial"].setdefault("status", ProductStatus.DRAFT)
        super().__init__(*args, **kwargs)

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise ValidationError("A product needs a title.")
        return title

    def clean_tags(self) -> str:
        tags = [" ".join(t.split()) for t in self.cleaned_data["tags"].split(",")]
        return ", ".join(dict.fromkeys(t for t in tags if t))

    def clean_option_names(self) -> list[str]:
        names = [" ".join(n.split()) for n in self.cleaned_data["option_names"].split(",")]
        names = [n for n in names if n]
        if len(names) > MAX_OPTIONS:
            raise ValidationError(f"At most {MAX_OPTIONS} options, such as Color, Size, Material.")
        if len({n.casefold() for n in names}) != len(names):
            raise ValidationError("Each option name can appear only once.")
        if any(len(n) > 40 for n in names):
            raise ValidationError("Option names are at most 40 characters.")
        return names

    def clean_commission_percent(self) -> Decimal:
        percent = self.cleaned_data["commission_percent"]
        low = Decimal(settings.COMMISSION_RATE_MIN_BP) / 100
        high = Decimal(settings.COMMISSION_RATE_MAX_BP) / 100
        if not low <= percent <= high:
            raise ValidationError(f"The commission must be between {low:g} % and {high:g} %.")
        return percent

    @property
    def commission_rate_bp(self) -> int:
        # Two decimal places of a percent are whole basis points, so this is exact.
        return int(self.cleaned_data["commission_percent"] * BASIS_POINTS / 100)

    def product_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"].strip(),
            "category": data["category"],
            "tags": data["tags"],
            "status": data["status"],
            "option_names": data["option_names"],
            "commission_rate_bp": self.commission_rate_bp,
        }


class VariantForm(forms.Form):
    variant_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    sku = forms.CharField(label="SKU", max_length=64, required=False)
    price = forms.CharField(max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    compare_at = forms.CharField(
        label="Compare-at price",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    stock = forms.IntegerField(
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric", "placeholder": "0"}),
        error_messages={"min_value": "Stock cannot be negative."},
    )

    def __init__(self, *args, option_names: list[str], currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.option_names = option_names
        self.currency = currency
        self.fields["price"].label = f"Price ({currency})"
        for i, name in enumerate(option_names, start=1):
            self.fields[f"option_{i}"] = forms.CharField(label=name, max_length=100)
        # Options first, as a shopper reads them.
        order = [f"option_{i}" for i in range(1, len(option_names) + 1)]
        order += ["sku", "price", "compare_at", "stock", "variant_id"]
        self.order_fields(order)

    @property
    def option_fields(self):
        return [self[f"option_{i}"] for i in range(1, len(self.option_names) + 1)]

    def clean_sku(self) -> str:
        return self.cleaned_data["sku"].strip()

    def clean_stock(self) -> int:
        return self.cleaned_data["stock"] or 0

    def clean_price(self) -> int:
        return parse_price(self.cleaned_data["price"], self.currency)

    def clean_compare_at(self) -> int | None:
        raw = self.cleaned_data["compare_at"].strip()
        return parse_price(raw, self.currency) if raw else None

    def clean(self):
        data = super().clean()
        price, compare_at = data.get("price"), data.get("compare_at")
        if price is not None and compare_at is not None and compare_at <= price:
            self.add_error("compare_at", "The compare-at price must be higher than the price.")
        return data

    @property
    def options(self) -> dict[str, str]:
        return {
            name: " ".join(self.cleaned_data[f"option_{i}"].split())
            for i, name in enumerate(self.option_names, start=1)
        }

    def variant_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "sku": data["sku"],
            "options": self.options,
            "price_minor": data["price"],
            "compare_at_minor": data["compare_at"],
            "stock": data["stock"],
        }


class BaseVariantFormSet(BaseFormSet):
    default_error_messages = {
        "too_few_forms": "A product needs at least one variant.",
        "too_many_forms": "A product can have at most %(num)d variants.",
    }

    def __init__(self, *args, product: Product | None, seller, **kwargs):
        self.product = product
        self.seller = seller
        self.variants: dict[int, Variant] = (
            {v.id: v for v in product.variants.all()} if product is not None else {}
        )
        super().__init__(*args, **kwargs)

    def live_forms(self) -> list[VariantForm]:
        """Forms that name a variant to keep: filled in, and not marked for removal."""
        return [
            f
            for f in self.forms
            if f.has_changed() or f.cleaned_data.get("variant_id")
            if not self._should_delete_form(f)
        ]

    def clean(self):
        if any(self.errors):
            return
        skus: dict[str, int] = {}
        combos: dict[tuple, int] = {}
        for n, form in enumerate(self.live_forms(), start=1):
            variant_id = form.cleaned_data.get("variant_id")
            if variant_id and variant_id not in self.variants:
                raise ValidationError("A variant in this form is not part of this product.")
            sku = form.cleaned_data["sku"]
            if sku:
                if sku in skus:
                    form.add_error("sku", f"Variant {skus[sku]} already uses this SKU.")
                skus.setdefault(sku, n)
            key = tuple(form.options.values())
            if key in combos:
                form.add_error(
                    None,
                    f"Variant {combos[key]} has the same options; each variant needs its own."
                    if key
                    else "Without option names a product has one variant: add option names "
                    "(e.g. Size) to sell several.",
                )
            combos.setdefault(key, n)
        taken = dict(
            Variant.objects.filter(product__seller=self.seller, sku__in=list(skus))
            .exclude(product=self.product)
            .values_list("sku", "product__title")
        )
        for form in self.live_forms():
            sku = form.cleaned_data.get("sku")
            if sku in taken:
                form.add_error("sku", f"Your product “{taken[sku]}” already uses this SKU.")


VariantFormSet = formset_factory(
    VariantForm,
    formset=BaseVariantFormSet,
    extra=1,
    can_delete=True,
    min_num=1,
    validate_min=True,
    max_num=100,
    validate_max=True,
)


def variant_formset(*, product, seller, data=None, option_names: list[str], currency: str):
    initial = None
    if product is not None:
        initial = [
            {
                "variant_id": v.id,
                "sku": v.sku,
                "price": price_initial(v.price_minor, currency),
                "compare_at": price_initial(v.compare_at_minor, currency),
                "stock": v.stock,
                **{
                    f"option_{i}": v.options.get(name, "")
                    for i, name in enumerate(option_names, start=1)
                },
            }
            for v in product.variants.all()
        ]
    return VariantFormSet(
        data,
        initial=initial,
        prefix="variants",
        product=product,
        seller=seller,
        form_kwargs={"option_names": option_names, "currency": currency},
    )


class StockForm(forms.Form):
    variant_id = forms.IntegerField(widget=forms.HiddenInput)
    stock = forms.IntegerField(
        min_value=0,
        widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
        error_messages={"min_value": "Stock cannot be negative."},
    )


StockFormSet = formset_factory(StockForm, extra=0)


class ImageUploadForm(forms.Form):
    image = forms.ImageField(
        label="Image file",
        help_text="JPEG, PNG, WebP or GIF, up to 10 MB. Square images look best.",
        error_messages={
            "invalid_image": "This file is not an image we can read. Upload a JPEG, PNG, WebP "
            "or GIF."
        },
    )
    alt = forms.CharField(
        label="Image description (alt text)",
        max_length=200,
        required=False,
        help_text="What the picture shows, for shoppers using a screen reader.",
    )

    def clean_image(self):
        upload = self.cleaned_data["image"]
        if upload.size > IMAGE_MAX_BYTES:
            raise ValidationError("The image is larger than 10 MB.")
        if getattr(upload, "image", None) is not None and upload.image.format not in IMAGE_FORMATS:
            raise ValidationError("Upload a JPEG, PNG, WebP or GIF image.")
        return upload


class ShopifyImportForm(forms.Form):
    file = forms.FileField(
        label="Shopify product CSV",
        help_text="In Shopify: Products → Export → “All products”, “CSV for Excel or Numbers”.",
    )
    fetch_images = forms.BooleanField(
        label="Download product images now",
        required=False,
        initial=True,
        help_text="Images that cannot be downloaded are linked to their Shopify address.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError("Choose the .csv file Shopify exported.")
        if upload.size > CSV_MAX_BYTES:
            raise ValidationError("The file is larger than 20 MB; split it into smaller exports.")
        return upload
