from django.urls import path

from healthloop.assessment import views

urlpatterns = [
    path("calculators", views.CalculatorList.as_view(), name="calculator-list"),
    path("calculators/<str:name>", views.CalculatorRun.as_view(), name="calculator-run"),
]
