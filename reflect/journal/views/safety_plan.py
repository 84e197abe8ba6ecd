"""The private safety plan: one page to read and change it, one to print it.

The plan is a plain form saved by its button, with no saving as you type: it is short, it works
the same without JavaScript, and a lock while typing still keeps the words (vault_required's
`carry`). The printed page's title and heading name neither Reflect nor what the plan is for, and
its helplines go under plain words unless the person chooses to print their names.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from reflect.vault.decorators import vault_required

from ..forms import SAFETY_PLAN_FIELDS, PlanPrintForm, SafetyPlanForm
from ..models import SafetyPlan
from ..safety_plan import opened_plan, save_plan


def plan_context(form: SafetyPlanForm, **extra: Any) -> dict[str, Any]:
    return {"form": form, "nav": "journal", **extra}


@vault_required(carry=SAFETY_PLAN_FIELDS)
@require_http_methods(["GET", "POST"])
def safety_plan(request: HttpRequest) -> HttpResponse:
    key = request.vault.data_key
    if request.method == "POST":
        form = SafetyPlanForm(request.POST)
        if not form.is_valid():
            return render(request, "journal/safety_plan.html", plan_context(form), status=400)
        if not save_plan(request.user, key, form.parts(), form.cleaned_data["revision"]):
            return plan_conflict(request, form)
        messages.success(request, "Your plan is saved.")
        return redirect("journal:safety_plan")
    plan, parts = opened_plan(request.user, key)
    form = SafetyPlanForm(initial={**(parts or {}), "revision": plan.revision if plan else 0})
    return render(request, "journal/safety_plan.html", plan_context(form, damaged=plan is not None and parts is None))


def plan_conflict(request: HttpRequest, form: SafetyPlanForm) -> HttpResponse:
    """The plan was saved somewhere else since this page opened it. Nothing is replaced: the
    words from this page stay in the form, the saved version is shown beside them, and saving
    again (now from the saved revision) is a choice made knowing both."""
    plan, parts = opened_plan(request.user, request.vault.data_key)
    data = form.data.copy()
    data["revision"] = str(plan.revision)
    saved = [(label, parts[name]) for name, label in SafetyPlan.PARTS] if parts else None
    return render(
        request,
        "journal/safety_plan.html",
        plan_context(SafetyPlanForm(data), conflict=True, saved=saved, damaged=parts is None),
        status=409,
    )


@vault_required
@require_safe
def safety_plan_print(request: HttpRequest) -> HttpResponse:
    options = PlanPrintForm(request.GET)
    with_names = options.is_valid() and options.cleaned_data["with_names"]
    plan, parts = opened_plan(request.user, request.vault.data_key)
    written = [(label, (parts or {}).get(name, "")) for name, label in SafetyPlan.PARTS]
    return render(
        request,
        "journal/safety_plan_print.html",
        {
            "written": written,
            "damaged": plan is not None and parts is None,
            "options": options,
            "with_names": with_names,
            "nav": "journal",
        },
    )
