"""People: the teachers a person may see, with their slots and week; parents and staff
accounts for admins, changed with the office pages' services; a parent's own account."""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status

from rendezvous.accounts import services as accounts
from rendezvous.accounts.access import get_user_for_user, people_visible_to
from rendezvous.accounts.models import STAFF_ROLES, Role, User
from rendezvous.api.errors import InvalidInput, require_admin, require_role, responses
from rendezvous.api.fields import LANGUAGE, Id, Language, Text
from rendezvous.api.lists import (
    Columns,
    Page,
    check_filters,
    ordered,
    page_of,
    sort_choices,
    sort_field,
)
from rendezvous.api.school import chosen
from rendezvous.api.slots import SlotOut, TeacherSlotFilters, filtered_slots, slot_body
from rendezvous.school import services as school
from rendezvous.school.access import get_teacher_for_user, pupils_visible_to, teachers_visible_to
from rendezvous.school.selectors import matching_people, parents_of, search_words

router = Router(tags=["people"])

SEARCH = Field("", max_length=200, description="words each name or email must contain")


# People by name, as the office's lists show them.
PEOPLE_ORDER: Columns = {"name": ("last_name", "first_name"), "email": ("email",)}
PeopleSort = sort_choices(PEOPLE_ORDER)


class TeacherOut(Schema):
    id: int
    first_name: str
    last_name: str
    email: str | None = Field(description="for staff only")
    departments: list[int]


class TeacherFilters(Schema):
    department: Id | None = None
    subject: Id | None = Field(None, description="who holds slots of this subject")
    school_class: Id | None = Field(None, alias="class", description="who leads or teaches it")
    q: str = SEARCH
    sort: PeopleSort = sort_field("name")


def teacher_body(teacher: User, viewer: User) -> dict:
    staff = viewer.role in STAFF_ROLES
    return {
        "id": teacher.pk,
        "first_name": teacher.first_name,
        "last_name": teacher.last_name,
        "email": teacher.email if staff else None,
        "departments": sorted(d.pk for d in teacher.departments.all()) if staff else [],
    }


def filtered_teachers(viewer: User, filters: TeacherFilters) -> QuerySet[User]:
    """Parents see names only: their search and order leave the addresses out."""
    staff = viewer.role in STAFF_ROLES
    if not staff and filters.sort.endswith("email"):
        raise InvalidInput(details={"fields": [{"field": "query.sort", "message": "name"}]})
    check_filters(viewer, filters)
    rows = teachers_visible_to(viewer)
    if filters.department is not None:
        rows = rows.filter(departments=filters.department)
    if filters.subject is not None:
        rows = rows.filter(hosted_slots__subject=filters.subject)
    if filters.school_class is not None:
        rows = rows.filter(
            Q(classes_led=filters.school_class) | Q(classes_taught=filters.school_class)
        )
    rows = matching_people(rows, search_words(filters.q), emails=staff)
    return ordered(rows.distinct(), filters.sort, PEOPLE_ORDER)


@router.get(
    "/teachers",
    response=responses({200: list[TeacherOut]}, 401, 404),
    operation_id="teachers_list",
)
def list_teachers(
    request, response: HttpResponse, filters: Query[TeacherFilters], page: Query[Page]
):
    """Staff: every teacher and admin of the organisation; parents: their children's
    teachers."""
    rows = filtered_teachers(request.user, filters).prefetch_related("departments")
    return [teacher_body(row, request.user) for row in page_of(request, response, rows, page)]


@router.get(
    "/teachers/{int:teacher_id}",
    response=responses({200: TeacherOut}, 401, 404),
    operation_id="teachers_get",
)
def get_teacher(request, teacher_id: int):
    return teacher_body(get_teacher_for_user(request.user, teacher_id), request.user)


@router.get(
    "/teachers/{int:teacher_id}/slots",
    response=responses({200: list[SlotOut]}, 401, 404),
    operation_id="teachers_slots",
)
def teacher_slots(
    request,
    response: HttpResponse,
    teacher_id: int,
    filters: Query[TeacherSlotFilters],
    page: Query[Page],
):
    """The teacher's times the signed-in person may see, as `GET /slots?teacher=`."""
    teacher = get_teacher_for_user(request.user, teacher_id)
    rows = filtered_slots(request.user, filters, teacher.pk).select_related("host", "subject")
    return [slot_body(slot) for slot in page_of(request, response, rows, page)]


class ChildOut(Schema):
    id: int
    first_name: str
    last_name: str
    class_id: int
    class_name: str


class ParentOut(Schema):
    id: int
    first_name: str
    last_name: str
    email: str
    language: str
    login_code: str
    credentials_sent_at: datetime | None
    children: list[ChildOut]


