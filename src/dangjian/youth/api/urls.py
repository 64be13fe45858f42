from rest_framework.routers import DefaultRouter

from .views import CohortViewSet, RecommendationViewSet, TraineeViewSet, YouthOrganizationViewSet

app_name = "youth-api"
router = DefaultRouter()
router.register("organizations", YouthOrganizationViewSet, basename="youth-organization")
router.register("recommendations", RecommendationViewSet, basename="recommendation")
router.register("cohorts", CohortViewSet, basename="cohort")
router.register("trainees", TraineeViewSet, basename="trainee")
urlpatterns = router.urls
