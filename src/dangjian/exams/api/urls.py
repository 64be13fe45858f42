from rest_framework.routers import DefaultRouter

from .views import AttemptViewSet, ExamViewSet, QuestionBankViewSet, QuestionViewSet

app_name = "exams-api"
router = DefaultRouter()
router.register("banks", QuestionBankViewSet, basename="questionbank")
router.register("questions", QuestionViewSet, basename="question")
router.register("attempts", AttemptViewSet, basename="attempt")
router.register("", ExamViewSet, basename="exam")
urlpatterns = router.urls
