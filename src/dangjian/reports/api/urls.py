from rest_framework.routers import DefaultRouter

from .views import DraftViewSet, FigureViewSet, TemplateViewSet

app_name = "reports-api"
router = DefaultRouter()
router.register("templates", TemplateViewSet, basename="template")
router.register("drafts", DraftViewSet, basename="draft")
router.register("figures", FigureViewSet, basename="figure")
urlpatterns = [*router.urls]
