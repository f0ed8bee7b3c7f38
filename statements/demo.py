"""The demonstration statements: the joint products the public texts in shared/seeds name, with
versions, comments, change proposals and endorsement rounds, in four stages.

- The joint statement the principals adopted at their third meeting, 15 November 2021, for the
  General Assembly's high-level meeting on the appraisal of the Global Plan of Action: adopted
  in an explicit round, published, with its French language version.
- The Joint Call to Action on trafficking in humanitarian crises and conflicts, endorsed by the
  principals in December 2022: adopted, one organisation endorsing with a reservation. Left
  unpublished, so that publishing can be tried.
- The call to action for the next World Day against Trafficking in Persons (30 July), open for
  comments: UNODC has not commented yet (focal.unodc@demo.example can).
- An issue brief on lasting crises in an endorsement round under the silence procedure closing
  in a few days: some answers, one reservation, no objection; UNICEF has not answered
  (principal.unicef@demo.example can).

The past (statements adopted years ago, their rounds closed) is written straight to the models:
the services refuse a deadline in the past, and rightly. What is happening now goes through the
services (statements.services, statements.rounds), so that it obeys the rules a person would;
their timestamps are then moved back over the past days, so that the consultation reads as one
that has been going on. A statement is written whole or not at all, keyed on its title: loading
again writes nothing.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from common.dates import group_time_zone, group_today
from coordination.demo import demo_email
from coordination.models import Organisation, Person
from notifications import contract
from statements import rounds, services
from statements.models import (
    Comment,
    Endorsement,
    EndorsementRound,
    LanguageVersion,
    NoComments,
    Paragraph,
    Statement,
    TranslatedParagraph,
    Version,
    new_paragraph_key,
)

H, P, L = Paragraph.Kind.HEADING, Paragraph.Kind.PARAGRAPH, Paragraph.Kind.LIST_ITEM
Status = Comment.Status
Answer = Endorsement.Answer
VIENNA = zoneinfo.ZoneInfo("Europe/Vienna")


@dataclass(frozen=True)
class Para:
    """A paragraph of a demonstration text. `label` names it across versions (it gets one key
    for all of them), so that an edit keeps the paragraph and its comments."""

    label: str
    kind: str
    text: str


def edited(
    base: Sequence[Para],
    *,
    replace: dict[str, str] | None = None,
    after: dict[str, list[Para]] | None = None,
) -> list[Para]:
    """`base` with some paragraphs' text replaced and new ones put after a given paragraph."""
    replace, after = replace or {}, after or {}
    result: list[Para] = []
    for para in base:
        result.append(Para(para.label, para.kind, replace.get(para.label, para.text)))
        result.extend(after.get(para.label, []))
    return result


# --- The joint statement of 15 November 2021 ---------------------------------------------------

