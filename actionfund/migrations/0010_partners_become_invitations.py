"""Partners picked before invitations existed become invitations.

Before, the applicant ticked partner organisations and they were never asked. What status
their links get:

- Applications not decided yet (draft, submitted, more information requested, in review):
  "invited". Nobody of the partner ever agreed, so no consent can be claimed; the partner now
  finds the invitation in the portal and may accept or decline. Until one accepts, the
  application has the ceiling for one organisation, and staff see a warning on it if its
  budget is above that (``selectors.ceiling_warning``). No e-mail is sent by a migration.
- Applications already decided (approved and after, rejected, withdrawn): "accepted" with no
  consent record (empty consent version, nobody named as deciding). The decision was taken
  on these partners; rewriting them would change past funding agreements, exports and
  figures. The empty consent version marks them as taken over, not agreed in the portal.

``Application.partners`` keeps only the accepted ones (the services keep it so from now on).
"""

from django.db import migrations

UNDECIDED = ("draft", "submitted", "info_requested", "in_review")


def forwards(apps, schema_editor):
    Application = apps.get_model("actionfund", "Application")
    PartnerInvitation = apps.get_model("actionfund", "PartnerInvitation")
    Link = Application.partners.through
    links = Link.objects.select_related("application").order_by("pk")
    new, undecided_links = [], []
    for link in links.iterator():
        application = link.application
        undecided = application.status in UNDECIDED
        new.append(
            PartnerInvitation(
                application_id=application.pk,
                organisation_id=link.organisation_id,
                status="invited" if undecided else "accepted",
                invited_by_id=application.created_by_id,
                invited_at=application.created_at,
            )
        )
        if undecided:
            undecided_links.append(link.pk)
    PartnerInvitation.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    Link.objects.filter(pk__in=undecided_links).delete()


def backwards(apps, schema_editor):
    Application = apps.get_model("actionfund", "Application")
    PartnerInvitation = apps.get_model("actionfund", "PartnerInvitation")
    Link = Application.partners.through
    for invitation in PartnerInvitation.objects.filter(status__in=["invited", "accepted"]):
        Link.objects.get_or_create(
            application_id=invitation.application_id, organisation_id=invitation.organisation_id
        )


class Migration(migrations.Migration):
    dependencies = [("actionfund", "0009_partner_invitations")]

    operations = [migrations.RunPython(forwards, backwards)]
