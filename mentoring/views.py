from django.shortcuts import render

from ikmo.subprojects import SubProject


def home(request):
    return render(request, "mentoring/home.html", {"subproject": SubProject.MENTORING})