class ParentIn(Schema):
    first_name: Text = Field(min_length=1, max_length=150)
    last_name: Text = Field(min_length=1, max_length=150)
    email: str = Field("", max_length=254, pattern=r"^([^@\s]+@[^@\s]+)?$")
    language: Language = LANGUAGE
    children: list[Id] = Field([], max_length=50)


class ParentFilters(Schema):
    school_class: Id | None = Field(None, alias="class", description="parents of its pupils")
    q: str = SEARCH
    sort: PeopleSort = sort_field("name")


def parent_body(parent: User) -> dict:
    children = sorted(parent.children.all(), key=lambda p: (p.last_name, p.first_name, p.pk))
    return {
        **{name: getattr(parent, name) for name in ParentOut.model_fields if name != "children"},
        "children": [
            {
                "id": child.pk,
                "first_name": child.first_name,
                "last_name": child.last_name,
                "class_id": child.school_class_id,
                "class_name": child.school_class.name,
            }
            for child in children
        ],
    }


def _parents(user: User) -> QuerySet[User]:
    require_admin(user)
    return people_visible_to(user, roles=[Role.PARENT]).prefetch_related("children__school_class")


def filtered_parents(user: User, filters: ParentFilters) -> QuerySet[User]:
    """For admins: the parents of one class's pupils, matching the words."""
    rows = parents_of(_parents(user))
    check_filters(user, filters)
    if filters.school_class is not None:
        rows = rows.filter(children__school_class_id=filters.school_class)
    return ordered(matching_people(rows, search_words(filters.q)), filters.sort, PEOPLE_ORDER)


def _parent(request, parent_id: int) -> dict:
    return parent_body(_parents(request.user).get(pk=parent_id))


def _parent_values(user: User, body: ParentIn) -> dict:
    return {
        **body.model_dump(exclude={"children"}),
        "language": body.language or user.organisation.language,
        "children": chosen(pupils_visible_to(user), body.children),
    }


@router.get(
    "/parents",
    response=responses({200: list[ParentOut]}, 401, 403, 404),
    operation_id="parents_list",
)
def list_parents(
    request, response: HttpResponse, filters: Query[ParentFilters], page: Query[Page]
):
    """The organisation's parents with their children and sign-in codes, for admins."""
    rows = filtered_parents(request.user, filters)
    return [parent_body(row) for row in page_of(request, response, rows, page)]


@router.get(
    "/parents/me", response=responses({200: ParentOut}, 401, 403), operation_id="parents_me"
)
def parent_me(request):
    """The signed-in parent's own account and children."""
    require_role(request.user, Role.PARENT)
    me = User.objects.filter(pk=request.user.pk).prefetch_related("children__school_class").get()
    return parent_body(me)


@router.get(
    "/parents/{int:parent_id}",
    response=responses({200: ParentOut}, 401, 403, 404),
    operation_id="parents_get",
)
def get_parent(request, parent_id: int):
    get_user_for_user(request.user, parent_id, write=True, roles=[Role.PARENT])
    return _parent(request, parent_id)


@router.post(
    "/parents",
    response=responses({201: ParentOut}, 401, 403, 404, 409),
    operation_id="parents_create",
)
def create_parent(request, body: ParentIn):
    """A parent without a sign-in code or password yet: the office sends those."""
    _parents(request.user)
    parent = school.add_parent(
        organisation=request.user.organisation, **_parent_values(request.user, body)
    )
    return Status(201, _parent(request, parent.pk))


@router.put(
    "/parents/{int:parent_id}",
    response=responses({200: ParentOut}, 401, 403, 404, 409),
    operation_id="parents_update",
)
def update_parent(request, parent_id: int, body: ParentIn):
    """The parent's children are replaced by those sent; refused while a child who goes has
    appointments booked by this parent."""
    parent = get_user_for_user(request.user, parent_id, write=True, roles=[Role.PARENT])
    school.update_parent(parent=parent, **_parent_values(request.user, body))
    return _parent(request, parent_id)


@router.delete(
    "/parents/{int:parent_id}",
    response=responses({204: None}, 401, 403, 404, 409),
    operation_id="parents_delete",
)
def delete_parent(request, parent_id: int):
    parent = get_user_for_user(request.user, parent_id, write=True, roles=[Role.PARENT])
    school.delete_parent(parent=parent)
    return Status(204, None)


class UserOut(Schema):
    id: int
    first_name: str
    last_name: str
    email: str
    role: Role
    language: str
    login_code: str
    is_active: bool


class TeacherIn(Schema):
    first_name: Text = Field(min_length=1, max_length=150)
    last_name: Text = Field(min_length=1, max_length=150)
    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    language: Language = LANGUAGE


class TeacherChange(TeacherIn):
    is_active: bool | None = Field(None, description="left out: unchanged")


class StaffIn(TeacherIn):
    role: Role = Role.TEACHER


class StaffChange(TeacherChange):
    role: Role | None = Field(None, description="left out: unchanged")


