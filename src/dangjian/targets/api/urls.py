from rest_framework.routers import DefaultRouter

from .views import CommitmentViewSet, EvaluationViewSet, IndicatorViewSet, TargetViewSet

app_name = "targets-api"
router = DefaultRouter()
router.register("targets", TargetViewSet, basename="target")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("commitments", CommitmentViewSet, basename="commitment")
router.register("evaluations", EvaluationViewSet, basename="evaluation")
urlpatterns = router.urls
