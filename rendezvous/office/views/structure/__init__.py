"""The office's pages for the school structure: departments, classes, pupils, parents,
the pickers that link them and the roster import. Admins only; another organisation's rows are 404.

One module per part; rendezvous.office.urls.structure reaches every view through this package."""

from rendezvous.office.views.structure.classes import (
    class_create,
    class_delete,
    class_edit,
    classes,
)
from rendezvous.office.views.structure.dashboard import dashboard
from rendezvous.office.views.structure.departments import (
    department_create,
    department_delete,
    department_edit,
    departments,
)
from rendezvous.office.views.structure.parents import (
    parent_create,
    parent_delete,
    parent_edit,
    parents,
    parents_export,
)
from rendezvous.office.views.structure.picker import pupil_parent_picker, pupil_picker
from rendezvous.office.views.structure.pupils import (
    pupil_create,
    pupil_delete,
    pupil_edit,
    pupil_parent_link,
    pupil_parent_unlink,
    pupils,
    pupils_export,
)
from rendezvous.office.views.structure.roster import roster_import, roster_template

__all__ = [
    "class_create",
    "class_delete",
    "class_edit",
    "classes",
    "dashboard",
    "department_create",
    "department_delete",
    "department_edit",
    "departments",
    "parent_create",
    "parent_delete",
    "parent_edit",
    "parents",
    "parents_export",
    "pupil_create",
    "pupil_delete",
    "pupil_edit",
    "pupil_parent_link",
    "pupil_parent_picker",
    "pupil_parent_unlink",
    "pupil_picker",
    "pupils",
    "pupils_export",
    "roster_import",
    "roster_template",
]