GA_2021_TITLE = (
    "Joint statement of the ICAT principals for the high-level meeting of the General Assembly "
    "on the appraisal of the Global Plan of Action to Combat Trafficking in Persons"
)
GA_2021_V1 = [
    Para(
        "title",
        H,
        "Joint statement of the principals of the Inter-Agency Coordination Group against "
        "Trafficking in Persons",
    ),
    Para(
        "welcome",
        P,
        "We, the principals of the member organisations of the Inter-Agency Coordination Group "
        "against Trafficking in Persons (ICAT), meeting on 15 November 2021, welcome the "
        "high-level meeting of the General Assembly on the appraisal of the United Nations "
        "Global Plan of Action to Combat Trafficking in Persons, and reaffirm our commitment to "
        "support Member States in its full implementation.",
    ),
    Para(
        "context",
        P,
        "Since the Political Declaration of 2017, States have strengthened their laws and their "
        "cooperation against trafficking in persons. Yet the COVID-19 pandemic, conflicts and "
        "the climate crisis have deepened the inequalities and vulnerabilities that traffickers "
        "exploit, and have pushed much of their activity online.",
    ),
    Para("call", H, "We call on Member States to:"),
    Para(
        "victims",
        L,
        "place the rights of victims at the centre of every response to trafficking in persons;",
    ),
    Para(
        "non_punishment",
        L,
        "ensure that victims of trafficking are not held liable for offences committed in the "
        "course of their trafficking;",
    ),
    Para(
        "root_causes",
        L,
        "address the root causes of trafficking, including poverty, conflict and the lack of "
        "safe and regular migration pathways;",
    ),
    Para(
        "data",
        L,
        "improve the collection and analysis of data on trafficking in persons to inform "
        "evidence-based policy;",
    ),
    Para(
        "cooperation",
        L,
        "strengthen international cooperation, and make full use of the tools and policy "
        "guidance developed jointly by ICAT members.",
    ),
    Para(
        "commitment",
        P,
        "For our part, we commit to speak with one voice, to coordinate the support our "
        "organisations give to States, and to report on the implementation of the group's Plan "
        "of Action.",
    ),
]
GA_2021_NON_PUNISHMENT = (
    "ensure that victims of trafficking are not punished for unlawful acts they were compelled "
    "to commit as a direct consequence of having been trafficked;"
)
GA_2021_V2 = edited(GA_2021_V1, replace={"non_punishment": GA_2021_NON_PUNISHMENT})
GA_2021_V3 = edited(
    GA_2021_V2,
    replace={
        "context": GA_2021_V1[2].text + " Women and girls, children, migrants, refugees and "
        "internally displaced persons remain among those most at risk.",
        "victims": "place the rights of victims and survivors at the centre of every response, "
        "and include survivors' voices in the design, implementation and evaluation of "
        "anti-trafficking policies;",
        "root_causes": "address the root causes of trafficking, including poverty, inequality, "
        "discrimination against women and girls, conflict and the lack of safe and regular "
        "migration pathways, with a gender- and age-sensitive approach;",
        "data": "improve the collection and analysis of data on trafficking in persons, "
        "disaggregated by sex, age and form of exploitation, to inform evidence-based policy;",
    },
)
GA_2021_FRENCH_TITLE = (
    "Déclaration commune des chefs des organisations membres de l'ICAT pour la réunion de haut "
    "niveau de l'Assemblée générale consacrée à l'évaluation du Plan d'action mondial pour la "
    "lutte contre la traite des personnes"
)
GA_2021_FRENCH = {
    "title": "Déclaration commune des chefs des organisations membres du Groupe interinstitutions "
    "de coordination contre la traite des personnes",
    "welcome": "Nous, chefs des organisations membres du Groupe interinstitutions de coordination "
    "contre la traite des personnes (ICAT), réunis le 15 novembre 2021, saluons la tenue de la "
    "réunion de haut niveau de l'Assemblée générale consacrée à l'évaluation du Plan d'action "
    "mondial des Nations Unies pour la lutte contre la traite des personnes, et réaffirmons notre "
    "engagement à aider les États Membres à le mettre pleinement en œuvre.",
    "context": "Depuis la Déclaration politique de 2017, les États ont renforcé leur législation "
    "et leur coopération contre la traite des personnes. Pourtant, la pandémie de COVID-19, les "
    "conflits et la crise climatique ont aggravé les inégalités et les vulnérabilités "
    "qu'exploitent les trafiquants, et déplacé une grande partie de leurs activités en ligne. "
    "Les femmes et les filles, les enfants, les migrants, les réfugiés et les personnes "
    "déplacées à l'intérieur de leur propre pays restent parmi les plus exposés.",
    "call": "Nous appelons les États Membres à :",
    "victims": "placer les droits des victimes et des survivants au centre de toute réponse, et "
    "associer les survivants à la conception, à la mise en œuvre et à l'évaluation des "
    "politiques de lutte contre la traite ;",
    "non_punishment": "veiller à ce que les victimes de la traite ne soient pas sanctionnées "
    "pour les actes illicites qu'elles ont été contraintes de commettre en conséquence directe "
    "de la traite dont elles ont fait l'objet ;",
    "root_causes": "s'attaquer aux causes profondes de la traite, notamment la pauvreté, les "
    "inégalités, la discrimination à l'égard des femmes et des filles, les conflits et l'absence "
    "de voies de migration sûres et régulières, selon une approche tenant compte du genre et de "
    "l'âge ;",
    "data": "améliorer la collecte et l'analyse des données sur la traite des personnes, "
    "ventilées par sexe, par âge et par forme d'exploitation, afin d'éclairer des politiques "
    "fondées sur des données probantes ;",
    "cooperation": "renforcer la coopération internationale et tirer pleinement parti des outils "
    "et des orientations élaborés conjointement par les membres de l'ICAT.",
    "commitment": "Pour notre part, nous nous engageons à parler d'une seule voix, à coordonner "
    "l'appui que nos organisations apportent aux États et à rendre compte de la mise en œuvre du "
    "Plan d'action du Groupe.",
}
# The seeds give the group's website (launched in July 2016), not the statement's own address.
GROUP_WEBSITE = "https://icat.network/"

# --- The Joint Call to Action of December 2022 -------------------------------------------------

CRISES_2022_TITLE = (
    "Joint Call to Action: stronger action and cooperation to counter trafficking in persons "
    "in humanitarian crises and conflicts"
)
CRISES_2022_V1 = [
    Para(
        "title",
        H,
        "Joint Call to Action of the Inter-Agency Coordination Group against Trafficking in "
        "Persons",
    ),
    Para(
        "crises",
        P,
        "The escalation of the conflict in Ukraine, and the protracted crises and conflicts "
        "elsewhere in the world, have forced millions of people to flee their homes. "
        "Displacement, family separation, the loss of livelihoods and the breakdown of "
        "protection systems heighten their vulnerability to trafficking in persons.",
    ),
    Para(
        "group",
        P,
        "Through its ad hoc Policy Support Group, all 31 ICAT entities have shared and "
        "coordinated their policy work in response to humanitarian crises and conflicts. "
        "Building on that work, we, the principals of ICAT, call for stronger action and "
        "cooperation to counter trafficking in persons in these contexts.",
    ),
    Para("call", H, "We call on States, humanitarian actors and all partners to:"),
    Para(
        "preparedness",
        L,
        "integrate the prevention of trafficking in persons into humanitarian preparedness, "
        "response and recovery from the outset of every crisis;",
    ),
    Para(
        "pathways",
        L,
        "ensure safe and regular pathways for those fleeing, so that no one is left to the "
        "mercy of traffickers;",
    ),
    Para(
        "identification",
        L,
        "identify victims early, refer them to assistance and protection, and respect the "
        "principle of non-punishment;",
    ),
    Para("children", L, "protect children through child-sensitive procedures;"),
    Para(
        "survivors",
        L,
        "include the voices of survivors and of affected communities in designing the response.",
    ),
    Para(
        "support",
        P,
        "ICAT members stand ready to support States with their combined expertise, and to "
        "coordinate their efforts at the global, regional and field levels.",
    ),
]
CRISES_2022_CHILDREN = (
    "protect children, including unaccompanied and separated children, through registration, "
    "family tracing and child-sensitive procedures;"
)
CRISES_2022_V2 = edited(CRISES_2022_V1, replace={"children": CRISES_2022_CHILDREN})
CRISES_2022_V3 = edited(
    CRISES_2022_V2,
    replace={
        "crises": CRISES_2022_V1[1].text.replace(
            "protection systems heighten their vulnerability to trafficking in persons.",
            "protection systems heighten their vulnerability to trafficking in persons, in "
            "particular for women and children.",
        ),
        "pathways": "ensure safe and regular pathways and access to international protection "
        "for those fleeing, so that no one is left to the mercy of traffickers;",
        "survivors": "include the voices of survivors and of affected communities in designing "
        "the response;",
    },
    after={
        "survivors": [
            Para(
                "long_term",
                L,
                "look beyond the short term: address vulnerability to trafficking in lasting "
                "crises, including through livelihoods, education and decent work.",
            )
        ]
    },
)
CRISES_2022_RESERVATION = (
    "The World Bank endorses the Call to Action within its mandate under its Articles of "
    "Agreement. Its endorsement does not extend to the call for safe and regular pathways, a "
    "matter of migration policy for its member countries to decide."
)

