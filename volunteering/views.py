from django.shortcuts import render

from ikmo.subprojects import SubProject


def home(request):
    return render(request, "volunteering/home.html", {"subproject": SubProject.VOLUNTEERING})
