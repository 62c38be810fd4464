from django.urls import path

from . import views

urlpatterns = [
    path("kuis/<int:quiz_id>/", views.quiz_detail, name="quiz_detail"),
    path("kuis/<int:quiz_id>/mulai/", views.quiz_start, name="quiz_start"),
    path("kuis/percobaan/<int:attempt_id>/", views.attempt_take, name="attempt_take"),
    path("kuis/percobaan/<int:attempt_id>/simpan/", views.attempt_save, name="attempt_save"),
    path("kuis/percobaan/<int:attempt_id>/kirim/", views.attempt_finish, name="attempt_finish"),
    path("kuis/percobaan/<int:attempt_id>/hasil/", views.attempt_result, name="attempt_result"),
]
