from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rendezvous.accounts.hashers import parent_hasher


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    TEACHER = "teacher", _("Teacher")
    PARENT = "parent", _("Parent")
    STUDENT = "student", _("Student")


STAFF_ROLES = (Role.ADMIN, Role.TEACHER)


class RequestMails(models.TextChoices):
    """When a teacher hears of new appointment requests by mail."""

    IMMEDIATELY = "immediately", _("Immediately, one email per request")
    DAILY = "daily", _("Once a day, in a summary")
    NEVER = "never", _("Never")


def normalise_parent_password(password: str) -> str:
    """A parent's password ignores spaces and dashes: the generated one is printed in groups
    ("Abc4-xyz9-Kmn7") and works typed with or without them. One spelling means one hash check
    per sign-in, whatever the parent types."""
    return "".join(password.split()).replace("-", "")


def hash_parent_password(password: str) -> str:
    """The stored form of a parent's password (rendezvous.accounts.hashers)."""
    return make_password(normalise_parent_password(password), hasher=parent_hasher())


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str = "", password: str | None = None, **fields):
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.setdefault("role", Role.ADMIN)
        return self.create_user(email, password, is_staff=True, is_superuser=True, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="users",
        null=True,
        blank=True,
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.STUDENT)
    email = models.EmailField(_("email address"), blank=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="de"
    )
    login_code = models.CharField(_("login code"), max_length=5, blank=True)
    credentials_sent_at = models.DateTimeField(_("credentials sent"), null=True, blank=True)
    # Set by the office's button; cleared by the worker's send_requested_credentials.
    credentials_requested_at = models.DateTimeField(
        _("credentials requested"), null=True, blank=True
    )
    expires_at = models.DateTimeField(_("account expires"), null=True, blank=True)
    request_mails = models.CharField(
        _("emails about new requests"),
        max_length=16,
        choices=RequestMails.choices,
        default=RequestMails.IMMEDIATELY,
    )
    # When the worker last sent (or claimed) this teacher's daily summary: the next one lists the
    # requests made since, and the conditional UPDATE on it lets only one worker send it.
    digest_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the Django admin"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(role="parent") & ~Q(email=""),
                name="unique_email_for_non_parents",
            ),
            # Across organisations: a code and a password open exactly one account.
            models.UniqueConstraint(
                fields=["login_code"], condition=~Q(login_code=""), name="unique_login_code"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or self.login_code

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def set_password(self, raw_password: str | None) -> None:
        if raw_password is None or self.role != Role.PARENT:
            return super().set_password(raw_password)
        self.password = hash_parent_password(raw_password)
        self._password = raw_password

    def check_password(self, raw_password: str) -> bool:
        if raw_password is None or self.role != Role.PARENT:
            return super().check_password(raw_password)

        def rehash(raw_password: str) -> None:
            self.set_password(raw_password)
            self._password = None
            self.save(update_fields=["password"])

        raw_password = normalise_parent_password(raw_password)
        return check_password(raw_password, self.password, rehash, preferred=parent_hasher())

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.first_name

    @property
    def is_expired(self) -> bool:
        """Past its expiry (a parent after the retention window): signed out, no way in."""
        return bool(self.expires_at and self.expires_at <= timezone.now())

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_teacher(self) -> bool:
        return self.role == Role.TEACHER

    @property
    def is_parent(self) -> bool:
        return self.role == Role.PARENT


class TokenScope(models.TextChoices):
    READ = "read", _("Read only")
    WRITE = "write", _("Read and write")


class AccessToken(models.Model):
    """A personal access token for scripts, sent as `Authorization: Bearer …`. Only a digest
    of it is kept: the token itself is shown once, when it is made."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, editable=False)  # names it in lists, not secret
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(
        _("access"), max_length=8, choices=TokenScope.choices, default=TokenScope.READ
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Session(AbstractBaseSession):
    """Django's database session, with the signed-in person's id in a column of its own: one
    query then reads the session and the person (rendezvous.accounts.sessions).

    No constraint ties it to the person's row: a session outlives a deleted account, as Django's
    does, and signs nobody in."""

    user = models.ForeignKey(
        User,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )

    @classmethod
    def get_session_store_class(cls):
        from rendezvous.accounts.sessions import SessionStore

        return SessionStore
