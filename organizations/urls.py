from django.urls import path

from . import views

urlpatterns = [
    path("aktivasi/", views.activation_request, name="activation_request"),
    path("aktivasi/terkirim/", views.activation_sent, name="activation_sent"),
    path("aktivasi/<str:token>/", views.activation_confirm, name="activation_confirm"),
]
