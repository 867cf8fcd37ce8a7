from django import forms


class AddToCartForm(forms.Form):
    variant = forms.IntegerField(min_value=1, error_messages={"required": "Choose an option."})
    quantity = forms.IntegerField(min_value=1, max_value=99, initial=1, label="Quantity")
    buy_now = forms.BooleanField(required=False)


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(min_value=0, max_value=99, label="Quantity")
