"""观察员和意见建议 (feedback): see docs/models/feedback/."""

from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("", views.FeedbackListView.as_view(), name="feedback_list"),
    path("<int:pk>/", views.FeedbackDetailView.as_view(), name="feedback_detail"),
    path("<int:pk>/route/", views.FeedbackRouteView.as_view(), name="feedback_route"),
    path("<int:pk>/reply/", views.FeedbackReplyView.as_view(), name="feedback_reply"),
    path("<int:pk>/close/", views.FeedbackCloseView.as_view(), name="feedback_close"),
    path("<int:pk>/rate/", views.FeedbackRateView.as_view(), name="feedback_rate"),
    path("mine/", views.MyFeedbackView.as_view(), name="mine"),
    path("submit/", views.FeedbackSubmitView.as_view(), name="feedback_submit"),
    path("observers/", views.ObserverListView.as_view(), name="observer_list"),
    path("observers/add/", views.ObserverAddView.as_view(), name="observer_add"),
    path("observers/<int:pk>/", views.ObserverDetailView.as_view(), name="observer_detail"),
    path("observers/<int:pk>/end/", views.ObserverEndView.as_view(), name="observer_end"),
    path("links/", views.LinkListView.as_view(), name="link_list"),
    path("links/add/", views.LinkAddView.as_view(), name="link_add"),
    path("links/<int:pk>/deactivate/", views.LinkDeactivateView.as_view(), name="link_deactivate"),
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("stats/export/", views.StatsExportView.as_view(), name="stats_export"),
    # No login: the poster's code, and the submitter's follow-up code (POSTed, never in the URL).
    path("public/follow-up/", views.public_follow_up, name="public_follow_up"),
    path("public/<str:code>/", views.public_submit, name="public_submit"),
]
