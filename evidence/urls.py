from django.urls import path

from evidence import views

urlpatterns = [
    path("<uuid:public_id>/", views.display_copy, name="evidence"),
    path("<uuid:public_id>/original/", views.original, name="evidence_original"),
]
