from django.urls import path

from . import views

urlpatterns = [
    path("belajar/kursus/<int:course_id>/selesai/", views.course_completed, name="course_completed"),
    path("sertifikat/", views.my_certificates, name="my_certificates"),
    path("sertifikat/<int:pk>/unduh/", views.my_certificate_download, name="my_certificate_download"),
    path("verifikasi/", views.verify_form, name="certificate_verify_form"),
    path("verifikasi/<str:code>/", views.verify, name="certificate_verify"),
]
