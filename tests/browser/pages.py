"""The demonstration's pages the browser checks, one of each kind and every app's, for each
role that sees a different page (the secretariat, a chair, a focal point, a principal, an
observer). Used by the accessibility test (axe at 1280 and 390 pixels)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from coordination.demo import demo_email
from coordination.models import Announcement, ChairTerm, Organisation
from mapping.models import Profile, Revision
from meetings.models import Invitation, Meeting, Minutes, Series
from statements.models import EndorsementRound, Statement
from workplans.models import WorkItem, WorkPlan


def scheduled_meeting_owed_by(acronym: str) -> Meeting:
    """A published meeting that the organisation has not answered: its page shows the RSVP."""
    invitation = (
        Invitation.objects.filter(
            organisation__acronym=acronym,
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__starts_at__gt=timezone.now(),
        )
        .select_related("meeting")
        .order_by("meeting__starts_at")
        .first()
    )
    assert invitation, f"the demonstration invites {acronym} to a meeting to come"
    return invitation.meeting


def item_of(acronym: str) -> WorkItem:
    """A work item the organisation leads or contributes to: its focal points post updates."""
    organisation = Organisation.objects.get(acronym=acronym)
    item = (
        WorkItem.objects.filter(lead_organisation=organisation).first()
        or WorkItem.objects.filter(contributing_organisations=organisation).first()
    )
    assert item, f"the demonstration has an item of {acronym}"
    return item


def demo_pages() -> dict[str, list[str]]:
    """Each role's email and the paths it opens, after coordination.demo.load_everything."""
    plan = WorkPlan.objects.get()
    at_risk = WorkItem.objects.filter(status="at_risk").first()
    held = Meeting.objects.filter(status=Meeting.Status.HELD).order_by("-starts_at").first()
    unodc = Organisation.objects.get(acronym="UNODC")
    unwomen = Organisation.objects.get(acronym="UN Women")
    un_women_item = item_of("UN Women")
    series = Series.objects.first()
    statement = Statement.objects.order_by("pk").first()
    # A statement whose text is still being drafted: its editor.
    drafting = next((s for s in Statement.objects.order_by("pk") if s.text_is_open), None)
    open_round = EndorsementRound.objects.order_by("-pk").first()
    announcement = Announcement.objects.order_by("-pk").first()
    term = ChairTerm.objects.order_by("-starts_on").first()
    profile = Profile.objects.select_related("organisation").first()
    in_review = Revision.objects.filter(state=Revision.State.SUBMITTED).first()
    draft = Revision.objects.filter(
        state__in=[Revision.State.DRAFT, Revision.State.RETURNED]
    ).first()
    circulated = Minutes.objects.exclude(status="draft").select_related("meeting").first()
    assert at_risk and held and un_women_item and series and statement and drafting
    assert open_round and announcement and term and profile and in_review and draft and circulated
    chair_meeting = scheduled_meeting_owed_by("ICMPD")
    owed = scheduled_meeting_owed_by("UN Women")
    secretariat = [
        "/",
        "/members/",
        unodc.get_absolute_url(),
        "/people/",
        "/invitations/",
        "/history/",
        "/profile/",
        "/chairs/",
        reverse("coordination:handover_detail", args=[term.pk]),
        "/workplans/",
        plan.get_absolute_url(),
        "/workplans/items/",
        at_risk.get_absolute_url(),
        reverse("workplans:item_edit", args=[at_risk.pk]),
        reverse("workplans:report", args=[plan.pk, plan.last_year - 1]),
        "/meetings/",
        "/meetings/calendar/",
        held.get_absolute_url(),
        chair_meeting.get_absolute_url(),
        reverse("meetings:meeting_edit", args=[chair_meeting.pk]),
        reverse("meetings:minutes_answers", args=[circulated.meeting.pk]),
        series.get_absolute_url(),
        "/statements/",
        statement.get_absolute_url(),
        reverse("statements:version_edit", args=[drafting.pk]),
        reverse("statements:round_board", args=[open_round.pk]),
        "/mapping/",
        reverse("mapping:profile_detail", args=[profile.organisation.slug]),
        reverse("mapping:profile_edit", args=[profile.organisation.slug]),
        reverse("mapping:revision_detail", args=[in_review.pk]),
        reverse("mapping:revision_edit", args=[draft.pk]),
        "/announcements/",
        "/announcements/new/",
        reverse("coordination:announcement_detail", args=[announcement.pk]),
        "/search/?q=trafficking",
        "/notifications/",
        "/notifications/preferences/",
    ]
    return {
        demo_email("secretariat"): secretariat,
        # ICMPD chairs this year in the demonstration.
        demo_email("focal", "ICMPD"): ["/", chair_meeting.get_absolute_url()],
        demo_email("focal", "UN Women"): [
            "/",
            owed.get_absolute_url(),  # the RSVP owed comes first on a phone
            un_women_item.get_absolute_url(),  # the update form comes first on a phone
            reverse("mapping:profile_edit", args=[unwomen.slug]),
        ],
        demo_email("principal", "UNICEF"): [
            "/",
            reverse("statements:round_board", args=[open_round.pk]),
        ],
        demo_email("observer"): ["/", statement.get_absolute_url()],
    }