# --- The call for the next World Day against Trafficking in Persons ----------------------------


def world_day_year(today: date) -> int:
    """The World Day whose call is being drafted on `today`.

    A call goes through a comment period and an endorsement round before the day, which takes
    some six weeks: this year's World Day while that much time is left before 30 July, next
    year's after (in the autumn the group starts on next July's call, as it does on the
    principals' statements for the year's events)."""
    this_year = date(today.year, 7, 30)
    return today.year if today <= this_year - timedelta(weeks=6) else today.year + 1


def world_day_title(year: int) -> str:
    return f"Call to action for the World Day against Trafficking in Persons, 30 July {year}"


def world_day_v1(year: int) -> list[Para]:
    return [
        Para("title", H, f"World Day against Trafficking in Persons, 30 July {year}"),
        Para(
            "solidarity",
            P,
            "On the World Day against Trafficking in Persons, the members of the Inter-Agency "
            "Coordination Group against Trafficking in Persons (ICAT) stand with the victims "
            "and survivors of trafficking, and with all those who work to prevent it, to "
            "protect those it harms and to bring those responsible to justice.",
        ),
        Para(
            "context",
            P,
            "Conflicts, climate-related disasters and economic shocks continue to uproot people "
            "and to push them into situations where traffickers prey on their need. Traffickers "
            "increasingly use online platforms to recruit, advertise and control their victims.",
        ),
        Para("call", H, "We call on States and all partners to:"),
        Para(
            "survivors",
            L,
            "listen to survivors and involve them in designing, implementing and evaluating "
            "anti-trafficking responses;",
        ),
        Para(
            "online",
            L,
            "hold online platforms and recruitment intermediaries to account for the use of "
            "their services to recruit and exploit;",
        ),
        Para(
            "assistance",
            L,
            "make sure that every victim is identified, assisted and protected, whether or not "
            "they cooperate with the authorities;",
        ),
        Para("supply_chains", L, "prevent trafficking in supply chains and public procurement;"),
        Para(
            "one_voice",
            P,
            "ICAT members will continue to speak with one voice and to support States in "
            "implementing the Trafficking in Persons Protocol and the Global Plan of Action.",
        ),
    ]


WORLD_DAY_CONTEXT_V2 = (
    "Conflicts, climate-related disasters and economic shocks continue to uproot people and to "
    "push them into situations where traffickers prey on their need. Traffickers increasingly "
    "use online platforms to recruit, advertise and control their victims, children among them."
)
WORLD_DAY_SUPPLY_CHAINS = (
    "prevent forced labour and trafficking in supply chains and in public procurement, through "
    "human rights due diligence;"
)

# --- The issue brief in an endorsement round under silence -------------------------------------

LASTING_CRISES_TITLE = (
    "Issue brief: beyond the short term, vulnerability to trafficking in persons in lasting crises"
)
LASTING_CRISES_V1 = [
    Para("title", H, "Beyond the short term: vulnerability to trafficking in lasting crises"),
    Para(
        "summary",
        P,
        "Crises that last (protracted conflicts, prolonged displacement, recurring disasters) "
        "wear down what people rely on to stay safe. Savings run out, children leave school, "
        "legal stay expires, and humanitarian aid shrinks as attention moves elsewhere. "
        "Traffickers exploit each of these gaps.",
    ),
    Para("messages", H, "Key messages"),
    Para(
        "grows",
        L,
        "Vulnerability to trafficking grows, rather than fades, as a crisis lasts: responses "
        "must be planned for years, not months.",
    ),
    Para(
        "status",
        L,
        "Legal status and documentation protect displaced people against trafficking.",
    ),
    Para(
        "referral",
        L,
        "Humanitarian, development and peace actors should share their analysis of risks and "
        "their referral pathways, so that victims are identified wherever they seek help.",
    ),
    Para("recommendations", H, "Recommendations to States"),
    Para(
        "planning",
        L,
        "Include trafficking risks in the multi-year planning of the response to protracted "
        "crises and displacement.",
    ),
    Para(
        "protection",
        L,
        "Ensure that victims of trafficking have access to international protection where "
        "they need it, and to durable solutions.",
    ),
    Para(
        "inclusion",
        L,
        "Support the inclusion of displaced people in national labour markets.",
    ),
    Para(
        "sources",
        P,
        "This brief draws on the discussion Beyond the Short Term, organised by ICMPD and ICAT "
        "on the margins of the 2022 Vienna Migration Conference, and on the work of ICAT's "
        "Policy Support Group.",
    ),
]
LASTING_CRISES_STATUS = (
    "Access to legal status, documentation and decent work is among the strongest protections "
    "against trafficking for displaced people."
)
LASTING_CRISES_INCLUSION = (
    "Support the inclusion of displaced people in national labour markets, social protection "
    "and education systems, so that children stay in school and adults find decent work."
)
LASTING_CRISES_RESERVATION = (
    "OHCHR endorses the brief on the understanding that the recommendation on international "
    "protection includes full respect for the principle of non-refoulement."
)
# Who answered in the round under silence so far (principals, unless recorded on their behalf).
SILENCE_ENDORSING = ["IOM", "ILO", "UNODC", "ICMPD", "UNHCR", "OSCE", "UN Women"]
SILENCE_ON_BEHALF = ["CoE"]  # recorded by its focal point for the principal
SILENCE_RESERVATION = "OHCHR"


