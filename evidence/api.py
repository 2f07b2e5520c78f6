"""The API's evidence: listed on each entry, and added to an entry with a multipart POST.

The files themselves are fetched from `url` / `original_url` with the same authentication (the
token, or the session), through the view that checks who asks; they are never public links.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from api.fields import get_in_scope
from api.permissions import RolePermission
from api.schema import READ, WRITE, errors
from credits.models import Entry
from evidence.forms import MAX_FILES, too_many_files
from evidence.models import Evidence
from evidence.selectors import evidence_for
from evidence.services import evidence_entry_add
from households.selectors import households_for


class EvidenceSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    url = serializers.SerializerMethodField(help_text="The display copy of a photo (JPEG), or the PDF itself.")
    original_url = serializers.SerializerMethodField(help_text="The file as kept (a photo without its metadata).")

    class Meta:
        model = Evidence
        fields = ["id", "content_type", "original_name", "size", "uploaded_at", "url", "original_url"]
        read_only_fields = fields

    def get_url(self, evidence) -> str:
        return self._absolute(evidence.get_absolute_url())

    def get_original_url(self, evidence) -> str:
        return self._absolute(evidence.original_url)

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


EvidenceUpload = inline_serializer(
    "EvidenceUpload",
    {
        "files": serializers.ListField(
            child=serializers.FileField(),
            min_length=1,
            max_length=MAX_FILES,
            help_text="JPEG, PNG or HEIC photos, or PDF documents; the same field once per file.",
        )
    },
)


def _entries(user):
    return Entry.objects.filter(household__in=households_for(user))


@extend_schema_view(
    get=extend_schema(responses={200: EvidenceSerializer(many=True), **errors(*READ)}),
    post=extend_schema(
        request={"multipart/form-data": EvidenceUpload},
        responses={201: EvidenceSerializer(many=True), **errors(*WRITE)},
        description="Add photos or documents to an entry, all or none: a file of the wrong type or too large "
        "is refused (422, `evidence_wrong_type`, `evidence_too_large`…) and nothing is kept.",
    ),
)
class EntryEvidence(generics.ListAPIView):
    """An entry's evidence; POST adds to it."""

    permission_classes = [RolePermission]
    read_perm = "evidence.view_evidence"
    write_perms = {"POST": "evidence.add_evidence"}
    serializer_class = EvidenceSerializer
    pagination_class = None
    parser_classes = [MultiPartParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Evidence.objects.none()
        entry = get_in_scope(_entries(self.request.user), self.kwargs["pk"])
        return evidence_for(self.request.user).filter(entry=entry).order_by("id")

    def post(self, request, pk):
        entry = get_in_scope(_entries(request.user), pk)
        uploads = request.FILES.getlist("files")
        if not uploads:
            raise serializers.ValidationError({"files": [_("Choose at least one photo or document.")]})
        if len(uploads) > MAX_FILES:
            raise serializers.ValidationError({"files": [too_many_files(len(uploads))]})
        # Each file is checked before any is kept; a refusal (422) keeps none.
        added = evidence_entry_add(entry=entry, files=uploads, by=request.user)
        body = EvidenceSerializer(added, many=True, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)
