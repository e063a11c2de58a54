"""Shape-only forms of the booking pages."""

import hashlib

from django import forms


class BookForm(forms.Form):
    """One teacher's times on one day for one child: the chosen slot, the child and the key
    the page gave the form."""

    slot = forms.IntegerField(min_value=1, max_value=2**62)
    pupil = forms.IntegerField(min_value=1, max_value=2**62)
    idempotency_key = forms.CharField(max_length=64, required=False)

    def booking_key(self) -> str:
        """The key for book_slot: the form's key together with the chosen time.

        A form offers many times under one key. Sending it twice with the same time books
        once; sending it again with another time (after going back in the browser) is a new
        choice, which must not be answered with the first booking. Hashed so that it fits the
        booking's 64 characters whatever the form sent."""
        key = self.cleaned_data["idempotency_key"]
        if not key:
            return ""
        return hashlib.sha256(f"{self.cleaned_data['slot']}:{key}".encode()).hexdigest()


class MoveForm(forms.Form):
    slot = forms.IntegerField(min_value=1, max_value=2**62)
