"""The helpers every view shares (ikmo/viewtools.py)."""

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from ikmo.viewtools import form_errors, get_visible_or_404, require
from organisations.models import Organisation

pytestmark = pytest.mark.django_db


class PeriodForm(forms.Form):
    start = forms.DateField(required=False)


class PlanForm(forms.Form):
    target = forms.IntegerField(required=False)


def _bound(form_class):
    form = form_class({})
    assert form.is_valid()
    return form


def test_a_refusal_naming_a_field_lands_next_to_that_field_in_the_form_that_has_it():
    period, plan = _bound(PeriodForm), _bound(PlanForm)
    form_errors(
        [period, plan],
        ValidationError(
            {
                "target": ValidationError("At least %(min)s.", params={"min": 1}),
                "nowhere": "A rule about the whole record.",
            }
        ),
    )
    assert plan.errors["target"] == ["At least 1."]
    assert period.non_field_errors() == ["A rule about the whole record."]


def test_a_refusal_without_a_field_goes_above_the_form():
    form = _bound(PeriodForm)
    form_errors(form, ValidationError("Not now."))
    assert form.non_field_errors() == ["Not now."]


def test_lookup_outside_what_the_person_may_see_is_a_404_and_a_refused_action_a_403(org):
    with pytest.raises(Http404):
        get_visible_or_404(Organisation.objects.none(), pk=org.pk)
    assert get_visible_or_404(Organisation.objects.all(), pk=org.pk) == org
    with pytest.raises(PermissionDenied):
        require(False)
    require(True)


@pytest.mark.parametrize("ids_first", [False, True])
def test_paged_keeps_order_annotations_and_the_other_parameters(rf, ids_first):
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    from ikmo.viewtools import paged
    from tests.factories import OrganisationFactory

    for name in ("Delta", "alpha", "Charlie", "bravo", "Echo"):
        OrganisationFactory(name=f"{name} e.V.")
    queryset = (
        Organisation.objects.select_related("district")
        .annotate(label=Concat(F("name"), Value("!")))
        .order_by("-name")
    )
    request = rf.get("/", {"page": "2", "q": "x"})
    listing = paged(request, queryset, per_page=2, ids_first=ids_first)
    names = [o.name for o in queryset]
    assert [o.name for o in listing.page.object_list] == names[2:4]
    assert [o.label for o in listing.page.object_list] == [f"{n}!" for n in names[2:4]]
    assert listing.count == 5 and listing.query == "q=x"
    assert listing.page.has_next() and listing.page.has_previous()


@pytest.mark.parametrize("ids", [False, True])
@pytest.mark.parametrize(
    "number", ["1", "2", "3", "4", "99", "0", "-2", "abc", None, "99999999999999999999"]
)
def test_a_counted_page_is_the_paginators_page_in_one_query(django_assert_num_queries, ids, number):
    from django.core.paginator import Paginator

    from ikmo.viewtools import counted_page
    from tests.factories import OrganisationFactory

    for name in ("Delta", "alpha", "Charlie", "bravo", "Echo"):
        OrganisationFactory(name=f"{name} e.V.")
    queryset = Organisation.objects.filter(name__contains="e.V.").order_by("name", "pk")
    expected = Paginator(queryset.values_list("pk", flat=True), 2).get_page(number)
    # Past the end (or below one), as Paginator: counted, then the last page.
    past_the_end = number in ("4", "99", "0", "-2", "99999999999999999999")
    with django_assert_num_queries(3 if number in ("4", "99") else 2 if past_the_end else 1):
        page = counted_page(queryset, 2, number, ids=ids)
        rows = list(page.object_list)
    assert [row if ids else row.pk for row in rows] == list(expected.object_list)
    assert page.number == expected.number
    assert page.paginator.count == 5 and page.paginator.num_pages == 3
    assert page.has_next() == expected.has_next()


def test_a_counted_page_of_nothing_and_of_a_distinct_query(django_assert_num_queries):
    from ikmo.viewtools import counted_page
    from tests.factories import OrganisationFactory

    with django_assert_num_queries(1):
        page = counted_page(Organisation.objects.order_by("pk"), 10, "1")
    assert list(page.object_list) == [] and page.paginator.count == 0
    first, second = OrganisationFactory(), OrganisationFactory()
    # A window would count the rows before DISTINCT: such queries are paged the usual way.
    doubled = Organisation.objects.filter(name__in=[first.name, second.name, "x"]).distinct()
    page = counted_page(doubled.order_by("pk"), 1, "2")
    assert list(page.object_list) == [second] and page.paginator.count == 2
