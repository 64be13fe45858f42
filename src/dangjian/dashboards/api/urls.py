from rest_framework.routers import DefaultRouter

app_name = "dashboards-api"
router = DefaultRouter()
urlpatterns = [*router.urls]
