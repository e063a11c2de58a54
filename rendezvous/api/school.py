"""The school's structure: departments, classes, pupils and subjects, as each person may see
them; admins change them with the office pages' services."""

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from rendezvous.accounts.access import get_parents_for_user, people_visible_to
from rendezvous.accounts.models import STAFF_ROLES, User
from rendezvous.api.errors import require_admin, responses
from rendezvous.api.fields import Id, Text
from rendezvous.api.lists import (
    Columns,
    Page,
    check_filters,
    ordered,
    page_of,
    sort_choices,
    sort_field,
)
from rendezvous.scheduling import services as scheduling
from rendezvous.scheduling.access import get_subject_for_user, subjects_visible_to
from rendezvous.school import services
from rendezvous.school.access import (
    classes_visible_to,
    departments_visible_to,
    get_class_for_user,
    get_department_for_user,
    get_pupil_for_user,
    pupils_visible_to,
)
from rendezvous.school.selectors import matching_pupils, search_words

router = Router(tags=["school"])

NAME = Field(min_length=1, max_length=100)
IDS = Field([], max_length=500)


# Departments and subjects are listed by name.
NAME_ORDER: Columns = {"name": ("name",)}


class ByName(Schema):
    sort: sort_choices(NAME_ORDER) = sort_field("name")


