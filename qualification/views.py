from django.shortcuts import render

from ikmo.subprojects import SubProject


def home(request):
    return render(request, "qualification/home.html", {"subproject": SubProject.QUALIFICATION})
