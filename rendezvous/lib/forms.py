"""Form fields shared by the apps' forms."""

from django import forms

from rendezvous.lib.views import parse_id


class RowsChoiceField(forms.ModelMultipleChoiceField):
    """Several rows chosen by id. An id no database column can hold is refused as an invalid
    choice before the query (SQLite's driver would fail on it instead of finding nothing)."""

    def _check_values(self, value):
        for item in value:
            if parse_id(str(item)) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super()._check_values(value)
