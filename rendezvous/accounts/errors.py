from django.utils.translation import gettext_lazy as _

from rendezvous.lib.errors import Conflict, DomainError, NotAllowed


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


class EmailUnchanged(DomainError):
    code = "email_unchanged"
    message = _("This is already your email address.")


class EmailChangeLinkInvalid(DomainError):
    code = "email_change_link_invalid"
    message = _(
        "This link is not valid any more: it has expired, was used already, or your address "
        "has changed since. Ask for a new one on your account page."
    )
