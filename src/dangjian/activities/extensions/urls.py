from django.urls import path

from . import views

app_name = "life"
urlpatterns = [
    path("themes/", views.ThemeNoticeListView.as_view(), name="themenotice_list"),
    path("themes/add/", views.ThemeNoticeCreateView.as_view(), name="themenotice_add"),
    path("themes/<int:pk>/", views.ThemeNoticeDetailView.as_view(), name="themenotice_detail"),
    path("themes/<int:pk>/edit/", views.ThemeNoticeEditView.as_view(), name="themenotice_edit"),
    path("preparations/", views.PreparationListView.as_view(), name="preparation_list"),
    path("preparations/add/", views.PreparationCreateView.as_view(), name="preparation_add"),
    path("preparations/<int:pk>/", views.PreparationDetailView.as_view(), name="preparation_detail"),
    path("preparations/<int:pk>/link/", views.PreparationLinkView.as_view(), name="preparation_link"),
    path("preparations/<int:pk>/opinions/add/", views.OpinionCreateView.as_view(), name="opinion_add"),
    path(
        "preparations/<int:pk>/self-examinations/add/",
        views.SelfExaminationCreateView.as_view(),
        name="selfexamination_add",
    ),
    path(
        "preparations/<int:pk>/rectification/add/",
        views.RectificationItemCreateView.as_view(),
        name="rectificationitem_add",
    ),
    path(
        "preparations/<int:pk>/rectification/<int:item_pk>/complete/",
        views.RectificationItemCompleteView.as_view(),
        name="rectificationitem_complete",
    ),
    path("notifications/", views.NotificationListView.as_view(), name="notification_list"),
    path("notifications/<int:pk>/read/", views.NotificationReadView.as_view(), name="notification_read"),
]