# --- Loading -------------------------------------------------------------------------------------


@dataclass
class Cast:
    """The demonstration group's organisations and people, read once."""

    organisations: dict[str, Organisation]
    people: dict[str, Person]

    def focal(self, acronym: str) -> Person:
        return self.people[demo_email("focal", acronym)]

    def principal(self, acronym: str) -> Person:
        return self.people[demo_email("principal", acronym)]

    @property
    def secretariat(self) -> Person:
        return self.people[demo_email("secretariat")]

    def members(self) -> list[Organisation]:
        return sorted(self.organisations.values(), key=lambda o: o.acronym)


def _read_cast() -> Cast | None:
    """None when the group is not loaded (the coordination loader comes first)."""
    organisations = {o.acronym: o for o in Organisation.objects.current()}
    people = {
        p.email: p
        for p in Person.objects.filter(
            email__endswith="@demo.example", is_active=True
        ).select_related("organisation")
    }
    needed = [demo_email("secretariat")] + [
        demo_email(kind, acronym) for acronym in organisations for kind in ("focal", "principal")
    ]
    if not organisations or any(email not in people for email in needed):
        return None
    return Cast(organisations=organisations, people=people)


def _vienna(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=VIENNA)


def _group_time(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=group_time_zone())


@dataclass
class Written:
    statements: int = 0
    versions: int = 0
    comments: int = 0
    endorsements: int = 0

    def as_counts(self) -> dict[str, int]:
        return {
            "statements": self.statements,
            "statement_versions": self.versions,
            "statement_comments": self.comments,
            "endorsements": self.endorsements,
        }


@transaction.atomic
def load_statements() -> dict[str, int]:
    """Write each demonstration statement that is not there yet (keyed on its title); returns
    how many rows of each kind were written."""
    written = Written()
    cast = _read_cast()
    if cast is None:
        return written.as_counts()
    # The demonstration's history is written, not announced: nobody is emailed about it, even
    # when a test loads it without the load_demo command (which mutes notifications too).
    with contract.muted():
        existing = set(Statement.objects.values_list("title", flat=True))
        if GA_2021_TITLE not in existing:
            _load_joint_statement_2021(cast, written)
        if CRISES_2022_TITLE not in existing:
            _load_call_to_action_2022(cast, written)
        year = world_day_year(group_today())
        if world_day_title(year) not in existing:
            _load_world_day(cast, written, year)
        if LASTING_CRISES_TITLE not in existing:
            _load_lasting_crises(cast, written)
    return written.as_counts()


# --- The past, written to the models -------------------------------------------------------------


def _write_version(
    statement: Statement,
    number: int,
    paragraphs: Sequence[Para],
    keys: dict[str, str],
    *,
    at: datetime,
    by: Person,
    note: str = "",
) -> Version:
    """Version `number` with these paragraphs; a label seen before keeps its key."""
    version = Version.objects.create(
        statement=statement, number=number, note=note, created_at=at, created_by=by
    )
    Paragraph.objects.bulk_create(
        Paragraph(
            version=version,
            key=keys.setdefault(para.label, new_paragraph_key()),
            position=position,
            kind=para.kind,
            text=para.text,
        )
        for position, para in enumerate(paragraphs, start=1)
    )
    return version


def _past_statement(
    cast: Cast,
    *,
    title: str,
    kind: str,
    leads: list[str],
    drafter: Person,
    created_at: datetime,
    comment_deadline: datetime,
    target_date: date,
) -> Statement:
    statement = Statement.objects.create(
        title=title,
        kind=kind,
        target_date=target_date,
        comment_deadline=comment_deadline,
        # The last reminder of a deadline years past is not owed to anyone.
        comment_last_call_for=comment_deadline,
        created_at=created_at,
        created_by=drafter,
    )
    statement.lead_organisations.set([cast.organisations[a] for a in leads])
    statement.drafters.set([drafter])
    return statement


def _past_comment(
    cast: Cast,
    statement: Statement,
    version: Version,
    keys: dict[str, str],
    *,
    acronym: str,
    label: str,
    at: datetime,
    text: str,
    proposed_text: str = "",
    status: str = Status.OPEN,
    reply: str = "",
    answered_by: Person | None = None,
    answered_at: datetime | None = None,
    applied_in: Version | None = None,
) -> Comment:
    return Comment.objects.create(
        statement=statement,
        version=version,
        paragraph_key=keys[label],
        kind=Comment.Kind.CHANGE_PROPOSAL if proposed_text else Comment.Kind.COMMENT,
        text=text,
        proposed_text=proposed_text,
        author=cast.focal(acronym),
        organisation=cast.organisations[acronym],
        created_at=at,
        status=status,
        reply=reply,
        answered_by=answered_by,
        answered_at=answered_at,
        applied_in=applied_in,
    )


