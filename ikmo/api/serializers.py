"""Small representations several apps' endpoints share."""

from rest_framework import serializers


class RefSerializer(serializers.Serializer):
    """Another record, named: an organisation, a field of work, a partner."""

    id = serializers.IntegerField()
    name = serializers.CharField()


class TranslatedNameSerializer(serializers.ModelSerializer):
    """A reference list entry (`organisations.models.TranslatedName`: a topic, a language, a
    field of work) with its name in the caller's language. Subclasses name the model."""

    name = serializers.CharField(read_only=True, help_text="In the caller's language.")

    class Meta:
        fields = ["id", "slug", "name"]
