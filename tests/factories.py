from __future__ import annotations

from datetime import date, timedelta
from typing import cast

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from factory.django import DjangoModelFactory

from coordination.models import ChairTerm, Organisation, Person
from mapping.models import Profile, Revision, Term

PASSWORD = "a-long-test-password"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["acronym"]

    acronym = factory.Sequence(lambda n: f"ORG{n}")
    name = factory.LazyAttribute(lambda o: f"Organisation {o.acronym}")
    slug = factory.LazyAttribute(lambda o: o.acronym.lower())
    kind = Organisation.Kind.UN_ENTITY
    headquarters_city = "Vienna"
    time_zone = "Europe/Vienna"
    is_working_group_member = True


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    role = Person.Role.FOCAL_POINT
    time_zone = "Europe/Vienna"

    @factory.post_generation
    def password(person: Person, create: bool, extracted: str | None, **kwargs: object) -> None:
        person.set_password(extracted or PASSWORD)
        if create:
            person.save(update_fields=["password"])
            EmailAddress.objects.create(
                user=person, email=person.email, verified=True, primary=True
            )


class SecretariatFactory(PersonFactory):
    role = Person.Role.SECRETARIAT


class PrincipalFactory(PersonFactory):
    role = Person.Role.PRINCIPAL


class ObserverFactory(PersonFactory):
    role = Person.Role.OBSERVER
    organisation: None = None  # type: ignore[assignment]  # observers belong to no organisation


class ChairTermFactory(DjangoModelFactory):
    class Meta:
        model = ChairTerm
        skip_postgeneration_save = True

    starts_on = date(2026, 1, 1)
    ends_on = date(2026, 12, 31)

    @factory.post_generation
    def organisations(
        self, create: bool, extracted: list[Organisation] | None, **kwargs: object
    ) -> None:
        if create and extracted:
            self.organisations.set(extracted)


class WorkPlanFactory(DjangoModelFactory):
    class Meta:
        model = "workplans.WorkPlan"

    title = factory.Sequence(lambda n: f"Work plan {n}")
    first_year = 2024
    last_year = 2027
    status = "adopted"
    adopted_on = date(2024, 1, 15)


class PriorityAreaFactory(DjangoModelFactory):
    class Meta:
        model = "workplans.PriorityArea"

    plan = factory.SubFactory(WorkPlanFactory)
    title = factory.Sequence(lambda n: f"Priority area {n}")
    position = factory.Sequence(lambda n: n)


class WorkItemFactory(DjangoModelFactory):
    class Meta:
        model = "workplans.WorkItem"
        skip_postgeneration_save = True

    priority_area = factory.SubFactory(PriorityAreaFactory)
    title = factory.Sequence(lambda n: f"Work item {n}")
    lead_organisation = factory.SubFactory(OrganisationFactory)
    status = "on_track"
    percent_complete = 20

    @factory.post_generation
    def contributing_organisations(
        item, create: bool, extracted: list[Organisation] | None, **kwargs: object
    ) -> None:
        if create and extracted:
            item.contributing_organisations.set(extracted)


class ProgressUpdateFactory(DjangoModelFactory):
    class Meta:
        model = "workplans.ProgressUpdate"

    item = factory.SubFactory(WorkItemFactory)
    author = factory.SubFactory(PersonFactory)
    organisation = factory.SelfAttribute("item.lead_organisation")
    narrative = "Progress was made."
    status = "on_track"
    percent_complete = 30


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = "meetings.Meeting"

    title = factory.Sequence(lambda n: f"Meeting {n}")
    kind = "working_group"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + timedelta(hours=2))
    time_zone = "Europe/Vienna"
    venue = "Vienna International Centre"
    status = "scheduled"


