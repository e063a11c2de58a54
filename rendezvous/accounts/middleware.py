from django.utils import timezone, translation


def activate_preferences(request, user) -> None:
    """The person's language and their organisation's clock, for the rest of the request;
    also for a caller that is known only once the API has read its token."""
    translation.activate(user.language)
    request.LANGUAGE_CODE = user.language
    if user.organisation_id:
        timezone.activate(user.organisation.tz)


class UserPreferencesMiddleware:
    """Pages speak the signed-in person's language and show their organisation's clock."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            activate_preferences(request, user)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
