from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from rendezvous.lib.errors import Conflict, DomainError


class DepartmentHasClasses(Conflict):
    code = "department_has_classes"

    def __init__(self, *, count: int):
        message = ngettext_lazy(
            "This department still has %(count)d class. "
            "Move it to another department or delete it first.",
            "This department still has %(count)d classes. "
            "Move them to another department or delete them first.",
            "count",
        ) % {"count": count}
        super().__init__(message, details={"classes": count})


class NameTaken(Conflict):
    code = "name_taken"
    message = _("This name is already used in your organisation.")


class ParentEmailTaken(Conflict):
    code = "parent_email_taken"
    message = _("Another parent of your organisation already uses this email address.")


class NotInOrganisation(DomainError):
    code = "not_in_organisation"
    message = _("Everything chosen must belong to your organisation.")


class NotATeacher(DomainError):
    code = "not_a_teacher"
    message = _("Only teachers can be chosen as class or subject teachers.")


class RosterRejected(DomainError):
    """A roster file with problems: nothing was imported; `errors` lists every bad line."""

    code = "roster_rejected"
    message = _("The file was not imported. Please correct these lines and upload it again.")

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__(
            details={"errors": [{"line": e.line, "message": str(e.message)} for e in self.errors]}
        )


class NotAParent(DomainError):
    """The account chosen is not a parent's; callers may say what needed a parent."""

    code = "not_a_parent"
    message = _("Credentials can only be sent to parents.")


class LoginCodesExhausted(Conflict):
    code = "login_codes_exhausted"
    message = _("No free login code could be found. Please try again.")
