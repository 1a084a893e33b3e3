"""The registry's endpoints: the organisations a person may see, as their profile page shows
them (centre staff: the directory, with its filters and search; members: their own)."""

from rest_framework import serializers

from ikmo.api.base import ReadOnlyViewSet
from ikmo.api.routes import Route
from ikmo.api.serializers import TranslatedNameSerializer

from . import selectors
from .filters import OrganisationFilter
from .models import District, FieldOfWork, Organisation, SpokenLanguage


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


class OrganisationSerializer(serializers.ModelSerializer):
    """The profile as the organisation's page shows it to anyone who may open it. The people
    of the organisation are left out (their names are personal data)."""

    district = OrganisationDistrictSerializer(allow_null=True)
    fields_of_work = FieldOfWorkSerializer(many=True)
    languages = SpokenLanguageSerializer(many=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:organisations_organisations-detail")

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
        ]
        read_only_fields = fields


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
            selectors.organisations_for_user(self.request.user).with_lists().order_by("name", "pk")
        )

    def get_object(self):
        organisation = selectors.get_organisation_for_user(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, organisation)
        return organisation


ROUTES = [Route("organisations/organisations", OrganisationViewSet, "organisations_organisations")]
