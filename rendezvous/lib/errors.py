"""Domain errors with a stable code, shown on forms and returned by the API."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refused request. `code` is stable for API clients; `message` is for people."""

    code = "invalid"
    message = _("The request could not be carried out.")
    status = 400

    def __init__(self, message=None, *, details: dict | None = None):
        if message is not None:
            self.message = message
        self.details = details or {}
        super().__init__(str(self.message))


class NotAllowed(DomainError):
    code = "not_allowed"
    message = _("You may not do that.")
    status = 403


class Conflict(DomainError):
    status = 409