def _past_round(
    cast: Cast,
    statement: Statement,
    version: Version,
    *,
    opened_at: datetime,
    deadline: datetime,
    closed_at: datetime,
    answers: Mapping[str, tuple[str, str]],
    on_behalf: set[str],
) -> EndorsementRound:
    """A closed explicit round addressed to every member, with these answers ({acronym:
    (answer, text)}), spread over the days between its opening and its deadline."""
    round = EndorsementRound.objects.create(
        statement=statement,
        endorsed_version=version,
        procedure=EndorsementRound.Procedure.EXPLICIT,
        opened_at=opened_at,
        opened_by=cast.secretariat,
        deadline=deadline,
        last_call_for=deadline,
        closed_at=closed_at,
        closed_by=cast.secretariat,
    )
    members = cast.members()
    round.addressed_organisations.set(members)
    span = deadline - opened_at
    Endorsement.objects.bulk_create(
        Endorsement(
            round=round,
            organisation=organisation,
            answer=answers[organisation.acronym][0],
            text=answers[organisation.acronym][1],
            answered_by=(
                cast.focal(organisation.acronym)
                if organisation.acronym in on_behalf
                else cast.principal(organisation.acronym)
            ),
            on_behalf=organisation.acronym in on_behalf,
            answered_at=opened_at + span * (n + 1) / (len(members) + 2),
        )
        for n, organisation in enumerate(members)
        if organisation.acronym in answers
    )
    return round


def _adopt(
    cast: Cast,
    statement: Statement,
    version: Version,
    round: EndorsementRound,
    *,
    at: datetime,
    endorsing: list[str],
    published_on: date | None = None,
    public_url: str = "",
) -> None:
    Statement.objects.filter(pk=statement.pk).update(
        adopted_at=at,
        adopted_by=cast.secretariat,
        adopted_version=version,
        adopted_round=round,
        published_on=published_on,
        public_url=public_url,
    )
    statement.endorsing_organisations.set([cast.organisations[a] for a in endorsing])


def _load_joint_statement_2021(cast: Cast, written: Written) -> None:
    """Drafted by UNODC, the 2021 chair, in October; commented on by the members; endorsed in an
    explicit round that closed at the principals' meeting of 15 November 2021."""
    drafter = cast.focal("UNODC")
    statement = _past_statement(
        cast,
        title=GA_2021_TITLE,
        kind=Statement.Kind.JOINT_STATEMENT,
        leads=["UNODC"],
        drafter=drafter,
        created_at=_vienna(date(2021, 10, 4), time(10)),
        comment_deadline=_vienna(date(2021, 10, 22), time(18)),
        target_date=date(2021, 11, 15),
    )
    keys: dict[str, str] = {}
    v1 = _write_version(
        statement, 1, GA_2021_V1, keys, at=_vienna(date(2021, 10, 4), time(10)), by=drafter
    )
    v2 = _write_version(
        statement,
        2,
        GA_2021_V2,
        keys,
        at=_vienna(date(2021, 10, 18), time(15)),
        by=drafter,
        note="Change proposal of OHCHR accepted.",
    )
    v3 = _write_version(
        statement,
        3,
        GA_2021_V3,
        keys,
        at=_vienna(date(2021, 10, 28), time(11)),
        by=drafter,
        note="Comments of the members taken in; the text for the principals.",
    )
    comments = [
        _past_comment(
            cast,
            statement,
            v1,
            keys,
            acronym="OHCHR",
            label="non_punishment",
            at=_vienna(date(2021, 10, 11), time(9, 30)),
            text="The wording of the non-punishment principle as the Working Group agreed it.",
            proposed_text=GA_2021_NON_PUNISHMENT,
            status=Status.ACCEPTED,
            answered_by=drafter,
            answered_at=_vienna(date(2021, 10, 18), time(15)),
            applied_in=v2,
        ),
        _past_comment(
            cast,
            statement,
            v1,
            keys,
            acronym="UN Women",
            label="root_causes",
            at=_vienna(date(2021, 10, 12), time(16)),
            text="Please name discrimination against women and girls among the root causes, "
            "and ask for a gender-sensitive approach.",
            status=Status.ACCEPTED_WITH_CHANGES,
            reply="Discrimination against women and girls is named, and the item asks for a "
            "gender- and age-sensitive approach (version 3).",
            answered_by=drafter,
            answered_at=_vienna(date(2021, 10, 28), time(11)),
        ),
        _past_comment(
            cast,
            statement,
            v1,
            keys,
            acronym="ILO",
            label="context",
            at=_vienna(date(2021, 10, 14), time(11)),
            text="Could the statement mention forced labour in global supply chains?",
            status=Status.NOT_ACCEPTED,
            reply="Agreed in substance; the statement keeps to the Plan of Action's terms, and "
            "the point is taken up in the Working Group's next issue brief.",
            answered_by=drafter,
            answered_at=_vienna(date(2021, 10, 28), time(11)),
        ),
        _past_comment(
            cast,
            statement,
            v1,
            keys,
            acronym="UNICEF",
            label="context",
            at=_vienna(date(2021, 10, 15), time(14)),
            text="Children should be named among those most at risk.",
            status=Status.ACCEPTED_WITH_CHANGES,
            reply="The paragraph now names those most at risk, children among them (version 3).",
            answered_by=drafter,
            answered_at=_vienna(date(2021, 10, 28), time(11)),
        ),
        _past_comment(
            cast,
            statement,
            v2,
            keys,
            acronym="IOM",
            label="data",
            at=_vienna(date(2021, 10, 20), time(10)),
            text="Ask for data disaggregated by sex, age and form of exploitation, as the "
            "Political Declaration does.",
            status=Status.ACCEPTED_WITH_CHANGES,
            reply="Taken in (version 3).",
            answered_by=drafter,
            answered_at=_vienna(date(2021, 10, 28), time(11)),
        ),
    ]
    for acronym, version in (("CoE", v1), ("INTERPOL", v2)):
        NoComments.objects.create(
            statement=statement,
            version=version,
            organisation=cast.organisations[acronym],
            declared_by=cast.focal(acronym),
            declared_at=version.created_at + timedelta(days=2),
        )
    # Every member endorsed; three principals' answers were recorded by their focal points.
    answers = {acronym: (Answer.ENDORSE, "") for acronym in cast.organisations}
    round = _past_round(
        cast,
        statement,
        v3,
        opened_at=_vienna(date(2021, 11, 1), time(9)),
        deadline=_vienna(date(2021, 11, 12), time(18)),
        closed_at=_vienna(date(2021, 11, 15), time(16, 30)),
        answers=answers,
        on_behalf={"DPKO", "ICAO", "OSAPG"},
    )
    adopted_at = _vienna(date(2021, 11, 15), time(16, 30))
    _adopt(
        cast,
        statement,
        v3,
        round,
        at=adopted_at,
        endorsing=list(answers),
        published_on=date(2021, 11, 18),
        public_url=GROUP_WEBSITE,
    )
    french = LanguageVersion.objects.create(
        statement=statement,
        language="fr",
        renders=v3,
        title=GA_2021_FRENCH_TITLE,
        updated_at=_vienna(date(2021, 11, 17), time(12)),
        updated_by=cast.secretariat,
    )
    TranslatedParagraph.objects.bulk_create(
        TranslatedParagraph(
            language_version=french, key=keys[para.label], text=GA_2021_FRENCH[para.label]
        )
        for para in GA_2021_V3
    )
    written.statements += 1
    written.versions += 3
    written.comments += len(comments)
    written.endorsements += len(answers)


