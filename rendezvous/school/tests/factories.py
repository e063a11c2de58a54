import factory

from rendezvous.organisations.tests.factories import OrganisationFactory
from rendezvous.school.models import Department, Guardianship, Pupil, SchoolClass


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Department {n}")


class SchoolClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolClass

    organisation = factory.SubFactory(OrganisationFactory)
    department = factory.SubFactory(
        DepartmentFactory, organisation=factory.SelfAttribute("..organisation")
    )
    name = factory.Sequence(lambda n: f"{5 + n % 8}{'abcd'[n % 4]}-{n}")


class PupilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pupil

    organisation = factory.SubFactory(OrganisationFactory)
    school_class = factory.SubFactory(
        SchoolClassFactory, organisation=factory.SelfAttribute("..organisation")
    )
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")


class GuardianshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardianship
