from __future__ import annotations

from django.urls import path

import common.urls  # noqa: F401  # registers <id:...>, the converter of object ids
from meetings import minutes_views, reminder_views, series_views, views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("calendar/", views.month, name="month_now"),
    path("calendar/<int:year>/<int:month>/", views.month, name="month"),
    path("calendar/subscribe/", views.calendar_settings, name="calendar_settings"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("new/", views.meeting_create, name="meeting_create"),
    path("series/new/", series_views.series_create, name="series_create"),
    path("series/<id:pk>/", series_views.series_detail, name="series_detail"),
    path("series/<id:pk>.ics", series_views.series_ics, name="series_ics"),
    path("series/<id:pk>/publish/", series_views.series_publish, name="series_publish"),
    path("<id:pk>/following/", series_views.series_edit_following, name="series_edit_following"),
    path("<id:pk>/end-series/", series_views.series_end, name="series_end"),
    path("<id:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<id:pk>.ics", views.meeting_ics, name="meeting_ics"),
    path("<id:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<id:pk>/status/<slug:action>/", views.meeting_status, name="meeting_status"),
    path("<id:pk>/invitees/", views.invitees_set, name="invitees_set"),
    path("<id:pk>/rsvp/", views.rsvp, name="rsvp"),
    path("<id:pk>/rsvp/remind/", reminder_views.rsvp_remind, name="rsvp_remind"),
    path("<id:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("agenda/<id:pk>/edit/", views.agenda_edit, name="agenda_edit"),
    path("agenda/<id:pk>/move/<slug:direction>/", views.agenda_move, name="agenda_move"),
    path("agenda/<id:pk>/remove/", views.agenda_remove, name="agenda_remove"),
    path("<id:pk>/minutes/", views.minutes_save, name="minutes_save"),
    path("<id:pk>/minutes/answers/", minutes_views.minutes_answers, name="minutes_answers"),
    path("<id:pk>/minutes/answer/", minutes_views.minutes_answer, name="minutes_answer"),
    path("minutes/answers/<id:pk>/reply/", minutes_views.minutes_reply, name="minutes_reply"),
    path("<id:pk>/minutes/circulate/", minutes_views.minutes_circulate, name="minutes_circulate"),
    path("<id:pk>/minutes/approve/", minutes_views.minutes_approve, name="minutes_approve"),
    path("<id:pk>/attendance/", minutes_views.attendance_record, name="attendance_record"),
    path("<id:pk>/decisions/", views.decision_add, name="decision_add"),
    path("decisions/<id:pk>/remove/", views.decision_remove, name="decision_remove"),
    path("<id:pk>/actions/", views.action_add, name="action_add"),
    path("actions/<id:pk>/remove/", views.action_remove, name="action_remove"),
    path("actions/<id:pk>/work-item/", views.action_to_work_item, name="action_to_work_item"),
    path("<id:pk>/documents/", views.document_upload, name="document_upload"),
    path("documents/<id:pk>/", views.document_download, name="document_download"),
    path("documents/<id:pk>/remove/", views.document_remove, name="document_remove"),
]
