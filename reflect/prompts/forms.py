from django import forms
from django.http import QueryDict

from .models import Dynamic


class TopicForm(forms.Form):
    """`?dynamic=<slug>`: show only one topic's prompts or entries."""

    dynamic = forms.ModelChoiceField(
        queryset=Dynamic.objects.all(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": "We don't know that topic."},
    )


def chosen_topic(query: QueryDict | dict[str, str]) -> tuple[Dynamic | None, bool]:
    """(the topic asked for or None, whether the request named one we don't know)."""
    form = TopicForm(query)
    if form.is_valid():
        return form.cleaned_data["dynamic"], False
    return None, True