def chosen(rows: QuerySet, ids: list[int]) -> list:
    """The rows with these ids among those the caller may see; 404 if any is not one."""
    found = list(rows.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise Http404
    return found


def _staff_chosen(user: User, ids: list[int]) -> list[User]:
    return chosen(people_visible_to(user, roles=STAFF_ROLES), ids)


def _ids(related) -> list[int]:
    return sorted(row.pk for row in related.all())


class DepartmentOut(Schema):
    id: int
    name: str
    teachers: list[int]


class DepartmentIn(Schema):
    name: Text = NAME
    teachers: list[Id] = IDS


def department_body(department) -> dict:
    return {"id": department.pk, "name": department.name, "teachers": _ids(department.teachers)}


def _department(request, department_id: int) -> dict:
    rows = departments_visible_to(request.user).prefetch_related("teachers")
    return department_body(rows.get(pk=department_id))


@router.get(
    "/departments",
    response=responses({200: list[DepartmentOut]}, 401),
    operation_id="departments_list",
)
def list_departments(request, response: HttpResponse, order: Query[ByName], page: Query[Page]):
    """The organisation's departments, for staff; parents see none."""
    rows = departments_visible_to(request.user).prefetch_related("teachers")
    rows = ordered(rows, order.sort, NAME_ORDER)
    return [department_body(row) for row in page_of(request, response, rows, page)]


@router.get(
    "/departments/{int:department_id}",
    response=responses({200: DepartmentOut}, 401, 404),
    operation_id="departments_get",
)
def get_department(request, department_id: int):
    get_department_for_user(request.user, department_id)
    return _department(request, department_id)


@router.post(
    "/departments",
    response=responses({201: DepartmentOut}, 401, 403, 404, 409),
    operation_id="departments_create",
)
def create_department(request, body: DepartmentIn):
    require_admin(request.user)
    department = services.create_department(
        organisation=request.user.organisation,
        name=body.name,
        teachers=_staff_chosen(request.user, body.teachers),
    )
    return Status(201, _department(request, department.pk))


@router.put(
    "/departments/{int:department_id}",
    response=responses({200: DepartmentOut}, 401, 403, 404, 409),
    operation_id="departments_update",
)
def update_department(request, department_id: int, body: DepartmentIn):
    department = get_department_for_user(request.user, department_id, write=True)
    services.update_department(
        department=department,
        name=body.name,
        teachers=_staff_chosen(request.user, body.teachers),
    )
    return _department(request, department_id)


@router.delete(
    "/departments/{int:department_id}",
    response=responses({204: None}, 401, 403, 404, 409),
    operation_id="departments_delete",
)
def delete_department(request, department_id: int):
    """Only an empty department: 409 department_has_classes otherwise."""
    services.delete_department(
        department=get_department_for_user(request.user, department_id, write=True)
    )
    return Status(204, None)


CLASS_ORDER: Columns = {"name": ("name",), "department": ("department__name", "name")}


class ClassOut(Schema):
    id: int
    name: str
    department_id: int
    class_teachers: list[int]
    subject_teachers: list[int]


class ClassIn(Schema):
    name: Text = NAME
    department: Id
    class_teachers: list[Id] = IDS
    subject_teachers: list[Id] = IDS


class ClassFilters(Schema):
    department: Id | None = None
    sort: sort_choices(CLASS_ORDER) = sort_field("name")


def class_body(school_class) -> dict:
    return {
        "id": school_class.pk,
        "name": school_class.name,
        "department_id": school_class.department_id,
        "class_teachers": _ids(school_class.class_teachers),
        "subject_teachers": _ids(school_class.subject_teachers),
    }


def _classes(user: User) -> QuerySet:
    return classes_visible_to(user).prefetch_related("class_teachers", "subject_teachers")


def _class_values(user: User, body: ClassIn) -> dict:
    return {
        "name": body.name,
        "department": get_department_for_user(user, body.department),
        "class_teachers": _staff_chosen(user, body.class_teachers),
        "subject_teachers": _staff_chosen(user, body.subject_teachers),
    }


@router.get(
    "/classes", response=responses({200: list[ClassOut]}, 401, 404), operation_id="classes_list"
)
def list_classes(request, response: HttpResponse, filters: Query[ClassFilters], page: Query[Page]):
    """Admins: every class; teachers: those they lead or teach; parents: their children's."""
    check_filters(request.user, filters)
    rows = ordered(_classes(request.user), filters.sort, CLASS_ORDER)
    if filters.department is not None:
        rows = rows.filter(department_id=filters.department)
    return [class_body(row) for row in page_of(request, response, rows, page)]


@router.get(
    "/classes/{int:class_id}",
    response=responses({200: ClassOut}, 401, 404),
    operation_id="classes_get",
)
def get_class(request, class_id: int):
    get_class_for_user(request.user, class_id)
    return class_body(_classes(request.user).get(pk=class_id))


@router.post(
    "/classes",
    response=responses({201: ClassOut}, 401, 403, 404, 409),
    operation_id="classes_create",
)
def create_class(request, body: ClassIn):
    require_admin(request.user)
    made = services.create_class(
        organisation=request.user.organisation, **_class_values(request.user, body)
    )
    return Status(201, class_body(_classes(request.user).get(pk=made.pk)))


@router.put(
    "/classes/{int:class_id}",
    response=responses({200: ClassOut}, 401, 403, 404, 409),
    operation_id="classes_update",
)
def update_class(request, class_id: int, body: ClassIn):
    school_class = get_class_for_user(request.user, class_id, write=True)
    services.update_class(school_class=school_class, **_class_values(request.user, body))
    return class_body(_classes(request.user).get(pk=class_id))


@router.delete(
    "/classes/{int:class_id}",
    response=responses({204: None}, 401, 403, 404, 409),
    operation_id="classes_delete",
)
def delete_class(request, class_id: int):
    """With its pupils; refused while they have appointments."""
    services.delete_class(school_class=get_class_for_user(request.user, class_id, write=True))
    return Status(204, None)


class PupilOut(Schema):
    id: int
    first_name: str
    last_name: str
    class_id: int
    class_name: str
    parents: list[int]


class PupilIn(Schema):
    first_name: Text = Field(min_length=1, max_length=150)
    last_name: Text = Field(min_length=1, max_length=150)
    school_class: Id = Field(alias="class")
    parents: list[Id] = IDS


PUPIL_ORDER: Columns = {
    "name": ("last_name", "first_name"),
    "class": ("school_class__name", "last_name", "first_name"),
}


class PupilFilters(Schema):
    school_class: Id | None = Field(None, alias="class", description="a class's id")
    q: str = Field("", max_length=200, description="words each name (or email) must contain")
    sort: sort_choices(PUPIL_ORDER) = sort_field("name")


def filtered_pupils(user: User, filters: PupilFilters) -> QuerySet:
    """The pupils the user may see, filtered and ordered."""
    check_filters(user, filters)
    rows = _pupils(user)
    if filters.school_class is not None:
        rows = rows.filter(school_class_id=filters.school_class)
    return ordered(matching_pupils(rows, search_words(filters.q)), filters.sort, PUPIL_ORDER)


def pupil_body(pupil) -> dict:
    return {
        "id": pupil.pk,
        "first_name": pupil.first_name,
        "last_name": pupil.last_name,
        "class_id": pupil.school_class_id,
        "class_name": pupil.school_class.name,
        "parents": _ids(pupil.parents),
    }


def _pupils(user: User) -> QuerySet:
    return pupils_visible_to(user).select_related("school_class").prefetch_related("parents")


def _pupil_values(user: User, body: PupilIn) -> dict:
    return {
        "first_name": body.first_name,
        "last_name": body.last_name,
        "school_class": get_class_for_user(user, body.school_class),
        "parents": get_parents_for_user(user, body.parents),
    }


@router.get(
    "/pupils", response=responses({200: list[PupilOut]}, 401, 404), operation_id="pupils_list"
)
def list_pupils(request, response: HttpResponse, filters: Query[PupilFilters], page: Query[Page]):
    """Admins: every pupil; teachers: those of their classes; parents: their children."""
    rows = filtered_pupils(request.user, filters)
    return [pupil_body(row) for row in page_of(request, response, rows, page)]


@router.get(
    "/pupils/{int:pupil_id}",
    response=responses({200: PupilOut}, 401, 404),
    operation_id="pupils_get",
)
def get_pupil(request, pupil_id: int):
    get_pupil_for_user(request.user, pupil_id)
    return pupil_body(_pupils(request.user).get(pk=pupil_id))


@router.post(
    "/pupils",
    response=responses({201: PupilOut}, 401, 403, 404, 409),
    operation_id="pupils_create",
)
def create_pupil(request, body: PupilIn):
    require_admin(request.user)
    made = services.create_pupil(
        organisation=request.user.organisation, **_pupil_values(request.user, body)
    )
    return Status(201, pupil_body(_pupils(request.user).get(pk=made.pk)))


@router.put(
    "/pupils/{int:pupil_id}",
    response=responses({200: PupilOut}, 401, 403, 404, 409),
    operation_id="pupils_update",
)
def update_pupil(request, pupil_id: int, body: PupilIn):
    """The pupil's parents are replaced by those sent; refused while a parent who goes has
    appointments for the pupil."""
    pupil = get_pupil_for_user(request.user, pupil_id, write=True)
    services.update_pupil(pupil=pupil, **_pupil_values(request.user, body))
    return pupil_body(_pupils(request.user).get(pk=pupil_id))


@router.delete(
    "/pupils/{int:pupil_id}",
    response=responses({204: None}, 401, 403, 404, 409),
    operation_id="pupils_delete",
)
def delete_pupil(request, pupil_id: int):
    services.delete_pupil(pupil=get_pupil_for_user(request.user, pupil_id, write=True))
    return Status(204, None)


class SubjectOut(Schema):
    id: int
    name: str


class SubjectIn(Schema):
    name: Text = NAME


@router.get(
    "/subjects", response=responses({200: list[SubjectOut]}, 401), operation_id="subjects_list"
)
def list_subjects(request, response: HttpResponse, order: Query[ByName], page: Query[Page]):
    rows = ordered(subjects_visible_to(request.user), order.sort, NAME_ORDER)
    return [{"id": s.pk, "name": s.name} for s in page_of(request, response, rows, page)]


@router.post(
    "/subjects",
    response=responses({201: SubjectOut}, 401, 403, 409),
    operation_id="subjects_create",
)
def create_subject(request, body: SubjectIn):
    require_admin(request.user)
    made = scheduling.create_subject(organisation=request.user.organisation, name=body.name)
    return Status(201, {"id": made.pk, "name": made.name})


@router.put(
    "/subjects/{int:subject_id}",
    response=responses({200: SubjectOut}, 401, 403, 404, 409),
    operation_id="subjects_update",
)
def rename_subject(request, subject_id: int, body: SubjectIn):
    subject = get_subject_for_user(request.user, subject_id, write=True)
    scheduling.rename_subject(subject=subject, name=body.name)
    return {"id": subject.pk, "name": subject.name}


@router.delete(
    "/subjects/{int:subject_id}",
    response=responses({204: None}, 401, 403, 404),
    operation_id="subjects_delete",
)
def delete_subject(request, subject_id: int):
    """Its slots stay, without a subject."""
    scheduling.delete_subject(subject=get_subject_for_user(request.user, subject_id, write=True))
    return Status(204, None)