def _load_call_to_action_2022(cast: Cast, written: Written) -> None:
    """Drafted by the 2022 co-chairs, ICMPD and UNODC, from October; endorsed by the principals
    in an explicit round in December 2022, the World Bank with a reservation; ICAO did not
    answer, so it is not among the endorsing organisations."""
    drafter = cast.focal("ICMPD")
    statement = _past_statement(
        cast,
        title=CRISES_2022_TITLE,
        kind=Statement.Kind.CALL_TO_ACTION,
        leads=["ICMPD", "UNODC"],
        drafter=drafter,
        created_at=_vienna(date(2022, 10, 24), time(10)),
        comment_deadline=_vienna(date(2022, 11, 11), time(18)),
        target_date=date(2022, 12, 15),
    )
    statement.drafters.add(cast.focal("UNODC"))
    keys: dict[str, str] = {}
    v1 = _write_version(
        statement, 1, CRISES_2022_V1, keys, at=_vienna(date(2022, 10, 24), time(10)), by=drafter
    )
    v2 = _write_version(
        statement,
        2,
        CRISES_2022_V2,
        keys,
        at=_vienna(date(2022, 11, 4), time(14)),
        by=drafter,
        note="Change proposal of UNICEF accepted.",
    )
    v3 = _write_version(
        statement,
        3,
        CRISES_2022_V3,
        keys,
        at=_vienna(date(2022, 11, 18), time(12)),
        by=cast.focal("UNODC"),
        note="Comments taken in; a recommendation on lasting crises added.",
    )
    comments = [
        _past_comment(
            cast,
            statement,
            v1,
            keys,
            acronym="UNICEF",
            label="children",
            at=_vienna(date(2022, 10, 28), time(15)),
            text="Unaccompanied and separated children need to be named.",
            proposed_text=CRISES_2022_CHILDREN,
            status=Status.ACCEPTED,
            answered_by=drafter,
            answered_at=_vienna(date(2022, 11, 4), time(14)),
            applied_in=v2,
        ),
        _past_comment(
            cast,
            statement,
            v1,
            keys,
            acronym="UNHCR",
            label="pathways",
            at=_vienna(date(2022, 10, 31), time(9)),
            text="Safe pathways are not enough: those fleeing need access to international "
            "protection.",
            status=Status.ACCEPTED_WITH_CHANGES,
            reply="Access to international protection is added (version 3).",
            answered_by=cast.focal("UNODC"),
            answered_at=_vienna(date(2022, 11, 18), time(12)),
        ),
        _past_comment(
            cast,
            statement,
            v2,
            keys,
            acronym="UN Women",
            label="crises",
            at=_vienna(date(2022, 11, 8), time(11)),
            text="Women and girls are at particular risk in displacement; please say so.",
            status=Status.ACCEPTED_WITH_CHANGES,
            reply="The paragraph now names women and children (version 3).",
            answered_by=drafter,
            answered_at=_vienna(date(2022, 11, 18), time(12)),
        ),
        _past_comment(
            cast,
            statement,
            v2,
            keys,
            acronym="OSCE",
            label="preparedness",
            at=_vienna(date(2022, 11, 9), time(16)),
            text="Should the call also address the private sector's role in humanitarian "
            "procurement?",
            status=Status.NOT_ACCEPTED,
            reply="A good point for the co-chairs' work on procurement; the call keeps to the "
            "humanitarian response.",
            answered_by=drafter,
            answered_at=_vienna(date(2022, 11, 18), time(12)),
        ),
    ]
    NoComments.objects.create(
        statement=statement,
        version=v2,
        organisation=cast.organisations["UNDP"],
        declared_by=cast.focal("UNDP"),
        declared_at=_vienna(date(2022, 11, 7), time(10)),
    )
    answers = {acronym: (Answer.ENDORSE, "") for acronym in cast.organisations if acronym != "ICAO"}
    answers["World Bank"] = (Answer.ENDORSE_WITH_RESERVATION, CRISES_2022_RESERVATION)
    round = _past_round(
        cast,
        statement,
        v3,
        opened_at=_vienna(date(2022, 11, 25), time(9)),
        deadline=_vienna(date(2022, 12, 9), time(18)),
        closed_at=_vienna(date(2022, 12, 12), time(10)),
        answers=answers,
        on_behalf={"CTED", "UNAIDS"},
    )
    _adopt(
        cast,
        statement,
        v3,
        round,
        at=_vienna(date(2022, 12, 12), time(10)),
        endorsing=list(answers),
    )
    written.statements += 1
    written.versions += 3
    written.comments += len(comments)
    written.endorsements += len(answers)


