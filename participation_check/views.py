from django.shortcuts import render

from ikmo.subprojects import SubProject


def home(request):
    return render(request, "participation_check/home.html", {"subproject": SubProject.PARTICIPATION_CHECK})
