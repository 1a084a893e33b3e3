"""Query expressions the apps share."""

from django.db.models import F, Func, IntegerField, Subquery
from django.db.models.functions import Coalesce


def count_of(queryset):
    """The number of rows of ``queryset`` (correlated with OuterRef) as an annotation.

    A subquery rather than ``Count`` over a join: two counted joins on one query multiply
    each other's rows (and need DISTINCT), a subquery counts only its own table's index.
    """
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
