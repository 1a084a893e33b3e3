from django.conf import settings
from django.db import models


class LabVisit(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE)
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    visited_on = models.DateField()

    class Meta:
        app_label = "citizens_lab"

    def __str__(self):
        return f"{self.organisation_id} on {self.visited_on}"
