"""Account workflows: parent credentials (A2) and staff management (A4).

Each runs in one transaction and queues its emails inside it.
"""

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rendezvous.accounts import errors
from rendezvous.accounts.models import STAFF_ROLES, Role, User
from rendezvous.bookings.errors import HasAppointments
from rendezvous.bookings.models import ACTIVE_STATUSES
from rendezvous.lib.errors import DomainError, NotAllowed
from rendezvous.notifications.services import queue_email
from rendezvous.organisations.models import Organisation
from rendezvous.scheduling.models import Event
from rendezvous.school.models import Pupil

# No 0/O, 1/l/I: a parent copies the password from paper.
PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105
PASSWORD_LENGTH = 12  # 55**12 is about 2**69: the code is a name, the password the secret
PASSWORD_GROUP = 4
PASSWORD_SEPARATOR = "-"  # noqa: S105
LOGIN_CODE_MIN, LOGIN_CODE_MAX = 10000, 99999
LOGIN_CODE_ATTEMPTS = 200
REQUESTED_BATCH = 20  # bcrypt takes ~0.2 s a parent: a worker round stays short
TEACHER_HAS_APPOINTMENTS = _(
    "This teacher still has appointments. Deactivate the account instead, "
    "or cancel the appointments first."
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ParentLetter:
    """What a letter shows. The plaintext password lives only in this object."""

    parent: User
    login_code: str
    password: str
    children: list[Pupil]
    login_url: str


@dataclass
class CredentialsResult:
    emailed: list[User] = field(default_factory=list)
    letters: list[ParentLetter] = field(default_factory=list)
    requested: list[User] = field(default_factory=list)  # for the worker to email


def generate_password() -> str:
    """12 unambiguous characters, shown in groups of four ("Abc4-xyz9-Kmn7")."""
    raw = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
    groups = [raw[i : i + PASSWORD_GROUP] for i in range(0, PASSWORD_LENGTH, PASSWORD_GROUP)]
    return PASSWORD_SEPARATOR.join(groups)


def normalise_generated_password(password: str) -> str:
    """The groups are for reading: the password works with or without the dashes."""
    return "".join(password.split()).replace(PASSWORD_SEPARATOR, "")


def login_url() -> str:
    return f"{settings.SITE_URL}{reverse('account_login')}"


def _assign_login_code(parent: User) -> None:
    """A random unused code of the organisation; the unique constraint settles races."""
    taken = User.objects.filter(organisation_id=parent.organisation_id)
    for _attempt in range(LOGIN_CODE_ATTEMPTS):
        code = str(LOGIN_CODE_MIN + secrets.randbelow(LOGIN_CODE_MAX - LOGIN_CODE_MIN + 1))
        if taken.filter(login_code=code).exists():
            continue
        parent.login_code = code
        try:
            with transaction.atomic():
                parent.save(update_fields=["login_code"])
        except IntegrityError:
            continue
        return
    parent.login_code = ""
    raise errors.LoginCodesExhausted()


def parent_expiry(parent: User) -> datetime | None:
    """End of the last retention day of the latest event of the parent's children's classes."""
    events = Event.objects.filter(classes__pupils__guardianships__parent=parent).distinct()
    last_days = [event.ends_on + timedelta(days=event.retention_days) for event in events]
    if not last_days:
        return None
    tz = parent.organisation.tz
    return datetime.combine(max(last_days) + timedelta(days=1), time.min, tzinfo=tz)


def _issue_credentials(parent: User, now: datetime) -> str:
    if not parent.login_code:
        _assign_login_code(parent)
    password = generate_password()
    parent.set_password(normalise_generated_password(password))
    parent.credentials_sent_at = now
    parent.credentials_requested_at = None  # sent now: the worker has nothing left to do
    parent.expires_at = parent_expiry(parent) or parent.expires_at
    parent.save(
        update_fields=["password", "credentials_sent_at", "credentials_requested_at", "expires_at"]
    )
    return password


def _check_parent(parent: User, sent_by: User | None) -> None:
    if parent.role != Role.PARENT:
        raise errors.NotAParent()
    if sent_by is not None and sent_by.organisation_id != parent.organisation_id:
        raise NotAllowed()


@transaction.atomic
def send_parent_credentials(
    *, parents: Iterable[User], sent_by: User | None = None
) -> CredentialsResult:
    """Give each parent a login code (kept) and a new password (the old one stops working).

    Parents with an email address get it by email in their language; for the others the
    result carries letters to print. Only the password's hash is stored.
    """
    result = CredentialsResult()
    now = timezone.now()
    for parent in parents:
        _check_parent(parent, sent_by)
        password = _issue_credentials(parent, now)
        children = list(
            Pupil.objects.filter(guardianships__parent=parent)
            .select_related("school_class")
            .order_by("first_name")
        )
        letter = ParentLetter(
            parent=parent,
            login_code=parent.login_code,
            password=password,
            children=children,
            login_url=login_url(),
        )
        if parent.email:
            _queue_credentials_email(letter)
            result.emailed.append(parent)
        else:
            result.letters.append(letter)
    return result


@transaction.atomic
def request_parent_credentials(
    *, parents: Iterable[User], sent_by: User | None = None
) -> CredentialsResult:
    """The office's button. Hashing a password takes bcrypt's time, too long for a web request
    that covers a whole event: parents with an email address are only marked here, and the
    worker emails them (send_requested_credentials). Parents without one get their letters in
    this result, since their passwords exist nowhere else."""
    parents = list(parents)
    for parent in parents:
        _check_parent(parent, sent_by)
    result = send_parent_credentials(
        parents=[parent for parent in parents if not parent.email], sent_by=sent_by
    )
    result.requested = [parent for parent in parents if parent.email]
    for parent in result.requested:
        if not parent.login_code:
            _assign_login_code(parent)
    User.objects.filter(pk__in=[parent.pk for parent in result.requested]).update(
        credentials_requested_at=timezone.now()
    )
    return result


def send_requested_credentials(*, limit: int = REQUESTED_BATCH) -> int:
    """The worker's job: email the parents the office marked, oldest request first.

    One transaction per parent, claimed with a conditional UPDATE of the mark that was read,
    so of several workers only one sends; a parent marked twice is sent once. Returns how many
    parents were sent their credentials.
    """
    requested = (
        User.objects.filter(role=Role.PARENT, credentials_requested_at__isnull=False)
        .order_by("credentials_requested_at", "pk")
        .values_list("pk", "credentials_requested_at")[:limit]
    )
    return sum(_send_requested(pk, requested_at) for pk, requested_at in list(requested))


@transaction.atomic
def _send_requested(pk: int, requested_at: datetime) -> int:
    claimed = User.objects.filter(pk=pk, credentials_requested_at=requested_at).update(
        credentials_requested_at=None
    )
    if not claimed:
        return 0  # another worker has it, or the office asked again (a later round sends it)
    parent = User.objects.select_related("organisation").get(pk=pk)
    if not parent.email:
        return 0  # the address was removed meanwhile: the office prints a letter instead
    try:
        send_parent_credentials(parents=[parent])
    except DomainError as error:  # a mark that can never succeed must not come back each round
        log.warning("credentials for parent %s not sent: %s", pk, error.message)
        return 0
    return 1


def _queue_credentials_email(letter: ParentLetter) -> None:
    parent = letter.parent
    queue_email(
        template="parent_credentials",
        to=parent.email,
        context={
            "recipient": parent,
            "organisation": parent.organisation,
            "login_code": letter.login_code,
            "password": letter.password,
            "children": letter.children,
            "login_url": letter.login_url,
        },
        language=parent.language,
        organisation=parent.organisation,
    )


def _check_staff_role(role: str) -> None:
    if role not in STAFF_ROLES:
        raise errors.NotStaffRole()


def _check_email_free(email: str, *, exclude: User | None = None) -> None:
    others = User.objects.exclude(role=Role.PARENT).filter(email__iexact=email)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        raise errors.EmailTaken()


def _check_not_last_admin(user: User) -> None:
    """Refuse to take away the organisation's last active admin (rows locked on PostgreSQL)."""
    if user.role != Role.ADMIN or not user.is_active:
        return
    admins = User.objects.select_for_update().filter(
        organisation_id=user.organisation_id, role=Role.ADMIN, is_active=True
    )
    if not [pk for pk in admins.values_list("pk", flat=True) if pk != user.pk]:
        raise errors.LastAdmin()


def _check_not_self(user: User, acting_user: User | None) -> None:
    if acting_user is not None and acting_user.pk == user.pk:
        raise errors.SelfChangeRefused()


def _check_staff(user: User, acting_user: User | None) -> None:
    if user.role not in STAFF_ROLES:
        raise errors.NotStaffRole()
    if acting_user is not None and acting_user.organisation_id != user.organisation_id:
        raise NotAllowed()


def password_set_url(user: User) -> str:
    """A link to allauth's reset-from-key page, valid until the password changes."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"


def send_staff_welcome(*, user: User) -> None:
    """Mail a new (or locked-out) staff member a link to choose their password."""
    queue_email(
        template="staff_welcome",
        to=user.email,
        context={
            "recipient": user,
            "organisation": user.organisation,
            "password_url": password_set_url(user),
            "login_url": login_url(),
        },
        language=user.language,
        organisation=user.organisation,
    )


@transaction.atomic
def create_staff_user(
    *,
    organisation: Organisation,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    language: str,
    send_welcome: bool = True,
) -> User:
    _check_staff_role(role)
    _check_email_free(email)
    user = User(
        organisation=organisation,
        email=User.objects.normalize_email(email),
        first_name=first_name,
        last_name=last_name,
        role=role,
        language=language,
    )
    user.set_unusable_password()
    user.save()
    if send_welcome:
        send_staff_welcome(user=user)
    return user


@transaction.atomic
def update_staff_user(
    *,
    user: User,
    acting_user: User | None = None,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    language: str,
    is_active: bool,
) -> User:
    _check_staff(user, acting_user)
    _check_staff_role(role)
    if role != Role.ADMIN or not is_active:
        if role != user.role or is_active != user.is_active:
            _check_not_self(user, acting_user)
        _check_not_last_admin(user)
    _check_email_free(email, exclude=user)
    user.email = User.objects.normalize_email(email)
    user.first_name, user.last_name = first_name, last_name
    user.role, user.language, user.is_active = role, language, is_active
    user.save(update_fields=["email", "first_name", "last_name", "role", "language", "is_active"])
    return user


@transaction.atomic
def deactivate_staff_user(*, user: User, acting_user: User | None = None) -> User:
    _check_staff(user, acting_user)
    _check_not_self(user, acting_user)
    _check_not_last_admin(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def delete_staff_user(*, user: User, acting_user: User | None = None) -> None:
    """Delete a staff account. Appointments would vanish with it, so those refuse."""
    _check_staff(user, acting_user)
    _check_not_self(user, acting_user)
    _check_not_last_admin(user)
    count = user.hosted_bookings.filter(status__in=ACTIVE_STATUSES).count()
    if count:
        raise HasAppointments(TEACHER_HAS_APPOINTMENTS, count=count)
    user.delete()
