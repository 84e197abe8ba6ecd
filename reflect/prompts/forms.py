from django import forms
from django.core.exceptions import ValidationError

from .models import Dynamic


class TopicForm(forms.Form):
    """`?dynamic=<slug>`: show only one topic's prompts or entries."""

    dynamic = forms.SlugField(required=False, max_length=100)

    def clean_dynamic(self):
        slug = self.cleaned_data["dynamic"]
        if not slug:
            return None
        topic = Dynamic.objects.filter(slug=slug).first()
        if topic is None:
            raise ValidationError("We don't know that topic.")
        return topic


def chosen_topic(query):
    """(the topic asked for or None, whether the request named one we don't know)."""
    form = TopicForm(query)
    if form.is_valid():
        return form.cleaned_data["dynamic"], False
    return None, True
