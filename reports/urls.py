from django.urls import path

from . import learner

urlpatterns = [
    path("belajar/opd/<int:opd_id>/tinjau/", learner.head_review, name="reports_head_review"),
]
