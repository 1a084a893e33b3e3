"""The core's endpoints: who am I, and my documents."""

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from ikmo.documents import documents_for_user, get_document_for_user
from ikmo.models import GeneratedDocument

from .auth import SignedIn, token_of
from .base import ConditionalMixin, ReadOnlyViewSet
from .routes import Route


class MembershipSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    role = serializers.CharField()


class StaffRoleSerializer(serializers.Serializer):
    role = serializers.CharField()
    subproject = serializers.CharField(allow_blank=True)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")
    email = serializers.EmailField()
    preferred_language = serializers.CharField()
    memberships = MembershipSerializer(many=True)
    staff_roles = StaffRoleSerializer(many=True)
    token_scope = serializers.CharField(
        allow_null=True, help_text="The scope of the token used; null for the session."
    )


class MeView(ConditionalMixin, APIView):
    """The person the token or session belongs to."""

    permission_classes = [SignedIn]

    @extend_schema(responses=MeSerializer, operation_id="me_retrieve")
    def get(self, request):
        from organisations.selectors import memberships_of

        user = request.user
        token = token_of(request)
        data = {
            "id": user.pk,
            "get_full_name": user.get_full_name(),
            "email": user.email,
            "preferred_language": user.preferred_language,
            "memberships": list(memberships_of(user).select_related("organisation")),
            "staff_roles": [{"role": r, "subproject": sp or ""} for r, sp in user.staff_role_set],
            "token_scope": token.scope if token else None,
        }
        return Response(MeSerializer(data).data)


class DocumentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = GeneratedDocument
        fields = [
            "id",
            "kind",
            "title",
            "organisation",
            "language",
            "status",
            "progress",
            "created_at",
            "finished_at",
            "expires_at",
            "download_url",
        ]

    def get_download_url(self, document) -> str | None:
        if document.status != GeneratedDocument.Status.DONE:
            return None
        return reverse("document_download", args=[document.pk], request=self.context.get("request"))


class DocumentViewSet(ReadOnlyViewSet):
    """Generated PDFs the person asked for, or of their organisations, that they may open.
    The file itself is downloaded through the portal's download link (signed-in session)."""

    permission_classes = [SignedIn]
    serializer_class = DocumentSerializer
    filter_backends = []  # the person's own documents, newest first: nothing to filter
    queryset = GeneratedDocument.objects.none()  # for the schema; see get_queryset

    def get_queryset(self):
        user = self.request.user
        mine = GeneratedDocument.objects.filter(
            Q(requested_by=user)
            | Q(organisation__memberships__user=user, organisation__memberships__status="active")
        ).distinct()
        return documents_for_user(user, mine.order_by("-created_at", "-pk"))

    def get_object(self):
        return get_document_for_user(self.request.user, self.kwargs["pk"])


CORE_ROUTES = [
    Route("documents", DocumentViewSet, "documents"),
]
