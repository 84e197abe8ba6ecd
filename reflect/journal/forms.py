import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

# C0 control characters other than tab, line feed and carriage return, and DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
WRITING_FIELDS = ("title", "text", "distress_before", "distress_after", "prompt", "draft_id", "draft_revision",
                  "entry_revision", "assignment", "custom")
RATING_CHOICES = [("", "Skip")] + [(str(n), str(n)) for n in range(11)]
TITLE_MAX = 200


def without_control_characters(data, names=("title", "text")):
    """A copy of the POST data with invisible control characters taken out, and whether any were."""
    data = data.copy()
    removed = False
    for name in names:
        if name in data:
            cleaned = CONTROL_CHARACTERS.sub("", data[name])
            removed = removed or cleaned != data[name]
            data[name] = cleaned
    return data, removed


def rating_field(label):
    return forms.TypedChoiceField(
        label=label, choices=RATING_CHOICES, coerce=int, empty_value=None, required=False,
        help_text="0 is calm, 10 is the most upset you can imagine. You can skip this.",
    )


class EntryForm(forms.Form):
    distress_before = rating_field("How are you feeling before you write? (optional)")
    title = forms.CharField(label="Title (optional)", max_length=TITLE_MAX, required=False)
    text = forms.CharField(
        label="Your words",
        widget=forms.Textarea(attrs={"rows": 14}),
        error_messages={"required": "There is nothing to save yet. Write as much or as little as you like."},
    )
    distress_after = rating_field("How are you feeling now? (optional)")
    prompt = forms.CharField(required=False, widget=forms.HiddenInput)
    draft_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    draft_revision = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    entry_revision = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    assignment = forms.UUIDField(required=False, widget=forms.HiddenInput)
    custom = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, data=None, *args, **kwargs):
        self.removed_control_characters = False
        if data is not None:
            data, self.removed_control_characters = without_control_characters(data)
        super().__init__(data, *args, **kwargs)
        self.fields["text"].validators.append(max_length_validator(settings.REFLECT_ENTRY_MAX_CHARS))

    def clean(self):
        cleaned = super().clean()
        if self.removed_control_characters:
            raise ValidationError(
                "Your text had some invisible control characters in it, which can happen when pasting. "
                "We took them out. Please check your words below and save again."
            )
        return cleaned


def max_length_validator(limit):
    def validate(value):
        if len(value) > limit:
            raise ValidationError(
                f"This is longer than one entry can hold ({len(value):,} characters; the limit is {limit:,}). "
                "Your words are still here: you could split them into two entries."
            )
    return validate


class SearchForm(forms.Form):
    q = forms.CharField(label="Search your entries", max_length=200, strip=True)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class ImportForm(forms.Form):
    file = forms.FileField(label="A Reflect export file (.json)")


class DeleteEverythingForm(forms.Form):
    PHRASE = "delete everything"
    confirmation = forms.CharField(
        label=f"To confirm, type “{PHRASE}”",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_confirmation(self):
        typed = " ".join(self.cleaned_data["confirmation"].lower().split())
        if typed != self.PHRASE:
            raise ValidationError(f"Nothing was deleted. To go ahead, type “{self.PHRASE}” exactly.")
        return typed
