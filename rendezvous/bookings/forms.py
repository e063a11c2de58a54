"""Shape-only forms of the booking pages."""

from django import forms


class BookForm(forms.Form):
    slot = forms.IntegerField(min_value=1, max_value=2**62)
    pupil = forms.IntegerField(min_value=1, max_value=2**62)
    idempotency_key = forms.CharField(max_length=64, required=False)


class MoveForm(forms.Form):
    slot = forms.IntegerField(min_value=1, max_value=2**62)
