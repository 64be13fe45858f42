from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import (
    CheckView,
    DevelopmentFileViewSet,
    DevelopmentPlanViewSet,
    DualRequirementViewSet,
    StatisticsApiView,
)

app_name = "development-api"
router = DefaultRouter()
router.register("files", DevelopmentFileViewSet, basename="file")
router.register("plans", DevelopmentPlanViewSet, basename="plan")
router.register("dual-requirements", DualRequirementViewSet, basename="dual")
urlpatterns = [
    path("check/", CheckView.as_view(), name="check"),
    path("statistics/<int:pk>/", StatisticsApiView.as_view(), name="statistics"),
    *router.urls,
]