# --- The present, through the services -----------------------------------------------------------


def _inputs(paragraphs: Sequence[Para], keys: dict[str, str]) -> list[services.ParagraphInput]:
    """What an editor sends for these paragraphs: the key of a paragraph already in the text,
    None for a new one."""
    return [(keys.get(para.label), para.kind, para.text) for para in paragraphs]


def _learn_keys(version: Version, paragraphs: Sequence[Para], keys: dict[str, str]) -> None:
    """The keys the services gave the new paragraphs of `version`, by position."""
    for para, paragraph in zip(paragraphs, version.paragraphs.order_by("position"), strict=True):
        keys.setdefault(para.label, paragraph.key)


def _latest(statement: Statement) -> Version:
    return statement.versions.order_by("-number")[0]


def _load_world_day(cast: Cast, written: Written, year: int) -> None:
    """Drafted by ICMPD (the chair) and IOM (the incoming chair) these past twelve days, open
    for comments for nine more: three versions, comments and proposals of several members,
    some answered, one accepted as it was; UNHCR has no comments; UNODC has said nothing yet."""
    now = timezone.now()
    today = group_today()
    icmpd, iom = cast.focal("ICMPD"), cast.focal("IOM")
    v1_text = world_day_v1(year)
    statement = services.statement_create(
        actor=icmpd,
        title=world_day_title(year),
        kind=Statement.Kind.CALL_TO_ACTION,
        lead_organisations=[cast.organisations["ICMPD"], cast.organisations["IOM"]],
        drafters=[icmpd, iom],
        target_date=date(year, 7, 30),
        comment_deadline=_group_time(today + timedelta(days=9), time(17)),
        paragraphs=[(None, para.kind, para.text) for para in v1_text],
    )
    keys: dict[str, str] = {}
    v1 = _latest(statement)
    _learn_keys(v1, v1_text, keys)
    unicef = services.comment_add(
        statement=statement,
        version=v1,
        actor=cast.focal("UNICEF"),
        paragraph_key=keys["context"],
        text="Please name children among those traffickers reach online.",
        quoted_passage="online platforms",
    )
    ohchr = services.comment_add(
        statement=statement,
        version=v1,
        actor=cast.focal("OHCHR"),
        paragraph_key=keys["assistance"],
        text="We welcome assistance without condition. Could the call also recall the "
        "principle of non-punishment?",
    )
    ilo = services.change_proposal_add(
        statement=statement,
        version=v1,
        actor=cast.focal("ILO"),
        paragraph_key=keys["supply_chains"],
        proposed_text=WORLD_DAY_SUPPLY_CHAINS,
        text="In line with the co-chairs' pledge on preventing trafficking in procurement.",
    )
    v2_text = edited(v1_text, replace={"context": WORLD_DAY_CONTEXT_V2})
    v2 = services.version_save(
        statement=statement,
        actor=iom,
        based_on=1,
        paragraphs=_inputs(v2_text, keys),
        note="Children named, as UNICEF asked.",
    )
    services.comment_answer(
        comment=unicef,
        actor=iom,
        status=Status.ACCEPTED_WITH_CHANGES,
        reply="Children are now named in the second paragraph (version 2).",
    )
    # Accepting the proposal as it is makes version 3 (services.comment_answer).
    services.comment_answer(comment=ilo, actor=icmpd, status=Status.ACCEPTED)
    v3 = _latest(statement)
    un_women = services.change_proposal_add(
        statement=statement,
        version=v3,
        actor=cast.focal("UN Women"),
        paragraph_key=keys["survivors"],
        proposed_text="listen to survivors, in all their diversity, and involve them "
        "meaningfully in designing, implementing and evaluating anti-trafficking responses;",
    )
    osce = services.comment_add(
        statement=statement,
        version=v3,
        actor=cast.focal("OSCE"),
        paragraph_key=keys["online"],
        text="Consider the technology sector as a whole, not only platforms and intermediaries.",
    )
    services.comment_answer(
        comment=osce,
        actor=icmpd,
        status=Status.NOT_ACCEPTED,
        reply="The call names those it can hold to account precisely; the wider point is for "
        "the Working Group's brief on technology.",
    )
    no_comments = services.no_comments_declare(
        statement=statement, version=v3, actor=cast.focal("UNHCR")
    )

    def ago(days: float) -> datetime:
        return now - timedelta(days=days)

    # The services stamped every row now; the consultation began twelve days ago. Updates, not
    # saves, so that nothing else of the rows is touched.
    Statement.objects.filter(pk=statement.pk).update(created_at=ago(12))
    Version.objects.filter(pk=v1.pk).update(created_at=ago(12))
    Comment.objects.filter(pk=unicef.pk).update(created_at=ago(10), answered_at=ago(6))
    Comment.objects.filter(pk=ohchr.pk).update(created_at=ago(9))
    Comment.objects.filter(pk=ilo.pk).update(created_at=ago(8), answered_at=ago(5))
    Version.objects.filter(pk=v2.pk).update(created_at=ago(6))
    Version.objects.filter(pk=v3.pk).update(created_at=ago(5))
    Comment.objects.filter(pk=un_women.pk).update(created_at=ago(3))
    Comment.objects.filter(pk=osce.pk).update(created_at=ago(2), answered_at=ago(1))
    NoComments.objects.filter(pk=no_comments.pk).update(declared_at=ago(1))
    written.statements += 1
    written.versions += 3
    written.comments += 5


