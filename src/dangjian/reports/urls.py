"""汇报材料 (reports): pages."""

app_name = "reports"
urlpatterns = []
