from typing import Any

from django import template
from django.db.models import Prefetch

from reflect.journal.models import Entry

from ..models import SharedEntry, Therapist

register = template.Library()


@register.inclusion_tag("practice/_sharing.html")
def sharing(entry: Entry) -> dict[str, Any]:
    """Beside an entry: for each of its writer's therapists, whether it is shared, and how to change that."""
    # Most people have no therapist here: then one question, and no second one about shares.
    shares = Prefetch("shared_entries", SharedEntry.objects.filter(entry=entry), to_attr="shares_of_this_entry")
    therapists = Therapist.objects.filter(client_links__client_id=entry.owner_id).prefetch_related(shares)
    rows = [(therapist, next(iter(therapist.shares_of_this_entry), None)) for therapist in therapists]
    return {"entry": entry, "rows": rows}
