from django.shortcuts import render

from ikmo.subprojects import SubProject


def home(request):
    return render(request, "actionfund/home.html", {"subproject": SubProject.ACTIONFUND})