class UserFilters(Schema):
    role: Role | None = None
    q: str = Field("", max_length=200, description="words each name, email or code contains")
    sort: PeopleSort = sort_field("name")


def user_body(user: User) -> dict:
    return {name: getattr(user, name) for name in UserOut.model_fields}


def _users(user: User) -> QuerySet[User]:
    require_admin(user)
    return people_visible_to(user)


def _staff(request, user_id: int) -> User:
    return get_user_for_user(request.user, user_id, write=True, roles=STAFF_ROLES)


def _staff_values(user: User, body: TeacherIn) -> dict:
    return {**body.model_dump(), "language": body.language or user.organisation.language}


def _new_staff(request, body: TeacherIn, role: str) -> User:
    require_admin(request.user)
    values = _staff_values(request.user, body) | {"role": role}
    return accounts.create_staff_user(organisation=request.user.organisation, **values)


def _changed_staff(request, user_id: int, body: TeacherChange, role: str | None = None) -> User:
    """`role` None: the account keeps its own."""
    staff = _staff(request, user_id)
    values = body.model_dump() | {
        "role": role or staff.role,
        "language": body.language or staff.language,
        "is_active": staff.is_active if body.is_active is None else body.is_active,
    }
    return accounts.update_staff_user(user=staff, acting_user=request.user, **values)


def _delete_staff(request, user_id: int) -> None:
    accounts.delete_staff_user(user=_staff(request, user_id), acting_user=request.user)


@router.get(
    "/users", response=responses({200: list[UserOut]}, 401, 403), operation_id="users_list"
)
def list_users(request, response: HttpResponse, filters: Query[UserFilters], page: Query[Page]):
    """Everyone of the organisation, for admins: staff and parents, by name."""
    rows = _users(request.user)
    if filters.role:
        rows = rows.filter(role=filters.role)
    words = search_words(filters.q)
    codes = rows.filter(login_code__in=words).values("pk")
    rows = (matching_people(rows, words) | rows.filter(pk__in=codes)).distinct()
    rows = ordered(rows, filters.sort, PEOPLE_ORDER)
    return [user_body(row) for row in page_of(request, response, rows, page)]


@router.get(
    "/users/{int:user_id}",
    response=responses({200: UserOut}, 401, 403, 404),
    operation_id="users_get",
)
def get_user(request, user_id: int):
    return user_body(get_user_for_user(request.user, user_id, write=True))


@router.post(
    "/users",
    response=responses({201: UserOut}, 401, 403, 409),
    operation_id="users_create",
)
def create_user(request, body: StaffIn):
    """A teacher's or admin's account; they get a mail with a link to set their password.
    Parents are added with `POST /parents`."""
    return Status(201, user_body(_new_staff(request, body, body.role)))


@router.put(
    "/users/{int:user_id}",
    response=responses({200: UserOut}, 401, 403, 404, 409),
    operation_id="users_update",
)
def update_user(request, user_id: int, body: StaffChange):
    """A staff account's details, role and whether it is active; the organisation keeps at
    least one active admin, and nobody changes their own role."""
    return user_body(_changed_staff(request, user_id, body, body.role))


@router.delete(
    "/users/{int:user_id}",
    response=responses({204: None}, 401, 403, 404, 409),
    operation_id="users_delete",
)
def delete_user(request, user_id: int):
    """A staff account nobody depends on any more (409 otherwise: deactivate it instead)."""
    _delete_staff(request, user_id)
    return Status(204, None)


def _teacher(request, teacher_id: int) -> dict:
    rows = teachers_visible_to(request.user).prefetch_related("departments")
    return teacher_body(rows.get(pk=teacher_id), request.user)


@router.post(
    "/teachers",
    response=responses({201: TeacherOut}, 401, 403, 409),
    operation_id="teachers_create",
)
def create_teacher(request, body: TeacherIn):
    """A teacher's account, as `POST /users` with the role teacher: a mail with a link to set
    the password goes to them."""
    return Status(201, _teacher(request, _new_staff(request, body, Role.TEACHER).pk))


@router.put(
    "/teachers/{int:teacher_id}",
    response=responses({200: TeacherOut}, 401, 403, 404, 409),
    operation_id="teachers_update",
)
def update_teacher(request, teacher_id: int, body: TeacherChange):
    """A teacher's details and whether the account is active; the role stays."""
    _changed_staff(request, teacher_id, body)
    return _teacher(request, teacher_id)


@router.delete(
    "/teachers/{int:teacher_id}",
    response=responses({204: None}, 401, 403, 404, 409),
    operation_id="teachers_delete",
)
def delete_teacher(request, teacher_id: int):
    """An account nobody depends on any more (409 otherwise: deactivate it instead)."""
    _delete_staff(request, teacher_id)
    return Status(204, None)
