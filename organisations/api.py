"""The registry's endpoints: the organisations a person may see, as their profile page shows
them (centre staff: the directory, with its filters and search; members: their own)."""

from django.db.models import Prefetch, prefetch_related_objects
from rest_framework import serializers

from ikmo.api.base import ReadOnlyViewSet
from ikmo.api.routes import Route
from ikmo.api.serializers import TranslatedNameSerializer

from . import selectors
from .filters import OrganisationFilter
from .models import District, FieldOfWork, NetworkMembership, Organisation, SpokenLanguage


class OrganisationDistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["id", "name"]


class FieldOfWorkSerializer(TranslatedNameSerializer):
    class Meta(TranslatedNameSerializer.Meta):
        model = FieldOfWork


class SpokenLanguageSerializer(TranslatedNameSerializer):
    class Meta(TranslatedNameSerializer.Meta):
        model = SpokenLanguage


class NetworkSerializer(serializers.ModelSerializer):
    """A network the organisation is a confirmed member of: its name only."""

    id = serializers.IntegerField(source="network.id")
    name = serializers.CharField(source="network.name")

    class Meta:
        model = NetworkMembership
        fields = ["id", "name"]


class OrganisationSerializer(serializers.ModelSerializer):
    """The profile as the organisation's page shows it to anyone who may open it. The people
    of the organisation are left out (their names are personal data)."""

    district = OrganisationDistrictSerializer(allow_null=True)
    fields_of_work = FieldOfWorkSerializer(many=True)
    languages = SpokenLanguageSerializer(many=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:organisations_organisations-detail")
    networks = NetworkSerializer(many=True, source="confirmed_networks")
    # The person at the centre the organisation turns to, by name only (as on its page;
    # the e-mail address stays on the page).
    centre_contact = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = [
            "id",
            "url",
            "name",
            "kind",
            "legal_form",
            "founding_year",
            "stage",
            "status",
            "district",
            "social_space",
            "fields_of_work",
            "languages",
            "communities_served",
            "description",
            "email",
            "phone",
            "street",
            "postcode",
            "city",
            "website",
            "networks",
            "centre_contact",
        ]
        read_only_fields = fields

    def get_centre_contact(self, organisation) -> str | None:
        contact = organisation.centre_contact
        return str(contact) if contact is not None else None


def _confirmed_networks():
    return Prefetch(
        "network_memberships",
        queryset=NetworkMembership.objects.filter(status=NetworkMembership.Status.ACTIVE)
        .select_related("network")
        .order_by("network__name"),
        to_attr="confirmed_networks",
    )


class OrganisationViewSet(ReadOnlyViewSet):
    """Organisations: for the centre's staff the directory (filters and search as on its
    page), for everyone else the organisations they are an active member of."""

    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.none()  # for the schema; see get_queryset
    filterset_class = OrganisationFilter
    ordering_fields = ["name", "founding_year", "created_at"]
    ordering = ["name", "pk"]

    def get_queryset(self):
        return (
            selectors.organisations_for_user(self.request.user)
            .with_lists()
            .prefetch_related(_confirmed_networks())
            .order_by("name", "pk")
        )

    def get_object(self):
        organisation = selectors.get_organisation_for_user(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, organisation)
        prefetch_related_objects([organisation], _confirmed_networks())
        return organisation


ROUTES = [Route("organisations/organisations", OrganisationViewSet, "organisations_organisations")]
