import re
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import QueryDict

# C0 control characters other than tab, line feed and carriage return, and DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
WRITING_FIELDS = (
    "title",
    "text",
    "distress_before",
    "distress_after",
    "prompt",
    "draft_id",
    "draft_revision",
    "entry_revision",
    "assignment",
    "custom",
)
RATING_CHOICES = [("", "Skip")] + [(str(n), str(n)) for n in range(11)]
TITLE_MAX = 200
# The largest number a revision column holds on every database we support.
REVISION_MAX = 2**31 - 1


def without_control_characters(data: QueryDict, names: Iterable[str] = ("title", "text")) -> tuple[QueryDict, bool]:
    """A copy of the POST data with invisible control characters taken out, and whether any were."""
    data = data.copy()
    removed = False
    for name in names:
        if name in data:
            cleaned = CONTROL_CHARACTERS.sub("", data[name])
            removed = removed or cleaned != data[name]
            data[name] = cleaned
    return data, removed


def one_kind_of_newline(text: str) -> str:
    """Browsers send a textarea's line breaks as CRLF and show them as LF; we keep LF only."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class TypedText(forms.CharField):
    """Text as a person typed it, with invisible control characters taken out and one kind of
    newline, before any length is counted."""

    def to_python(self, value: Any) -> str:
        return one_kind_of_newline(CONTROL_CHARACTERS.sub("", super().to_python(value)))


def rating_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=RATING_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text="0 is calm, 10 is the most upset you can imagine. You can skip this.",
    )


class EntryForm(forms.Form):
    distress_before = rating_field("How are you feeling before you write? (optional)")
    title = forms.CharField(label="Title (optional)", max_length=TITLE_MAX, required=False)
    text = TypedText(
        label="Your words",
        widget=forms.Textarea(attrs={"rows": 14}),
        error_messages={"required": "There is nothing to save yet. Write as much or as little as you like."},
    )
    distress_after = rating_field("How are you feeling now? (optional)")
    prompt = forms.SlugField(required=False, max_length=100, widget=forms.HiddenInput)
    draft_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    draft_revision = forms.IntegerField(required=False, min_value=0, max_value=REVISION_MAX, widget=forms.HiddenInput)
    entry_revision = forms.IntegerField(required=False, min_value=0, max_value=REVISION_MAX, widget=forms.HiddenInput)
    assignment = forms.UUIDField(required=False, widget=forms.HiddenInput)
    custom = forms.IntegerField(required=False, min_value=0, max_value=REVISION_MAX, widget=forms.HiddenInput)

    def __init__(self, data=None, *args, **kwargs):
        self.removed_control_characters = False
        if data is not None:
            data, self.removed_control_characters = without_control_characters(data)
        super().__init__(data, *args, **kwargs)
        self.fields["text"].validators.append(max_length_validator(settings.REFLECT_ENTRY_MAX_CHARS))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.removed_control_characters:
            raise ValidationError(
                "Your text had some invisible control characters in it, which can happen when pasting. "
                "We took them out. Please check your words below and save again."
            )
        return cleaned


def max_length_validator(limit: int) -> Callable[[str], None]:
    def validate(value):
        if len(value) > limit:
            raise ValidationError(
                f"This is longer than one entry can hold ({len(value):,} characters; the limit is {limit:,}). "
                "Your words are still here: you could split them into two entries."
            )

    return validate


class OrNothing:
    """A draft field that turns a value it can't read into None instead of refusing the draft:
    a save made while someone types or leaves must keep their words, whatever else is odd."""

    def clean(self, value: Any) -> Any:
        try:
            return super().clean(value)
        except ValidationError:
            return None


class LenientInteger(OrNothing, forms.IntegerField):
    pass


class LenientUUID(OrNothing, forms.UUIDField):
    pass


class LenientRating(OrNothing, forms.TypedChoiceField):
    pass


class LenientSlug(OrNothing, forms.SlugField):
    pass


def whole_text_field() -> TypedText:
    return TypedText(required=False, strip=False, validators=[max_length_validator(settings.REFLECT_ENTRY_MAX_CHARS)])


class DraftForm(forms.Form):
    """What the writing page sends while someone types, and when they leave or the journal locks.

    The text comes whole, or, when it is too big for a request sent on the way out, as a splice:
    keep `splice_start` characters from the start of the saved text and `splice_end` from its end,
    with `splice_text` between them. `splice_base_length` and `splice_base_checksum` describe the
    saved text the page started from, so a splice is only ever applied to that exact text.
    """

    title = TypedText(required=False, strip=False)
    text = whole_text_field()
    distress_before = LenientRating(choices=RATING_CHOICES, coerce=int, empty_value=None, required=False)
    distress_after = LenientRating(choices=RATING_CHOICES, coerce=int, empty_value=None, required=False)
    prompt = LenientSlug(required=False, max_length=100)
    draft_id = LenientUUID(required=False)
    draft_revision = LenientInteger(required=False, min_value=0, max_value=REVISION_MAX)
    entry = LenientUUID(required=False)
    entry_revision = LenientInteger(required=False, min_value=0, max_value=REVISION_MAX)
    splice_start = LenientInteger(required=False, min_value=0, max_value=settings.REFLECT_ENTRY_MAX_CHARS)
    splice_end = LenientInteger(required=False, min_value=0, max_value=settings.REFLECT_ENTRY_MAX_CHARS)
    splice_text = whole_text_field()
    splice_base_length = LenientInteger(required=False, min_value=0, max_value=settings.REFLECT_ENTRY_MAX_CHARS)
    splice_base_checksum = LenientInteger(required=False, min_value=0, max_value=2**32 - 1)

    def clean_title(self) -> str:
        return self.cleaned_data["title"].replace("\n", " ")[:TITLE_MAX]

    @property
    def is_splice(self) -> bool:
        names = ("splice_start", "splice_end", "splice_base_length", "splice_base_checksum")
        return all(self.cleaned_data.get(name) is not None for name in names)


class WritingLinkForm(forms.Form):
    """What a link to the writing page may ask for: a prompt, a draft to go on with, or one of a
    therapist's own prompts (by its place in their assignment)."""

    prompt = forms.SlugField(required=False, max_length=100)
    draft = forms.UUIDField(required=False)
    assignment = forms.UUIDField(required=False)
    custom = forms.IntegerField(required=False, min_value=0, max_value=REVISION_MAX)


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

    def clean_confirmation(self) -> str:
        typed = " ".join(self.cleaned_data["confirmation"].lower().split())
        if typed != self.PHRASE:
            raise ValidationError(f"Nothing was deleted. To go ahead, type “{self.PHRASE}” exactly.")
        return typed
