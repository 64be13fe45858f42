from rest_framework.routers import DefaultRouter

from .attachments import ActivityAttachmentViewSet
from .views import ActivityViewSet, ComplianceViewSet, RuleViewSet

app_name = "activities-api"
router = DefaultRouter()
router.register("rules", RuleViewSet, basename="rule")
router.register("compliance", ComplianceViewSet, basename="compliance")
router.register(r"(?P<activity_pk>\d+)/attachments", ActivityAttachmentViewSet, basename="attachment")
router.register("", ActivityViewSet, basename="activity")
urlpatterns = router.urls
