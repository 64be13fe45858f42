from rest_framework.routers import DefaultRouter

from . import views, views_rubrics

app_name = "evaluation-api"
router = DefaultRouter()
router.register("rubrics", views_rubrics.RubricViewSet, basename="rubric")
router.register("sections", views_rubrics.SectionViewSet, basename="section")
router.register("items", views_rubrics.ItemViewSet, basename="item")
router.register("assessments", views.AssessmentViewSet, basename="assessment")
router.register("units", views.UnitViewSet, basename="unit")
router.register("scores", views.ScoreViewSet, basename="score")
router.register("appeals", views.AppealViewSet, basename="appeal")
urlpatterns = router.urls
