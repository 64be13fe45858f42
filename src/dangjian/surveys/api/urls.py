from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import PublicSubmitView, SurveyViewSet

app_name = "surveys-api"
router = DefaultRouter()
router.register("surveys", SurveyViewSet, basename="survey")
urlpatterns = [
    path("public/<str:token>/", PublicSubmitView.as_view(), name="public-submit"),
    *router.urls,
]
