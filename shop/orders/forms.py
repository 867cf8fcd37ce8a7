"""Forms for the order pages: the shopper's return request, the seller's answers."""

from __future__ import annotations

from django import forms

from ..models import ReturnReason

CARRIERS = ["USPS", "UPS", "FedEx", "DHL", "Royal Mail", "Evri", "Japan Post", "Yamato", "JNE"]


class ReturnForm(forms.Form):
    """One quantity picker per line that can still go back, a reason, and details."""

    reason = forms.ChoiceField(
        label="Why are you returning it?",
        choices=[("", "Choose a reason"), *ReturnReason.choices],
    )
    details = forms.CharField(
        label="Anything the seller should know? (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, lines, returnable: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for line in lines:
            most = returnable.get(line.pk, 0)
            if most < 1:
                continue
            name = f"qty_{line.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=f"Quantity of {line.title} to return",
                choices=[(n, str(n)) for n in range(most + 1)],
                coerce=int,
                initial=most if len(returnable) == 1 else 0,
            )
            self.rows.append((line, self[name], most))

    def clean(self):
        cleaned = super().clean()
        if self.rows and not any(cleaned.get(f"qty_{line.pk}") for line, _, _ in self.rows):
            raise forms.ValidationError("Choose at least one item to return.")
        return cleaned

    def lines_wanted(self) -> dict[int, int]:
        return {
            line.pk: self.cleaned_data[f"qty_{line.pk}"]
            for line, _, _ in self.rows
            if self.cleaned_data.get(f"qty_{line.pk}")
        }


class ShipForm(forms.Form):
    carrier = forms.CharField(
        label="Carrier",
        max_length=60,
        widget=forms.TextInput(attrs={"list": "carriers", "autocomplete": "off"}),
    )
    tracking_number = forms.CharField(
        label="Tracking number",
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ApproveForm(forms.Form):
    restock = forms.BooleanField(
        label="Put the returned units back in stock", required=False, initial=True
    )


class RejectForm(forms.Form):
    note = forms.CharField(
        label="Why are you rejecting it? The shopper reads this.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
