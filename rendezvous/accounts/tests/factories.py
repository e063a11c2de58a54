import factory

from rendezvous.accounts.models import RequestMails, Role, User
from rendezvous.organisations.tests.factories import OrganisationFactory

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.TEACHER
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"user{n}@example.org")
    language = "en"
    # Tests about new-request mails ask for them; the rest count only the parents' mails.
    request_mails = RequestMails.NEVER

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class ParentFactory(UserFactory):
    role = Role.PARENT
    login_code = factory.Sequence(lambda n: f"{10000 + n}")
