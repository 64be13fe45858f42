from rest_framework.routers import DefaultRouter

app_name = "statistics-api"
router = DefaultRouter()
urlpatterns = [*router.urls]
