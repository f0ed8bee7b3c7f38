from __future__ import annotations

from django.urls import path

import common.urls  # noqa: F401  # registers <id:...>, the converter of object ids
from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<id:pk>/", views.notification_open, name="open"),
    path("preferences/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("deliveries/", views.delivery_log, name="deliveries"),
    path("deliveries/<id:pk>/send-again/", views.delivery_send_again, name="send_again"),
]
