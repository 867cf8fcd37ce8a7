from django import forms
from django.core.exceptions import ValidationError

from .. import validators
from ..models import ShippingOption


class CheckoutForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=120)
    line1 = forms.CharField(label="Address", max_length=200)
    city = forms.CharField(label="City", max_length=100)
    postal_code = forms.CharField(label="Postal code", max_length=20)
    country = forms.CharField(label="Country", max_length=2)
    shipping_option = forms.ChoiceField(
        label="Shipping", choices=ShippingOption.choices, widget=forms.RadioSelect
    )
    card_number = forms.CharField(
        label="Card number",
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "cc-number",
                "inputmode": "numeric",
                "placeholder": "4242 4242 4242 4242",
            }
        ),
    )
    expiry = forms.CharField(
        label="Expiry (MM/YY)",
        max_length=7,
        widget=forms.TextInput(attrs={"autocomplete": "cc-exp", "placeholder": "MM/YY"}),
    )
    cvc = forms.CharField(
        label="CVC",
        max_length=4,
        widget=forms.TextInput(attrs={"autocomplete": "cc-csc", "inputmode": "numeric"}),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput)
    variant = forms.IntegerField(required=False, widget=forms.HiddenInput)
    quantity = forms.IntegerField(
        required=False, min_value=1, max_value=99, widget=forms.HiddenInput
    )

    def __init__(self, *args, market, **kwargs):
        super().__init__(*args, **kwargs)
        self.market = market
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        self.fields["line1"].widget.attrs["autocomplete"] = "address-line1"
        self.fields["city"].widget.attrs["autocomplete"] = "address-level2"
        self.fields["postal_code"].widget.attrs["autocomplete"] = "postal-code"
        self.fields["country"].widget.attrs.update({"autocomplete": "country", "readonly": True})

    def clean_card_number(self):
        return validators.clean_card_number(self.cleaned_data["card_number"])

    def clean_cvc(self):
        return validators.clean_cvc(self.cleaned_data["cvc"])

    def clean_country(self):
        return validators.clean_country(self.cleaned_data["country"], self.market.code)

    def clean_expiry(self):
        raw = self.cleaned_data["expiry"].replace(" ", "")
        month, sep, year = raw.partition("/")
        if not sep or not month.isdigit() or not year.isdigit():
            raise ValidationError("Enter the expiry as MM/YY, for example 04/29.")
        return validators.clean_expiry(int(month), int(year))
