from django.utils.translation import gettext_lazy as _

from rendezvous.lib.errors import Conflict, DomainError, NotAllowed


class NotAParent(DomainError):
    """The account chosen is not a parent's; callers may say what needed a parent."""

    code = "not_a_parent"
    message = _("Credentials can only be sent to parents.")


class LoginCodesExhausted(Conflict):
    code = "login_codes_exhausted"
    message = _("No free login code could be found. Please try again.")


class NotStaffRole(DomainError):
    code = "not_a_staff_role"
    message = _("Staff members are admins or teachers.")


class EmailTaken(Conflict):
    code = "email_taken"
    message = _("Another account already uses this email address.")


class SelfChangeRefused(NotAllowed):
    code = "self_change_refused"
    message = _("You cannot delete, deactivate or demote your own account.")


class LastAdmin(Conflict):
    code = "last_admin"
    message = _(
        "This is the last active admin of the organisation. Make another person an admin first."
    )
