import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PeopleFilter(django_filters.FilterSet):
    """The privacy admins' list of people: ?q= finds an e-mail address or a name."""

    q = django_filters.CharFilter(method="search", label=_("E-mail or name"), max_length=200)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(email__icontains=value)
            | Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
        )

    @property
    def query(self) -> str:
        """The search as typed (stripped), or "" if there is none or it is not valid."""
        return (self.form.cleaned_data.get("q") or "").strip() if self.is_valid() else ""
