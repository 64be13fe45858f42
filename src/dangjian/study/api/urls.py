from rest_framework.routers import DefaultRouter

from .views import CourseViewSet, NoteViewSet, StudyCompletionViewSet, StudyItemViewSet, StudyPlanViewSet

app_name = "study-api"
router = DefaultRouter()
router.register("plans", StudyPlanViewSet, basename="plan")
router.register("items", StudyItemViewSet, basename="item")
router.register("completions", StudyCompletionViewSet, basename="completion")
router.register("courses", CourseViewSet, basename="course")
router.register("notes", NoteViewSet, basename="note")
urlpatterns = router.urls
