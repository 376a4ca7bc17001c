from django.urls import path

from exports import views

app_name = "exports"

# The numeric paths first: a kind is a slug, and a number is a slug too.
urlpatterns = [
    path("<int:export_id>/", views.status, name="status"),
    path("<int:export_id>/download/", views.download, name="download"),
    path("<slug:kind>/", views.start, name="start"),
]
