"""Parents' sign-in credentials: a login code and a temporary password, by email or by letter.

Hashing a password takes bcrypt's time (about 0.05 s at a parent's work factor,
rendezvous.accounts.hashers). On SQLite a write transaction holds the whole database's write
lock, so passwords are hashed before their transaction opens, and each transaction covers one
small batch of parents: sign-ins and bookings never wait behind a long run of "send
credentials".
"""

import logging
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from rendezvous.accounts.models import Role, User, hash_parent_password
from rendezvous.lib.errors import DomainError, NotAllowed
from rendezvous.notifications.services import queue_email
from rendezvous.school import errors
from rendezvous.school.models import Pupil

# No 0/O, 1/l/I: a parent copies the password from paper.
PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105
PASSWORD_LENGTH = 12  # 55**12 is about 2**69: the code is a name, the password the secret
PASSWORD_GROUP = 4
LOGIN_CODE_MIN, LOGIN_CODE_MAX = 10000, 99999
LOGIN_CODE_ATTEMPTS = 200
BATCH = 20  # parents per transaction: about 1 s of hashing before it, a few ms inside it

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
    return "-".join(groups)


def login_url() -> str:
    return f"{settings.SITE_URL}{reverse('account_login')}"


def _assign_login_code(parent: User) -> None:
    """A random code no other parent of the installation holds; the unique constraint settles
    races. Codes are unique across organisations so that a code and a password can only ever
    open one account."""
    for _attempt in range(LOGIN_CODE_ATTEMPTS):
        code = str(LOGIN_CODE_MIN + secrets.randbelow(LOGIN_CODE_MAX - LOGIN_CODE_MIN + 1))
        if User.objects.filter(login_code=code).exists():
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
    """End of the last retention day of the latest parents' evening of the parent's children's
    classes (the events are read through the classes, which the evenings name)."""
    rows = (
        Pupil.objects.filter(guardianships__parent=parent, school_class__events__isnull=False)
        .values_list("school_class__events__ends_on", "school_class__events__retention_days")
        .distinct()
    )
    last_days = [ends_on + timedelta(days=retention) for ends_on, retention in rows]
    if not last_days:
        return None
    tz = parent.organisation.tz
    return datetime.combine(max(last_days) + timedelta(days=1), time.min, tzinfo=tz)


def check_parent(parent: User, sent_by: User | None) -> None:
    if parent.role != Role.PARENT:
        raise errors.NotAParent()
    if sent_by is not None and sent_by.organisation_id != parent.organisation_id:
        raise NotAllowed()


def _batches(parents: list[User]) -> Iterator[list[User]]:
    for start in range(0, len(parents), BATCH):
        yield parents[start : start + BATCH]


def _hashed(parents: list[User]) -> list[tuple[User, str, str]]:
    """(parent, password, hash) for each parent; call outside any transaction."""
    passwords = [generate_password() for _parent in parents]
    return [
        (parent, password, hash_parent_password(password))
        for parent, password in zip(parents, passwords, strict=True)
    ]


def _letter(parent: User, password: str) -> ParentLetter:
    children = list(
        Pupil.objects.filter(guardianships__parent=parent)
        .select_related("school_class")
        .order_by("first_name")
    )
    return ParentLetter(
        parent=parent,
        login_code=parent.login_code,
        password=password,
        children=children,
        login_url=login_url(),
    )


def _store(parent: User, password_hash: str, now: datetime) -> None:
    if not parent.login_code:
        _assign_login_code(parent)
    parent.password = password_hash
    parent.credentials_sent_at = now
    parent.credentials_requested_at = None  # sent now: the worker has nothing left to do
    parent.expires_at = parent_expiry(parent) or parent.expires_at
    parent.save(
        update_fields=["password", "credentials_sent_at", "credentials_requested_at", "expires_at"]
    )


def _issue_batch(batch: list[tuple[User, str, str]], result: CredentialsResult) -> None:
    now = timezone.now()
    with transaction.atomic():
        for parent, password, password_hash in batch:
            _store(parent, password_hash, now)
            letter = _letter(parent, password)
            if parent.email:
                _queue_credentials_email(letter)
                result.emailed.append(parent)
            else:
                result.letters.append(letter)


def send_parent_credentials(
    *, parents: Iterable[User], sent_by: User | None = None
) -> CredentialsResult:
    """Give each parent a login code (kept) and a new password (the old one stops working).

    Parents with an email address get it by email in their language; for the others the
    result carries letters to print. Only the password's hash is stored. Each batch of parents
    is one transaction, so a batch that fails leaves the earlier ones issued.
    """
    parents = list(parents)
    for parent in parents:
        check_parent(parent, sent_by)
    result = CredentialsResult()
    for batch in _batches(parents):
        _issue_batch(_hashed(batch), result)
    return result


def request_parent_credentials(
    *, parents: Iterable[User], sent_by: User | None = None
) -> CredentialsResult:
    """The office's button. Parents with an email address are only marked here and the worker
    emails them (send_requested_credentials): hashing a whole event's passwords would outlast a
    web request. Parents without one get their letters in this result, since their passwords
    exist nowhere else."""
    parents = list(parents)
    for parent in parents:
        check_parent(parent, sent_by)
    result = send_parent_credentials(parents=[parent for parent in parents if not parent.email])
    result.requested = [parent for parent in parents if parent.email]
    with transaction.atomic():
        for parent in result.requested:
            if not parent.login_code:
                _assign_login_code(parent)
        User.objects.filter(pk__in=[parent.pk for parent in result.requested]).update(
            credentials_requested_at=timezone.now()
        )
    return result


def send_requested_credentials(*, limit: int = BATCH) -> int:
    """The worker's job: email the parents the office marked, oldest request first.

    Passwords are hashed first; then each parent is one short transaction that claims the mark
    it read with a conditional UPDATE, so of several workers only one sends, and a parent
    marked twice is sent once. Returns how many parents were sent their credentials.
    """
    marked = list(
        User.objects.filter(role=Role.PARENT, credentials_requested_at__isnull=False)
        .select_related("organisation")
        .order_by("credentials_requested_at", "pk")[:limit]
    )
    return sum(_send_requested(*issued) for issued in _hashed(marked))


def _send_requested(parent: User, password: str, password_hash: str) -> int:
    with transaction.atomic():
        claimed = User.objects.filter(
            pk=parent.pk, credentials_requested_at=parent.credentials_requested_at
        ).update(credentials_requested_at=None)
        if not claimed:
            return 0  # another worker has it, or the office asked again (a later round sends it)
        parent.refresh_from_db(fields=["email", "login_code", "is_active"])
        if not parent.email:
            return 0  # the address was removed meanwhile: the office prints a letter instead
        try:
            with transaction.atomic():
                _store(parent, password_hash, timezone.now())
                _queue_credentials_email(_letter(parent, password))
        except DomainError as error:  # a mark that can never succeed must not come back
            log.warning("credentials for parent %s not sent: %s", parent.pk, error.message)
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