class MeetingInvitationFactory(DjangoModelFactory):
    class Meta:
        model = "meetings.Invitation"

    meeting = factory.SubFactory(MeetingFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class PledgeFactory(DjangoModelFactory):
    """A pledge of the term's first chair (pass `organisation` for another)."""

    class Meta:
        model = "workplans.Pledge"
        skip_postgeneration_save = True

    term = factory.SubFactory(ChairTermFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Pledge {n}")
    text = "We pledge to advance this area."
    target = "By the end of the term"

    @factory.post_generation
    def priority_areas(pledge, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            pledge.priority_areas.set(extracted)

    @factory.post_generation
    def work_items(pledge, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            pledge.work_items.set(extracted)


class PledgeUpdateFactory(DjangoModelFactory):
    class Meta:
        model = "workplans.PledgeUpdate"

    pledge = factory.SubFactory(PledgeFactory)
    author = factory.SubFactory(PersonFactory)
    narrative = "Some progress on the pledge."
    status = "on_track"
    percent_complete = 40


class PledgeReportFactory(DjangoModelFactory):
    class Meta:
        model = "workplans.PledgeReport"

    term = factory.SubFactory(ChairTermFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    text = "What we pledged and what was done."


class StatementFactory(DjangoModelFactory):
    """A statement in drafting, with no text (pass `lead_organisations` and `drafters` lists)."""

    class Meta:
        model = "statements.Statement"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Joint statement {n}")
    kind = "joint_statement"

    @factory.post_generation
    def lead_organisations(
        statement, create: bool, extracted: list[Organisation] | None, **kwargs: object
    ) -> None:
        if create and extracted:
            statement.lead_organisations.set(extracted)

    @factory.post_generation
    def drafters(statement, create: bool, extracted: list[Person] | None, **kwargs: object) -> None:
        if create and extracted:
            statement.drafters.set(extracted)


class StatementVersionFactory(DjangoModelFactory):
    class Meta:
        model = "statements.Version"

    statement = factory.SubFactory(StatementFactory)
    number = factory.Sequence(lambda n: n + 1)


class ParagraphFactory(DjangoModelFactory):
    class Meta:
        model = "statements.Paragraph"

    version = factory.SubFactory(StatementVersionFactory)
    key = factory.Sequence(lambda n: f"{n:012x}")
    position = factory.Sequence(lambda n: n + 1)
    kind = "paragraph"
    text = factory.Sequence(lambda n: f"Paragraph {n} of the statement.")


class ActingPrincipalFactory(DjangoModelFactory):
    """An acting principal for a week from 1 June 2026 (pass organisation, person, principal)."""

    class Meta:
        model = "statements.ActingPrincipal"

    organisation = factory.SubFactory(OrganisationFactory)
    person = factory.SubFactory(PersonFactory, organisation=factory.SelfAttribute("..organisation"))
    starts_on = date(2026, 6, 1)
    ends_on = date(2026, 6, 7)


# --- The mapping resource ------------------------------------------------------------------------


class TermFactory(DjangoModelFactory):
    class Meta:
        model = "mapping.Term"
        django_get_or_create = ["taxonomy", "code"]

    taxonomy = "form"
    code = factory.Sequence(lambda n: f"term-{n}")
    label_en = factory.LazyAttribute(lambda t: t.code.replace("-", " ").capitalize())


def term(**fields: object) -> Term:
    """A term (TermFactory, typed)."""
    return cast(Term, TermFactory(**fields))


class ProfileFactory(DjangoModelFactory):
    class Meta:
        model = "mapping.Profile"
        django_get_or_create = ["organisation"]

    organisation = factory.SubFactory(OrganisationFactory)


class RevisionFactory(DjangoModelFactory):
    """A draft revision (pass state="published" and set profile.published for a published one)."""

    class Meta:
        model = "mapping.Revision"

    profile = factory.SubFactory(ProfileFactory)
    number = factory.Sequence(lambda n: n + 1)
    mandate = "To prevent and combat trafficking in persons."
    expertise = "Research, capacity building."


def published_profile(organisation: Organisation, **fields: object) -> Revision:
    """A profile of `organisation` with a published revision carrying `fields`."""
    profile = cast(Profile, ProfileFactory(organisation=organisation))
    revision = cast(
        Revision, RevisionFactory(profile=profile, state=Revision.State.PUBLISHED, **fields)
    )
    profile.published = revision
    profile.published_at = timezone.now()
    profile.save()
    return revision
