from rest_framework.routers import DefaultRouter

from . import views

app_name = "evaluation-api"
router = DefaultRouter()
router.register("rubrics", views.RubricViewSet, basename="rubric")
router.register("assessments", views.AssessmentViewSet, basename="assessment")
router.register("units", views.UnitViewSet, basename="unit")
router.register("scores", views.ScoreViewSet, basename="score")
router.register("appeals", views.AppealViewSet, basename="appeal")
urlpatterns = router.urls
