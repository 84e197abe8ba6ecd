"""A person's safety plan: opening it, saving it without ever replacing a newer version unseen,
and bringing one back from an export only when the journal has none of its own.

A save names the revision its page started from. If another tab (or an import) saved since, the
save changes nothing and says so, and the page shows both versions: nothing is lost silently.
"""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import SafetyPlan

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# What an import does with the plan in its file.
NO_PLAN, ADDED, ALREADY_HERE, KEPT_YOURS = "", "added", "already here", "kept yours"


def opened_plan(owner: "User", data_key: bytes) -> tuple[SafetyPlan | None, dict[str, str] | None]:
    """(the plan's row, its parts): (None, None) when there is no plan; parts are None when it
    can't be opened (damaged), so a page can say so."""
    plan = SafetyPlan.objects.filter(owner=owner).first()
    return plan, (plan.open_or_none(data_key) if plan else None)


def readable_plan(owner: "User", data_key: bytes) -> tuple[SafetyPlan, dict[str, str]] | None:
    """The plan and its parts for an export, or None when there is none that opens."""
    plan, parts = opened_plan(owner, data_key)
    return None if parts is None else (plan, parts)


def save_plan(owner: "User", data_key: bytes, parts: dict[str, str], revision: int | None) -> bool:
    """Saves over `revision`, the one the page started from; False, changing nothing, when the
    saved plan is newer than that (or a first plan was made meanwhile)."""
    now = timezone.now()
    plan = SafetyPlan.objects.filter(owner=owner).first()
    if plan is None:
        return add_plan(owner, data_key, parts, now, now)
    plan.seal(data_key, parts)
    updated = SafetyPlan.objects.filter(pk=plan.pk, revision=revision).update(
        ciphertext=plan.ciphertext, revision=F("revision") + 1, updated_at=now
    )
    return bool(updated)


def add_plan(owner: "User", data_key: bytes, parts: dict[str, str], created_at: datetime, updated_at: datetime) -> bool:
    """A first plan; False when one was made meanwhile, which is kept as it is."""
    plan = SafetyPlan(owner=owner, created_at=created_at, updated_at=updated_at)
    plan.seal(data_key, parts)
    try:
        with transaction.atomic():  # a savepoint: an import's own transaction goes on after a clash
            plan.save(force_insert=True)
    except IntegrityError:
        return False
    return True


def plan_on_import(owner: "User", data_key: bytes, item: dict[str, Any] | None) -> str:
    """What importing a plan read from a file (portable.parse_plan) would do: the file's plan is
    added only when there is none here; a plan already here is never replaced."""
    if item is None:
        return NO_PLAN
    plan, parts = opened_plan(owner, data_key)
    if plan is None:
        return ADDED
    return ALREADY_HERE if parts == item["parts"] else KEPT_YOURS


def restore_plan(owner: "User", data_key: bytes, item: dict[str, Any] | None) -> str:
    """Adds the file's plan if there is still none here, and says what happened (see plan_on_import)."""
    if item is None:
        return NO_PLAN
    now = timezone.now()
    created_at = datetime.fromisoformat(item["created_at"]) if item["created_at"] else now
    updated_at = datetime.fromisoformat(item["updated_at"]) if item["updated_at"] else created_at
    if add_plan(owner, data_key, item["parts"], created_at, updated_at):
        return ADDED
    return plan_on_import(owner, data_key, item)
