from typing import Any

from django import template

from reflect.journal.models import Entry

from ..models import SharedEntry, Therapist

register = template.Library()


@register.inclusion_tag("practice/_sharing.html")
def sharing(entry: Entry) -> dict[str, Any]:
    """Beside an entry: for each of its writer's therapists, whether it is shared, and how to change that."""
    shares = {share.therapist_id: share for share in SharedEntry.objects.filter(entry=entry)}
    therapists = Therapist.objects.filter(client_links__client_id=entry.owner_id)
    return {"entry": entry, "rows": [(therapist, shares.get(therapist.pk)) for therapist in therapists]}
