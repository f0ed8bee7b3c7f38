"""The demonstration mapping resource: the group's taxonomies and a profile for every member.

What the public texts in shared/seeds say is used where they say it: the mapping resource "profiles
ICAT individual entities, their mandates and expertise, past and ongoing initiatives, and
multi-stakeholder partnerships"; members mostly address trafficking for sexual and labour
exploitation and child trafficking; their interventions are concentrated in Europe and Central
Asia, Africa and the Middle East, and are mainly technical assistance, normative and policy work,
knowledge development and capacity building. Of the organisations, the seeds tell who chaired the
group and when, who launched UN.GIFT, who presented what at the briefing of 5 October 2018, UNODC's
biennial report on patterns and flows, UN Women's presentation of the Secretary-General's report on
trafficking in women and girls, ICMPD's discussion at the Vienna Migration Conference of 2022.
A profile says which of its parts come from there; the rest is illustrative, and its mandate says
so ("Illustrative profile: ..."), as do the titles of illustrative initiatives and partnerships.

The priority areas: the seeds say the resource is anchored on those of the joint Analytical Review
of December 2020 without listing them, so the demonstration uses the priorities the seeds name
for the group (the 2022 co-chairs' pledges, the policy papers and issue briefs, the Political
Declaration's call for data).

Profiles are published in the past, some more than a year ago (their focal points' digests and
dashboards say they are out of date); UNODC's and OSCE's earlier revisions are kept, superseded.
ILO has a revision submitted for review, UNICEF one returned with a comment. IOM's profile is
published with no revision in progress, so that focal.iom@demo.example starts a draft, edits it and
submits it.

The past is written straight to the models: the services stamp every change with the present
time and tell people of it, and this is history, dated over the last two years. A term is keyed on
its taxonomy and code, a profile on its organisation: loading again writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction

from common.dates import group_time_zone, group_today
from coordination.demo import demo_email
from coordination.models import Organisation, Person
from mapping.models import Initiative, Level, Partnership, Profile, Revision, Term
from notifications import contract

REGION, FORM = Term.Taxonomy.REGION, Term.Taxonomy.FORM
INTERVENTION, PRIORITY = Term.Taxonomy.INTERVENTION, Term.Taxonomy.PRIORITY_AREA
ONGOING, PAST = Initiative.Status.ONGOING, Initiative.Status.PAST
G, R, N = Level.GLOBAL, Level.REGIONAL, Level.NATIONAL

# --- The taxonomies ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TermSeed:
    taxonomy: str
    code: str
    en: str
    fr: str
    es: str
    m49_code: str = ""
    countries: tuple[str, ...] = ()
    retired: bool = False


# The members of the League of Arab States: the group's "Arab States" matches no UN M49 region.
ARAB_STATES = (
    "DZ", "BH", "KM", "DJ", "EG", "IQ", "JO", "KW", "LB", "LY", "MR",
    "MA", "OM", "PS", "QA", "SA", "SO", "SD", "SY", "TN", "AE", "YE",
)  # fmt: skip

TERMS = [
    # Regions, as the group reports its focus (the seeds: "Europe and Central Asia, Africa and the
    # Middle East"), with the UN M49 code where one matches (001 is M49's "World").
    TermSeed(REGION, "africa", "Africa", "Afrique", "África", "002"),
    TermSeed(REGION, "americas", "Americas", "Amériques", "Américas", "019"),
    TermSeed(
        REGION, "arab-states", "Arab States", "États arabes", "Estados Árabes", "", ARAB_STATES
    ),
    TermSeed(
        REGION, "asia-pacific", "Asia and the Pacific", "Asie et Pacifique", "Asia y el Pacífico"
    ),
    TermSeed(
        REGION,
        "europe-central-asia",
        "Europe and Central Asia",
        "Europe et Asie centrale",
        "Europa y Asia Central",
    ),
    TermSeed(REGION, "global", "Global", "Monde", "Mundial", "001"),
    # Retired when the group took up "Arab States"; older profiles keep it.
    TermSeed(
        REGION,
        "mena",
        "Middle East and North Africa",
        "Moyen-Orient et Afrique du Nord",
        "Oriente Medio y Norte de África",
        retired=True,
    ),
    # Forms of exploitation: the seeds' three (sexual, labour, children), and the others the
    # Protocol's definition and common practice name.
    TermSeed(
        FORM,
        "sexual",
        "Trafficking for sexual exploitation",
        "Traite à des fins d'exploitation sexuelle",
        "Trata con fines de explotación sexual",
    ),
    TermSeed(
        FORM,
        "labour",
        "Trafficking for forced labour and labour exploitation",
        "Traite à des fins de travail forcé et d'exploitation par le travail",
        "Trata con fines de trabajo forzoso y explotación laboral",
    ),
    TermSeed(FORM, "children", "Child trafficking", "Traite des enfants", "Trata de niños y niñas"),
    TermSeed(
        FORM,
        "marriage",
        "Trafficking for forced marriage",
        "Traite à des fins de mariage forcé",
        "Trata con fines de matrimonio forzado",
    ),
    TermSeed(
        FORM,
        "organs",
        "Trafficking for the removal of organs",
        "Traite à des fins de prélèvement d'organes",
        "Trata con fines de extracción de órganos",
    ),
    TermSeed(
        FORM,
        "criminality",
        "Trafficking for forced criminality",
        "Traite à des fins d'activités criminelles forcées",
        "Trata con fines de actividades delictivas forzadas",
    ),
    TermSeed(
        FORM,
        "servitude",
        "Trafficking for domestic servitude",
        "Traite à des fins de servitude domestique",
        "Trata con fines de servidumbre doméstica",
    ),
    # Retired: now counted as forced criminality.
    TermSeed(
        FORM,
        "begging",
        "Trafficking for forced begging",
        "Traite à des fins de mendicité forcée",
        "Trata con fines de mendicidad forzada",
        retired=True,
    ),
    # Types of intervention: the four Ps, and what the seeds say members mainly do (technical
    # assistance, normative and policy work, knowledge development, capacity building).
    TermSeed(INTERVENTION, "prevention", "Prevention", "Prévention", "Prevención"),
    TermSeed(
        INTERVENTION,
        "protection",
        "Protection and assistance to victims",
        "Protection et assistance aux victimes",
        "Protección y asistencia a las víctimas",
    ),
    TermSeed(
        INTERVENTION,
        "prosecution",
        "Prosecution and criminal justice",
        "Poursuites et justice pénale",
        "Enjuiciamiento y justicia penal",
    ),
    TermSeed(
        INTERVENTION,
        "partnership",
        "Partnership and coordination",
        "Partenariats et coordination",
        "Alianzas y coordinación",
    ),
    TermSeed(
        INTERVENTION,
        "technical-assistance",
        "Technical assistance to States",
        "Assistance technique aux États",
        "Asistencia técnica a los Estados",
    ),
    TermSeed(
        INTERVENTION,
        "policy",
        "Policy, normative work and advocacy",
        "Politiques, travail normatif et plaidoyer",
        "Políticas, labor normativa y promoción",
    ),
    TermSeed(
        INTERVENTION,
        "research",
        "Research and data",
        "Recherche et données",
        "Investigación y datos",
    ),
    TermSeed(
        INTERVENTION,
        "capacity-building",
        "Capacity building",
        "Renforcement des capacités",
        "Fortalecimiento de capacidades",
    ),
    # Priority areas the seeds name for the group (see the module's docstring).
    TermSeed(
        PRIORITY,
        "survivors",
        "Inclusion of survivors' voices",
        "Inclusion de la voix des survivants",
        "Inclusión de la voz de las personas sobrevivientes",
    ),
    TermSeed(
        PRIORITY,
        "crises",
        "Trafficking in humanitarian crises and conflicts",
        "La traite dans les crises humanitaires et les conflits",
        "La trata en las crisis humanitarias y los conflictos",
    ),
    TermSeed(
        PRIORITY,
        "data",
        "Data collection and analysis",
        "Collecte et analyse des données",
        "Recopilación y análisis de datos",
    ),
    TermSeed(
        PRIORITY,
        "remedies",
        "Effective remedies for victims",
        "Recours effectifs pour les victimes",
        "Recursos efectivos para las víctimas",
    ),
    TermSeed(PRIORITY, "demand", "Addressing demand", "Agir sur la demande", "Abordar la demanda"),
    TermSeed(
        PRIORITY,
        "procurement",
        "Trafficking in procurement and supply chains",
        "La traite dans les achats et les chaînes d'approvisionnement",
        "La trata en las adquisiciones y las cadenas de suministro",
    ),
    TermSeed(
        PRIORITY,
        "migration",
        "Trafficking in the context of migration and asylum",
        "La traite dans le contexte des migrations et de l'asile",
        "La trata en el contexto de la migración y el asilo",
    ),
    TermSeed(
        PRIORITY,
        "gender",
        "Gender dimensions of trafficking",
        "Dimensions de genre de la traite",
        "Dimensiones de género de la trata",
    ),
    TermSeed(
        PRIORITY,
        "evaluation",
        "Evaluation of anti-trafficking responses",
        "Évaluation des réponses à la traite",
        "Evaluación de las respuestas contra la trata",
    ),
]

# --- The profiles --------------------------------------------------------------------------------

ILLUSTRATIVE = "(illustrative)"


@dataclass(frozen=True)
class InitiativeSeed:
    title: str
    start_year: int | None
    end_year: int | None
    status: str
    partners: str = ""
    regions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    interventions: tuple[str, ...] = ()


@dataclass(frozen=True)
class PartnershipSeed:
    name: str
    partners: str
    role: str


# UN.GIFT, which the seeds say ILO, OHCHR, UNICEF, UNODC, IOM and the OSCE launched in March 2007
# and which ran until 31 December 2014.
UN_GIFT = PartnershipSeed(
    "United Nations Global Initiative to Fight Human Trafficking (UN.GIFT), 2007–2014",
    "ILO, OHCHR, UNICEF, UNODC, IOM, OSCE",
    "One of the six organisations that launched it in March 2007",
)
BRIEFING_2018 = InitiativeSeed(
    "Briefing to Member States and civil society on ICAT's past, present and future, New York, "
    "5 October 2018",
    2018,
    2018,
    PAST,
    "ICAT members; Permanent Mission of the Republic of Belarus to the United Nations",
    ("global",),
    (),
    (),
    ("policy", "partnership"),
)


@dataclass(frozen=True)
class ProfileSeed:
    acronym: str
    mandate: str
    expertise: str
    regions: tuple[str, ...]
    forms: tuple[str, ...]
    interventions: tuple[str, ...]
    priority_areas: tuple[str, ...]
    levels: tuple[str, ...]
    # How long ago the current revision was published (more than a year: out of date).
    published_days_ago: int
    initiatives: tuple[InitiativeSeed, ...] = ()
    partnerships: tuple[PartnershipSeed, ...] = ()
    # An earlier revision, superseded when the current one was published: (days ago it was
    # published, the regions and forms it had then).
    earlier: tuple[int, tuple[str, ...], tuple[str, ...]] | None = None


def _illustrative(title: str) -> str:
    return f"{title} {ILLUSTRATIVE}"


PROFILES = [
    ProfileSeed(
        "CoE",
        "Illustrative profile: a regional organisation of European States that sets standards "
        "against trafficking in human beings, monitors how its member States apply them and "
        "supports their co-operation. The seeds name it as a member of the Working Group only.",
        "Standard setting and monitoring; legal co-operation; victims' rights.",
        ("europe-central-asia",),
        ("sexual", "labour", "children"),
        ("policy", "prevention", "capacity-building"),
        ("remedies", "data"),
        (R, N),
        90,
        (
            InitiativeSeed(
                _illustrative("Country evaluation visits on anti-trafficking law and practice"),
                2019,
                None,
                ONGOING,
                regions=("europe-central-asia",),
                countries=("AL", "MD", "UA"),
                forms=("sexual", "labour"),
                interventions=("policy",),
            ),
        ),
        (
            PartnershipSeed(
                _illustrative("Regional network of national anti-trafficking rapporteurs"),
                "National rapporteurs and equivalent mechanisms",
                "Convenor",
            ),
        ),
    ),
    ProfileSeed(
        "CTED",
        "Illustrative profile: supports the Security Council's Counter-Terrorism Committee; looks "
        "at where trafficking in persons finances or serves terrorist groups. The seeds name it "
        "as a member only.",
        "Assessment of States' counter-terrorism measures; links between trafficking and "
        "terrorism.",
        ("global", "mena", "africa"),
        ("sexual", "labour"),
        ("research", "policy"),
        ("crises",),
        (G,),
        600,
        (
            InitiativeSeed(
                _illustrative("Analytical brief on trafficking in persons and terrorism financing"),
                2021,
                2022,
                PAST,
                regions=("global",),
                forms=("sexual", "labour"),
                interventions=("research",),
            ),
        ),
        (
            PartnershipSeed(
                _illustrative("Global research network on terrorism and organised crime"),
                "Research institutes, UN entities",
                "Member",
            ),
        ),
    ),
    ProfileSeed(
        "DPA",
        "Illustrative profile: the department of the UN Secretariat for political analysis, "
        "conflict prevention and mediation; trafficking enters its work where conflict breeds it. "
        "The seeds name it as a member only.",
        "Political analysis; conflict prevention; support to special political missions.",
        ("global", "africa", "arab-states"),
        ("sexual", "children"),
        ("policy", "partnership"),
        ("crises",),
        (G, R),
        700,
        (
            InitiativeSeed(
                _illustrative("Guidance for political missions on trafficking risks in conflict"),
                2020,
                2021,
                PAST,
                regions=("africa", "arab-states"),
                forms=("sexual", "children"),
                interventions=("policy",),
            ),
        ),
        (
            PartnershipSeed(
                _illustrative("Inter-agency framework on conflict prevention"),
                "UN departments, agencies, funds and programmes",
                "Member",
            ),
        ),
    ),
    ProfileSeed(
        "DPKO",
        "Illustrative profile: plans and runs UN peacekeeping operations, whose mandates and "
        "conduct rules include protecting civilians from trafficking and sexual exploitation. The "
        "seeds name it as a member only.",
        "Peacekeeping operations; protection of civilians; conduct and discipline.",
        ("africa", "arab-states"),
        ("sexual", "children"),
        ("prevention", "capacity-building"),
        ("crises", "gender"),
        (R, N),
        200,
        (
            InitiativeSeed(
                _illustrative("Pre-deployment training of peacekeepers on trafficking in persons"),
                2018,
                None,
                ONGOING,
                regions=("africa",),
                countries=("CD", "SS", "ML"),
                forms=("sexual", "children"),
                interventions=("capacity-building", "prevention"),
            ),
        ),
        (
            PartnershipSeed(
                _illustrative("Task force on protection from sexual exploitation and abuse"),
                "UN peace operations, agencies",
                "Member",
            ),
        ),
    ),
    ProfileSeed(
        "ICAO",
        "Illustrative profile: the UN agency for international civil aviation, which helps "
        "airlines and airports train crews and staff to recognise possible victims and report "
        "them. The seeds name it as a member only.",
        "Aviation standards; training of cabin crew and airport staff.",
        ("global",),
        ("sexual", "labour", "children"),
        ("capacity-building", "prevention"),
        ("data",),
        (G,),
        500,
        (
            InitiativeSeed(
                _illustrative(
                    "Guidelines and training for cabin crew on identifying possible victims"
                ),
                2018,
                None,
                ONGOING,
                regions=("global",),
                forms=("sexual", "labour", "children"),
                interventions=("capacity-building",),
            ),
        ),
        (
            PartnershipSeed(
                _illustrative("Aviation industry partnership against trafficking"),
                "Airlines, airports, civil aviation authorities",
                "Technical partner",
            ),
        ),
    ),
    ProfileSeed(
        "ICMPD",
        "From the group's public texts: co-chair of ICAT in 2022 with UNODC, pledging to advance "
        "the inclusion of survivors' voices, multi-stakeholder collaboration, knowledge production "
        "and dissemination, the prevention of trafficking in procurement, existing partnerships, "
        "coordination at the field level and multilateral policy; with ICAT it discussed "
        "vulnerability to trafficking in lasting crises at the 2022 Vienna Migration Conference. "
        "The other details of this profile are illustrative.",
        "Migration policy development; dialogue between States of origin, transit and "
        "destination; research.",
        ("europe-central-asia", "africa", "arab-states"),
        ("labour", "sexual"),
        ("policy", "capacity-building", "research", "partnership"),
        ("survivors", "crises", "procurement", "migration"),
        (R, N),
        40,
        (
            InitiativeSeed(
                "Beyond the Short Term: How to address vulnerability to trafficking in persons in "
                "the context of lasting crises (joint ICMPD-ICAT discussion, Vienna Migration "
                "Conference)",
                2022,
                2022,
                PAST,
                "ICAT",
                ("europe-central-asia",),
                (),
                ("labour", "sexual"),
                ("policy", "partnership"),
            ),
            InitiativeSeed(
                "Co-chairing ICAT with UNODC",
                2022,
                2022,
                PAST,
                "UNODC",
                ("global",),
                (),
                (),
                ("partnership",),
            ),
        ),
        (
            PartnershipSeed(
                "ICAT ad hoc Policy Support Group on humanitarian crises and conflicts (2022)",
                "All 31 ICAT entities",
                "Co-chair of ICAT when the group was set up",
            ),
        ),
    ),
    ProfileSeed(
        "INTERPOL",
        "Illustrative profile: the international police organisation, which connects national "
        "police forces, keeps shared databases and supports operations against trafficking "
        "networks. The seeds name it as a member only.",
        "Police co-operation; criminal intelligence; coordinated operations.",
        ("global", "africa", "americas"),
        ("sexual", "labour", "children", "organs"),
        ("prosecution", "capacity-building", "research"),
        ("data",),
        (G, N),
        150,
        (
            InitiativeSeed(
                _illustrative("Coordinated regional operations against trafficking networks"),
                2021,
                None,
                ONGOING,
                regions=("africa", "americas"),
                countries=("CI", "GH", "BR", "CO"),
                forms=("labour", "children"),
                interventions=("prosecution",),
            ),
        ),
        (
            PartnershipSeed(
                _illustrative("Network of national specialised trafficking units"),
                "National police forces",
                "Convenor",
            ),
        ),
    ),
    ProfileSeed(
        "ILO",
        "From the group's public texts: one of the six organisations that launched UN.GIFT in 2007; "
        "a panellist at the group's briefing to Member States of 5 October 2018, where a "
        "publication on trafficking and forced labour was announced. The other details of this "
        "profile are illustrative.",
        "International labour standards on forced labour and child labour; labour inspection; "
        "fair recruitment.",
        ("africa", "asia-pacific", "arab-states"),
        ("labour", "children"),
        ("policy", "research", "capacity-building", "prevention"),
        ("procurement", "demand", "data"),
        (G, R, N),
        200,
        (
            BRIEFING_2018,
            InitiativeSeed(
                "ICAT publication on trafficking in persons and forced labour",
                2018,
                None,
                ONGOING,
                "ICAT members",
                ("global",),
                (),
                ("labour",),
                ("research", "policy"),
            ),
        ),
        (UN_GIFT,),
    ),
    ProfileSeed(
        "IOM",
        "From the group's public texts: one of the six organisations that launched UN.GIFT in "
        "2007, and a panellist at the group's briefing to Member States of 5 October 2018. The "
        "other details of this profile are illustrative.",
        "Assistance to migrants and identified victims; return and reintegration; migration data.",
        ("africa", "europe-central-asia", "asia-pacific", "arab-states", "americas"),
        ("labour", "sexual", "children", "marriage"),
        ("protection", "prevention", "capacity-building", "research"),
        ("migration", "crises", "data", "survivors"),
        (G, R, N),
        430,
        (
            BRIEFING_2018,
            InitiativeSeed(
                _illustrative("Direct assistance and reintegration for identified victims"),
                2015,
                None,
                ONGOING,
                regions=("africa", "asia-pacific"),
                countries=("NG", "ET", "BD", "PH"),
                forms=("labour", "sexual"),
                interventions=("protection",),
            ),
        ),
        (UN_GIFT,),
    ),
    ProfileSeed(
        "OHCHR",
        "From the group's public texts: chair of ICAT in 2011, when an ICAT event was held on the "
        "sidelines of the Human Rights Council, and one of the six organisations that launched "
        "UN.GIFT in 2007. The other details of this profile are illustrative.",
        "A human rights-based approach to trafficking; the rights of victims; remedies.",
        ("global",),
        ("sexual", "labour", "children", "marriage", "organs"),
        ("policy", "protection"),
        ("remedies", "survivors"),
        (G,),
        300,
        (
            InitiativeSeed(
                "ICAT event on the sidelines of the Human Rights Council, as chair of ICAT",
                2011,
                2011,
                PAST,
                "ICAT members",
                ("global",),
                (),
                (),
                ("policy", "partnership"),
            ),
        ),
        (UN_GIFT,),
    ),
    ProfileSeed(
        "OSAPG",
        "Illustrative profile: the Office of the Special Advisers on the prevention of genocide and "
        "on the responsibility to protect, attentive to trafficking and sexual slavery as markers "
        "of atrocity crimes. The seeds name it as a member only.",
        "Early warning of atrocity crimes; advocacy.",
        ("global",),
        ("sexual", "marriage"),
        ("prevention", "policy"),
        ("crises",),
        (G,),
        800,
        (
            InitiativeSeed(
                _illustrative("Framework of analysis for atrocity crimes: trafficking indicators"),
                2016,
                2017,
                PAST,
                regions=("global",),
                forms=("sexual", "marriage"),
                interventions=("prevention",),
            ),
        ),
        (
            PartnershipSeed(
                _illustrative("Network of national focal points on atrocity prevention"),
                "Member States' focal points",
                "Secretariat",
            ),
        ),
    ),
    ProfileSeed(
        "OSCE",
        "From the group's public texts: co-chair of ICAT in 2019 with UN Women, putting the "
        "multi-annual work plan into practice; its Alliance against Trafficking in Persons is one "
        "of the inter-agency forums ICAT links with; one of the six organisations that launched "
        "UN.GIFT in 2007. The other details of this profile are illustrative.",
        "Commitments of participating States; national referral mechanisms; training of "
        "practitioners.",
        ("europe-central-asia",),
        ("sexual", "labour", "criminality"),
        ("policy", "capacity-building", "partnership"),
        ("survivors", "procurement"),
        (R, N),
        60,
        (
            InitiativeSeed(
                "Co-chairing ICAT with UN Women",
                2019,
                2019,
                PAST,
                "UN Women",
                ("global",),
                (),
                (),
                ("partnership",),
            ),
        ),
        (
            PartnershipSeed(
                "OSCE Alliance against Trafficking in Persons",
                "International and regional organisations, civil society",
                "Convenor",
            ),
            UN_GIFT,
        ),
        earlier=(500, ("europe-central-asia", "mena"), ("sexual", "labour", "begging")),
    ),
    ProfileSeed(
        "UNAIDS",
        "Illustrative profile: the joint UN programme on HIV/AIDS, concerned with trafficking as a "
        "risk to the health and rights of people exploited in the sex trade. The seeds name it as "
        "a member only.",
        "HIV prevention and services; community engagement.",
        ("africa", "asia-pacific"),
        ("sexual",),
        ("protection", "research"),
        ("gender",),
        (G, N),
        450,
        (
            InitiativeSeed(
                _illustrative("Access to HIV services for people who have been trafficked"),
                2019,
                2023,
                PAST,
                regions=("africa", "asia-pacific"),
                countries=("ZA", "TH"),
                forms=("sexual",),
                interventions=("protection",),
            ),
        ),
    ),
    ProfileSeed(
        "UNDP",
        "Illustrative profile: the UN development programme, which addresses the poverty, "
        "exclusion and weak governance that traffickers exploit. The seeds name it as a member "
        "only.",
        "Governance and rule of law; livelihoods; development planning.",
        ("africa", "asia-pacific", "arab-states", "americas"),
        ("labour",),
        ("prevention", "policy", "technical-assistance"),
        ("procurement",),
        (G, N),
        250,
        (
            InitiativeSeed(
                _illustrative("Livelihoods as an alternative to risky migration"),
                2020,
                None,
                ONGOING,
                regions=("asia-pacific",),
                countries=("NP", "MM"),
                forms=("labour",),
                interventions=("prevention",),
            ),
        ),
    ),
    ProfileSeed(
        "UNESCO",
        "Illustrative profile: the UN agency for education, science and culture, working on "
        "awareness and research about trafficking. The seeds name it as a member only.",
        "Education; awareness raising; social research.",
        ("africa", "asia-pacific"),
        ("children", "sexual"),
        ("prevention", "research"),
        ("data",),
        (G,),
        330,
        (
            InitiativeSeed(
                _illustrative("Teaching material on trafficking risks for secondary schools"),
                2017,
                2019,
                PAST,
                regions=("africa",),
                forms=("children",),
                interventions=("prevention",),
            ),
        ),
    ),
    ProfileSeed(
        "UNFPA",
        "From the group's public texts: a panellist at the group's briefing to Member States of "
        "5 October 2018. The other details of this profile are illustrative: gender-based violence "
        "services and sexual and reproductive health for women and girls at risk.",
        "Gender-based violence services; sexual and reproductive health.",
        ("arab-states", "africa"),
        ("sexual", "marriage"),
        ("protection", "prevention"),
        ("gender", "crises"),
        (G, N),
        120,
        (BRIEFING_2018,),
    ),
    ProfileSeed(
        "UNHCR",
        "From the group's public texts: a panellist at the group's briefing of 5 October 2018, "
        "where ICAT's issue brief on trafficking in persons and refugee status was presented; its "
        "Director of International Protection welcomed the mapping resource in 2021. The other "
        "details of this profile are illustrative.",
        "International protection of refugees; identification and referral of victims among "
        "refugees and asylum-seekers.",
        ("africa", "arab-states", "europe-central-asia", "asia-pacific"),
        ("sexual", "labour", "children"),
        ("protection", "policy"),
        ("migration", "crises"),
        (G, R, N),
        180,
        (
            BRIEFING_2018,
            InitiativeSeed(
                "ICAT issue brief: Trafficking in Persons and Refugee Status (September 2017)",
                2017,
                2017,
                PAST,
                "ICAT members",
                ("global",),
                (),
                (),
                ("policy",),
            ),
        ),
    ),
    ProfileSeed(
        "UNICEF",
        "From the group's public texts: chair of ICAT in 2012 and 2018, chairing with UNODC the "
        "briefing to Member States of 5 October 2018, where ICAT's issue brief on trafficking in "
        "children was presented; one of the six organisations that launched UN.GIFT in 2007. The "
        "other details of this profile are illustrative.",
        "Child protection systems; children on the move; birth registration.",
        ("africa", "asia-pacific", "americas"),
        ("children", "sexual", "labour"),
        ("protection", "prevention", "policy"),
        ("survivors", "data"),
        (G, R, N),
        250,
        (
            BRIEFING_2018,
            InitiativeSeed(
                "ICAT issue brief: Trafficking in Children",
                None,
                None,
                PAST,
                "ICAT members",
                ("global",),
                (),
                ("children",),
                ("policy",),
            ),
        ),
        (UN_GIFT,),
    ),
    ProfileSeed(
        "UNICRI",
        "Illustrative profile: the UN institute for research on crime and justice. The seeds name "
        "it as a member only.",
        "Applied research; training of justice practitioners.",
        ("europe-central-asia", "africa"),
        ("labour", "sexual"),
        ("research", "capacity-building"),
        ("evaluation",),
        (G,),
        100,
        (
            InitiativeSeed(
                _illustrative("Study of trafficking routes from West Africa to Europe"),
                2021,
                2023,
                PAST,
                regions=("africa", "europe-central-asia"),
                countries=("NG", "IT"),
                forms=("sexual",),
                interventions=("research",),
            ),
        ),
    ),
    ProfileSeed(
        "UNODC",
        "From the group's public texts: ICAT's permanent coordinator, providing its secretariat; "
        "co-chair in 2021 and, with ICMPD, in 2022; reports every two years on patterns and flows "
        "of trafficking in persons at the national, regional and international levels "
        "(A/RES/64/293); held the Expert Group Meeting in Vienna on 4-5 July 2016 behind ICAT's "
        "toolkit for designing and evaluating counter-trafficking programmes; one of the six "
        "organisations that launched UN.GIFT in 2007. The other details of this profile are "
        "illustrative.",
        "The Trafficking in Persons Protocol; criminal justice responses; data on patterns and "
        "flows; technical assistance to States.",
        ("global", "africa", "arab-states", "europe-central-asia", "asia-pacific", "americas"),
        ("sexual", "labour", "children", "organs", "criminality"),
        ("prosecution", "technical-assistance", "research", "capacity-building", "partnership"),
        ("data", "evaluation", "crises"),
        (G, R, N),
        30,
        (
            InitiativeSeed(
                "Report on patterns and flows of trafficking in persons, every two years",
                2010,
                None,
                ONGOING,
                "Member States",
                ("global",),
                (),
                ("sexual", "labour", "children"),
                ("research",),
            ),
            InitiativeSeed(
                "Expert Group Meeting on the ICAT toolkit for designing and evaluating "
                "counter-trafficking programmes, Vienna, 4-5 July 2016",
                2016,
                2016,
                PAST,
                "ICAT members",
                ("global",),
                (),
                (),
                ("research", "capacity-building"),
            ),
        ),
        (
            PartnershipSeed(
                "Inter-Agency Coordination Group against Trafficking in Persons (ICAT)",
                "The member organisations of ICAT",
                "Permanent coordinator, providing the secretariat",
            ),
            UN_GIFT,
        ),
        earlier=(
            900,
            ("global", "mena", "europe-central-asia"),
            ("sexual", "labour", "children", "begging"),
        ),
    ),
    ProfileSeed(
        "SRSG-SVC",
        "Illustrative profile: the office of the Special Representative on Sexual Violence in "
        "Conflict, which documents trafficking for sexual exploitation by parties to conflict. The "
        "seeds name it as a member of the Working Group only.",
        "Advocacy; monitoring and reporting of conflict-related sexual violence.",
        ("africa", "arab-states"),
        ("sexual", "marriage"),
        ("policy", "prevention"),
        ("crises", "gender", "survivors"),
        (G,),
        220,
        (
            InitiativeSeed(
                _illustrative(
                    "Annual reporting on trafficking as conflict-related sexual violence"
                ),
                2017,
                None,
                ONGOING,
                regions=("africa", "arab-states"),
                countries=("IQ", "SY", "NG"),
                forms=("sexual", "marriage"),
                interventions=("policy",),
            ),
        ),
    ),
    ProfileSeed(
        "UN Women",
        "From the group's public texts: co-chair of ICAT in 2019 with the OSCE; presented at the "
        "briefing of 5 October 2018 the findings and recommendations of the Secretary-General's "
        "report on trafficking in women and girls (A/73/263), which includes inputs from many ICAT "
        "agencies. The other details of this profile are illustrative.",
        "Gender equality and the empowerment of women; the gender dimensions of trafficking.",
        ("global", "asia-pacific", "africa"),
        ("sexual", "labour", "marriage"),
        ("policy", "prevention", "research"),
        ("gender", "survivors"),
        (G, R, N),
        160,
        (
            InitiativeSeed(
                "Report of the Secretary-General on trafficking in women and girls (A/73/263)",
                2018,
                2018,
                PAST,
                "Inputs from many ICAT agencies",
                ("global",),
                (),
                ("sexual", "labour", "marriage"),
                ("research", "policy"),
            ),
            InitiativeSeed(
                "Co-chairing ICAT with the OSCE",
                2019,
                2019,
                PAST,
                "OSCE",
                ("global",),
                (),
                (),
                ("partnership",),
            ),
        ),
    ),
    ProfileSeed(
        "World Bank",
        "Illustrative profile: the development bank, concerned with forced labour in the supply "
        "chains of the projects it finances. The seeds name it as a member only.",
        "Development finance; safeguards in procurement; labour risk in supply chains.",
        ("global",),
        ("labour",),
        ("research", "prevention"),
        ("procurement",),
        (G,),
        400,
        (
            InitiativeSeed(
                _illustrative("Forced labour risk assessment in financed supply chains"),
                2020,
                2022,
                PAST,
                regions=("global",),
                forms=("labour",),
                interventions=("research",),
            ),
        ),
    ),
]

# The revisions in progress.
SUBMITTED = "ILO"
SUBMITTED_DAYS_AGO = 3
SUBMITTED_INITIATIVE = InitiativeSeed(
    _illustrative("Fair recruitment corridors between South Asia and the Gulf"),
    2024,
    None,
    ONGOING,
    "Employers' and workers' organisations",
    ("asia-pacific", "arab-states"),
    ("NP", "BD", "QA", "SA"),
    ("labour",),
    ("prevention", "technical-assistance"),
)
RETURNED = "UNICEF"
RETURNED_SUBMITTED_DAYS_AGO = 12
RETURNED_REVIEWED_DAYS_AGO = 9
RETURNED_INITIATIVE = InitiativeSeed(
    _illustrative("Safe pathways for unaccompanied children on the move"),
    None,
    None,
    ONGOING,
)
RETURN_COMMENT = (
    "Thank you for the update. Before we publish it: please give the first year and the "
    "regions of the new initiative on unaccompanied children, and the countries it covers, so "
    "that the overview can count it. The rest reads well."
)
# When the retired terms were retired: after the older revisions that use them were published.
RETIRED_DAYS_AGO = 450


# --- Loading -------------------------------------------------------------------------------------


@dataclass
class Written:
    terms: int = 0
    profiles: int = 0
    revisions: int = 0
    initiatives: int = 0
    partnerships: int = 0

    def as_counts(self) -> dict[str, int]:
        return {
            "mapping_terms": self.terms,
            "mapping_profiles": self.profiles,
            "mapping_revisions": self.revisions,
            "mapping_initiatives": self.initiatives,
            "mapping_partnerships": self.partnerships,
        }


def _days_ago(days: int) -> datetime:
    """Ten in the morning, `days` days ago in the group's calendar."""
    return datetime.combine(
        group_today() - timedelta(days=days), time(10), tzinfo=group_time_zone()
    )


