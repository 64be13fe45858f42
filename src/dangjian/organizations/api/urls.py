from rest_framework.routers import DefaultRouter

from .views import OrganizationViewSet

app_name = "organizations-api"
router = DefaultRouter()
router.register("", OrganizationViewSet, basename="organization")
urlpatterns = router.urls
