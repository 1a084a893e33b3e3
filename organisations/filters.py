import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ikmo.choosers import ChooserFilter
from ikmo.subprojects import subproject_choices

from .models import District, FieldOfWork, Organisation, SpokenLanguage
from .permissions import is_centre_staff
from .search import term_variants


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    district = django_filters.ModelChoiceFilter(
        queryset=District.objects.all(), label=_("District"), empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(
        choices=Organisation.Kind.choices, label=_("Kind"), empty_label=_("All")
    )
    field = django_filters.ModelChoiceFilter(
        field_name="fields_of_work",
        queryset=FieldOfWork.objects.all(),
        label=_("Field of work"),
        empty_label=_("All"),
    )
    language = django_filters.ModelChoiceFilter(
        field_name="languages",
        queryset=SpokenLanguage.objects.all(),
        label=_("Language"),
        empty_label=_("All"),
    )
    # Which organisations took part in a sub-project is the centre's own knowledge (the reach
    # of funder reporting, which counts, e.g., participation-check interviews that are the
    # team's only): staff filter by it, the organisations' members do not (see __init__).
    subproject = django_filters.ChoiceFilter(
        choices=subproject_choices,
        method="taking_part",
        label=_("Sub-project"),
        empty_label=_("All"),
        help_text=_("Organisations that took part in it."),
    )
    status = django_filters.ChoiceFilter(
        choices=Organisation.Status.choices, label=_("Status"), empty_label=_("All")
    )
    # Searchable choosers (never a list of every organisation or person). Their scopes do not
    # depend on the person, so the export (which has no request) filters the same way.
    network = ChooserFilter(
        scope="organisation_networks",
        field_name="network_memberships__network",
        method="in_network",
        label=_("Member of network"),
        empty_label=_("All"),
    )
    contact = ChooserFilter(
        scope="directory_centre_contacts",
        field_name="centre_contact",
        label=_("Contact at the centre"),
        empty_label=_("All"),
    )

    class Meta:
        model = Organisation
        fields = [
            "q",
            "district",
            "kind",
            "field",
            "language",
            "subproject",
            "status",
            "network",
            "contact",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The person the list is for: given, or the request's (the API passes the request).
        # Pages without either are staff-only (the directory's export).
        if user is None and self.request is not None:
            user = getattr(self.request, "user", None)
        if user is not None and not is_centre_staff(user):
            self.filters.pop("subproject")
            # Who is in which network and who looks after whom: the staff's view.
            self.filters.pop("network")
            self.filters.pop("contact")
        for name in ("network", "contact"):
            if name in self.filters:
                self.filters[name].field.bind(user)
        self.filters["q"].field.widget = forms.TextInput(attrs={"type": "search"})
        self.filters["q"].field.max_length = 100

    # Set when the sub-project filter reads every record of the sub-project (its stored list
    # is being refreshed): the directory then counts and pages it in one query.
    reads_every_record = False

    def taking_part(self, queryset, name, value: str):
        # The stored list when it is current (reporting/taking_part.py), else the reach's
        # definition: the same organisations either way.
        from reporting import taking_part
        from reporting.figures import organisations_taking_part

        condition = taking_part.stored(value)
        if condition is None:
            self.reads_every_record = True
            condition = organisations_taking_part(value)
        return queryset.filter(condition)

    def in_network(self, queryset, name, value):
        from .models import NetworkMembership

        return queryset.filter(
            pk__in=NetworkMembership.objects.filter(
                network=value, status=NetworkMembership.Status.ACTIVE
            ).values("member")
        )

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(communities_served__icontains=value)
            | Q(social_space__icontains=value)
            | Q(email__icontains=value)
        )


class PublicDirectoryFilter(django_filters.FilterSet):
    """The public directory's search and filters. Each filter looks only at what an
    organisation chose to show: a district, field or language it keeps to itself never makes
    it match (or not match), so the filters reveal nothing the page would not."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    district = django_filters.ModelChoiceFilter(
        queryset=District.objects.all(),
        to_field_name="slug",
        method="shown_district",
        label=_("District"),
        empty_label=_("All"),
    )
    field = django_filters.ModelChoiceFilter(
        queryset=FieldOfWork.objects.all(),
        to_field_name="slug",
        method="shown_field",
        label=_("Field of work"),
        empty_label=_("All"),
    )
    language = django_filters.ModelChoiceFilter(
        queryset=SpokenLanguage.objects.all(),
        to_field_name="slug",
        method="shown_language",
        label=_("Language"),
        empty_label=_("All"),
    )

    class Meta:
        model = Organisation
        fields = ["q", "district", "field", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        q = self.filters["q"].field
        q.widget = forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name or offer, e.g. homework help")}
        )
        q.max_length = 100
        q.help_text = _("Searches the names and what the organisations offer.")

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        by_name = Q()
        for term in term_variants(value):
            by_name |= Q(search_name__contains=term)
        return queryset.filter(
            by_name | Q(public_profile__show_offer=True, public_profile__offer__icontains=value)
        )

    def shown_district(self, queryset, name, value):
        return queryset.filter(district=value, public_profile__show_district=True)

    def shown_field(self, queryset, name, value):
        return queryset.filter(fields_of_work=value, public_profile__show_fields_of_work=True)

    def shown_language(self, queryset, name, value):
        return queryset.filter(languages=value, public_profile__show_languages=True)
