from django.urls import path

from . import views

urlpatterns = [
    path("belajar/", views.my_learning, name="my_learning"),
    path("belajar/kursus/<int:course_id>/daftar/", views.enroll, name="course_enroll"),
    path("belajar/kursus/<int:course_id>/lanjutkan/", views.course_continue, name="course_continue"),
    path("belajar/pelajaran/<int:lesson_id>/selesai/", views.complete_lesson, name="lesson_complete"),
    path("cari/", views.search, name="search"),
]
