from rest_framework.routers import DefaultRouter

from .views import FindingViewSet, PlanViewSet, SampleViewSet, TeamViewSet, UnitInspectionViewSet

app_name = "inspections-api"
router = DefaultRouter()
router.register("plans", PlanViewSet, basename="plan")
router.register("teams", TeamViewSet, basename="team")
router.register("units", UnitInspectionViewSet, basename="unit")
router.register("samples", SampleViewSet, basename="sample")
router.register("findings", FindingViewSet, basename="finding")
urlpatterns = router.urls
