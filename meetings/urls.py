from __future__ import annotations

from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("calendar/", views.month, name="month_now"),
    path("calendar/<int:year>/<int:month>/", views.month, name="month"),
    path("calendar/subscribe/", views.calendar_settings, name="calendar_settings"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("new/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>.ics", views.meeting_ics, name="meeting_ics"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/status/<slug:action>/", views.meeting_status, name="meeting_status"),
    path("<int:pk>/invitees/", views.invitees_set, name="invitees_set"),
    path("<int:pk>/rsvp/", views.rsvp, name="rsvp"),
    path("<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("agenda/<int:pk>/edit/", views.agenda_edit, name="agenda_edit"),
    path("agenda/<int:pk>/move/<slug:direction>/", views.agenda_move, name="agenda_move"),
    path("agenda/<int:pk>/remove/", views.agenda_remove, name="agenda_remove"),
    path("<int:pk>/minutes/", views.minutes_save, name="minutes_save"),
    path("<int:pk>/minutes/circulate/", views.minutes_circulate, name="minutes_circulate"),
    path("<int:pk>/minutes/approve/", views.minutes_approve, name="minutes_approve"),
    path("<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("decisions/<int:pk>/remove/", views.decision_remove, name="decision_remove"),
    path("<int:pk>/actions/", views.action_add, name="action_add"),
    path("actions/<int:pk>/remove/", views.action_remove, name="action_remove"),
    path("actions/<int:pk>/work-item/", views.action_to_work_item, name="action_to_work_item"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("documents/<int:pk>/remove/", views.document_remove, name="document_remove"),
]