def _load_lasting_crises(cast: Cast, written: Written) -> None:
    """Drafted by UNHCR and ICMPD from seven weeks ago; comments closed four weeks ago; version
    3 put to the principals three days ago under the silence procedure, closing in four days.
    Nine organisations have answered (one recorded on its principal's behalf, one with a
    reservation), none objects; UNICEF and the others have not answered."""
    now = timezone.now()
    today = group_today()
    unhcr, icmpd = cast.focal("UNHCR"), cast.focal("ICMPD")
    statement = services.statement_create(
        actor=unhcr,
        title=LASTING_CRISES_TITLE,
        kind=Statement.Kind.ISSUE_BRIEF,
        lead_organisations=[cast.organisations["UNHCR"], cast.organisations["ICMPD"]],
        drafters=[unhcr, icmpd],
        # The comment period is opened ahead, as the service requires, then moved back below.
        comment_deadline=now + timedelta(days=1),
        paragraphs=[(None, para.kind, para.text) for para in LASTING_CRISES_V1],
    )
    keys: dict[str, str] = {}
    v1 = _latest(statement)
    _learn_keys(v1, LASTING_CRISES_V1, keys)
    iom = services.change_proposal_add(
        statement=statement,
        version=v1,
        actor=cast.focal("IOM"),
        paragraph_key=keys["status"],
        proposed_text=LASTING_CRISES_STATUS,
        text="Decent work belongs with legal status among the protections.",
    )
    ilo = services.comment_add(
        statement=statement,
        version=v1,
        actor=cast.focal("ILO"),
        paragraph_key=keys["inclusion"],
        text="Inclusion in labour markets needs social protection beside it.",
    )
    unicef = services.comment_add(
        statement=statement,
        version=v1,
        actor=cast.focal("UNICEF"),
        paragraph_key=keys["inclusion"],
        text="Please add education: children out of school in lasting crises are at risk.",
    )
    services.comment_answer(comment=iom, actor=unhcr, status=Status.ACCEPTED)
    v2 = _latest(statement)
    for comment in (ilo, unicef):
        services.comment_answer(
            comment=comment,
            actor=icmpd,
            status=Status.ACCEPTED_WITH_CHANGES,
            reply="Social protection and education are added to the recommendation (version 3).",
        )
    # The comment period ended four weeks ago (the service only opens periods ahead).
    Statement.objects.filter(pk=statement.pk).update(
        comment_deadline=now - timedelta(days=28), comment_last_call_for=now - timedelta(days=28)
    )
    statement.refresh_from_db()
    v3 = services.version_save(
        statement=statement,
        actor=unhcr,
        based_on=2,
        paragraphs=_inputs(
            edited(
                LASTING_CRISES_V1,
                replace={"status": LASTING_CRISES_STATUS, "inclusion": LASTING_CRISES_INCLUSION},
            ),
            keys,
        ),
        note="Comments of the members taken in; the text for the principals.",
    )
    opened = rounds.round_open(
        statement=statement,
        version=v3,
        actor=unhcr,
        procedure=EndorsementRound.Procedure.SILENCE,
        deadline=_group_time(today + timedelta(days=4), time(17)),
    )
    round = opened.round
    answered: list[Endorsement] = []
    for acronym in SILENCE_ENDORSING:
        answered.append(
            rounds.round_answer(
                round=round,
                organisation=cast.organisations[acronym],
                actor=cast.principal(acronym),
                answer=Answer.ENDORSE,
            )
        )
    for acronym in SILENCE_ON_BEHALF:
        answered.append(
            rounds.round_answer(
                round=round,
                organisation=cast.organisations[acronym],
                actor=cast.focal(acronym),
                answer=Answer.ENDORSE,
            )
        )
    answered.append(
        rounds.round_answer(
            round=round,
            organisation=cast.organisations[SILENCE_RESERVATION],
            actor=cast.principal(SILENCE_RESERVATION),
            answer=Answer.ENDORSE_WITH_RESERVATION,
            text=LASTING_CRISES_RESERVATION,
        )
    )

    def ago(days: float) -> datetime:
        return now - timedelta(days=days)

    # The services stamped every row now; the story began seven weeks ago (see above).
    Statement.objects.filter(pk=statement.pk).update(created_at=ago(50))
    Version.objects.filter(pk=v1.pk).update(created_at=ago(50))
    Comment.objects.filter(pk=iom.pk).update(created_at=ago(45), answered_at=ago(33))
    Comment.objects.filter(pk=ilo.pk).update(created_at=ago(40), answered_at=ago(20))
    Comment.objects.filter(pk=unicef.pk).update(created_at=ago(35), answered_at=ago(20))
    Version.objects.filter(pk=v2.pk).update(created_at=ago(33))
    Version.objects.filter(pk=v3.pk).update(created_at=ago(20))
    EndorsementRound.objects.filter(pk=round.pk).update(opened_at=ago(3))
    for n, endorsement in enumerate(answered):
        Endorsement.objects.filter(pk=endorsement.pk).update(
            answered_at=ago(3 - 3 * (n + 1) / (len(answered) + 1))
        )
    written.statements += 1
    written.versions += 3
    written.comments += 3
    written.endorsements += len(answered)