class _Loader:
    def __init__(self, written: Written) -> None:
        self.written = written
        self.terms: dict[tuple[str, str], Term] = {}
        self.secretariat = Person.objects.filter(email=demo_email("secretariat")).first()

    def load_terms(self) -> None:
        existing = {(t.taxonomy, t.code): t for t in Term.objects.all()}
        for position, seed in enumerate(TERMS):
            term = existing.get((seed.taxonomy, seed.code))
            if term is None:
                term = Term.objects.create(
                    taxonomy=seed.taxonomy,
                    code=seed.code,
                    label_en=seed.en,
                    label_fr=seed.fr,
                    label_es=seed.es,
                    m49_code=seed.m49_code,
                    countries=",".join(seed.countries),
                    position=position,
                    retired_at=_days_ago(RETIRED_DAYS_AGO) if seed.retired else None,
                )
                self.written.terms += 1
            self.terms[(seed.taxonomy, seed.code)] = term

    def _terms(self, taxonomy: str, codes: tuple[str, ...]) -> list[Term]:
        return [self.terms[(taxonomy, code)] for code in codes]

    def _revision(
        self,
        profile: Profile,
        seed: ProfileSeed,
        *,
        number: int,
        state: str,
        focal: Person | None,
        created_at: datetime,
        submitted_at: datetime | None,
        reviewed_at: datetime | None,
        regions: tuple[str, ...] | None = None,
        forms: tuple[str, ...] | None = None,
        expertise: str | None = None,
        review_comment: str = "",
        more_initiatives: tuple[InitiativeSeed, ...] = (),
    ) -> Revision:
        revision = Revision.objects.create(
            profile=profile,
            number=number,
            state=state,
            mandate=seed.mandate,
            expertise=expertise if expertise is not None else seed.expertise,
            levels=list(seed.levels),
            contact_name=f"{seed.acronym} Focal Point (demo)",
            contact_email=demo_email("focal", seed.acronym),
            created_at=created_at,
            created_by=focal,
            updated_at=submitted_at or created_at,
            submitted_at=submitted_at,
            submitted_by=focal if submitted_at else None,
            reviewed_at=reviewed_at,
            reviewed_by=self.secretariat if reviewed_at else None,
            review_comment=review_comment,
        )
        revision.regions.set(self._terms(REGION, regions if regions is not None else seed.regions))
        revision.forms.set(self._terms(FORM, forms if forms is not None else seed.forms))
        revision.interventions.set(self._terms(INTERVENTION, seed.interventions))
        revision.priority_areas.set(self._terms(PRIORITY, seed.priority_areas))
        for position, initiative_seed in enumerate((*seed.initiatives, *more_initiatives)):
            self._initiative(revision, initiative_seed, position)
        for position, partnership in enumerate(seed.partnerships):
            Partnership.objects.create(
                revision=revision,
                name=partnership.name,
                partners=partnership.partners,
                role=partnership.role,
                position=position,
            )
            self.written.partnerships += 1
        self.written.revisions += 1
        return revision

    def _initiative(self, revision: Revision, seed: InitiativeSeed, position: int) -> None:
        initiative = Initiative.objects.create(
            revision=revision,
            title=seed.title,
            start_year=seed.start_year,
            end_year=seed.end_year,
            status=seed.status,
            partners=seed.partners,
            countries=",".join(seed.countries),
            position=position,
        )
        initiative.regions.set(self._terms(REGION, seed.regions))
        initiative.forms.set(self._terms(FORM, seed.forms))
        initiative.interventions.set(self._terms(INTERVENTION, seed.interventions))
        self.written.initiatives += 1

    def load_profile(self, organisation: Organisation, seed: ProfileSeed) -> None:
        """The organisation's profile: its earlier revision (superseded), its published one, and
        the revision in progress the demonstration gives it."""
        focal = Person.objects.filter(email=demo_email("focal", seed.acronym)).first()
        published_at = _days_ago(seed.published_days_ago)
        first_created = _days_ago(
            (seed.earlier[0] if seed.earlier else seed.published_days_ago) + 14
        )
        profile = Profile.objects.create(organisation=organisation, created_at=first_created)
        self.written.profiles += 1
        number = 1
        if seed.earlier is not None:
            days, regions, forms = seed.earlier
            self._revision(
                profile,
                seed,
                number=number,
                state=Revision.State.SUPERSEDED,
                focal=focal,
                created_at=first_created,
                submitted_at=_days_ago(days + 3),
                reviewed_at=_days_ago(days),
                regions=regions,
                forms=forms,
            )
            number += 1
        published = self._revision(
            profile,
            seed,
            number=number,
            state=Revision.State.PUBLISHED,
            focal=focal,
            created_at=_days_ago(seed.published_days_ago + 10),
            submitted_at=_days_ago(seed.published_days_ago + 3),
            reviewed_at=published_at,
        )
        profile.published = published
        profile.published_at = published_at
        profile.save(update_fields=["published", "published_at"])
        if seed.acronym == SUBMITTED:
            self._revision(
                profile,
                seed,
                number=number + 1,
                state=Revision.State.SUBMITTED,
                focal=focal,
                created_at=_days_ago(SUBMITTED_DAYS_AGO + 6),
                submitted_at=_days_ago(SUBMITTED_DAYS_AGO),
                reviewed_at=None,
                expertise=seed.expertise + " Fair recruitment in labour migration corridors.",
                more_initiatives=(SUBMITTED_INITIATIVE,),
            )
        elif seed.acronym == RETURNED:
            self._revision(
                profile,
                seed,
                number=number + 1,
                state=Revision.State.RETURNED,
                focal=focal,
                created_at=_days_ago(RETURNED_SUBMITTED_DAYS_AGO + 5),
                submitted_at=_days_ago(RETURNED_SUBMITTED_DAYS_AGO),
                reviewed_at=_days_ago(RETURNED_REVIEWED_DAYS_AGO),
                review_comment=RETURN_COMMENT,
                more_initiatives=(RETURNED_INITIATIVE,),
            )


@transaction.atomic
def load_mapping() -> dict[str, int]:
    """Write the taxonomies' terms and the members' profiles that are not there yet; returns how
    many rows of each kind were written (nothing when the demonstration group is not loaded)."""
    written = Written()
    organisations = {o.acronym: o for o in Organisation.objects.current()}
    if not organisations or not Person.objects.filter(email=demo_email("secretariat")).exists():
        return written.as_counts()
    # The demonstration's history is written, not announced: nobody is emailed about it.
    with contract.muted():
        loader = _Loader(written)
        loader.load_terms()
        has_profile = set(Profile.objects.values_list("organisation_id", flat=True))
        for seed in PROFILES:
            organisation = organisations.get(seed.acronym)
            if organisation is not None and organisation.pk not in has_profile:
                loader.load_profile(organisation, seed)
    return written.as_counts()
