from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import FeedbackViewSet, ObserverViewSet, OwnFeedbackViewSet, PublicSubmitView, StatsViewSet

app_name = "feedback-api"
router = DefaultRouter()
router.register("observers", ObserverViewSet, basename="observer")
router.register("items", FeedbackViewSet, basename="feedback")
router.register("stats", StatsViewSet, basename="stats")
router.register("mine", OwnFeedbackViewSet, basename="mine")
urlpatterns = [
    # No login: the public form's API (rate-limited, duplicates refused), see feedback/public.py.
    path("public/<str:code>/", PublicSubmitView.as_view(), name="public-submit"),
    *router.urls,
]
