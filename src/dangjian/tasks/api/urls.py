from rest_framework.routers import DefaultRouter

from .views import AssignmentViewSet, HolidayScheduleViewSet, KeyTaskListViewSet, TaskViewSet

app_name = "tasks-api"
router = DefaultRouter()
router.register("tasks", TaskViewSet, basename="task")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("key-lists", KeyTaskListViewSet, basename="key-list")
router.register("schedules", HolidayScheduleViewSet, basename="schedule")
urlpatterns = router.urls
