import re
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import QueryDict

from .looking_back import DEFAULT_RANGE, RANGES, Range, range_called
from .models import SafetyPlan

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


class EntryPageForm(forms.Form):
    """`?older=<id>` or `?newer=<id>`: the page of the list just past that entry (journal.paging)."""

    UNKNOWN = "We couldn't find that page of your journal, so here are your newest entries."

    older = forms.UUIDField(required=False, error_messages={"invalid": UNKNOWN})
    newer = forms.UUIDField(required=False, error_messages={"invalid": UNKNOWN})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("older") and cleaned.get("newer"):
            raise ValidationError(self.UNKNOWN)
        return cleaned


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


class LookingBackForm(forms.Form):
    """`?range=`: how far back Looking back looks. None chosen means the last 3 months."""

    range = forms.ChoiceField(
        label="Look back over",
        choices=[(each.slug, each.label) for each in RANGES],
        required=False,
        error_messages={"invalid_choice": f"We don't know that range, so this shows {DEFAULT_RANGE.label.lower()}."},
    )

    def clean_range(self) -> Range:
        return range_called(self.cleaned_data["range"])


# What each part of a safety plan can hold: room for notes, names and numbers, and a short code word.
PLAN_PART_MAX = 5_000
CODE_WORD_MAX = 1_000
PLAN_PART_NAMES = tuple(name for name, _label in SafetyPlan.PARTS)
SAFETY_PLAN_FIELDS = (*PLAN_PART_NAMES, "revision")


def plan_part(name: str, help_text: str, *, max_length: int = PLAN_PART_MAX, rows: int = 4) -> TypedText:
    return TypedText(
        label=dict(SafetyPlan.PARTS)[name],
        help_text=help_text,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "max_length": f"This part can hold up to {max_length:,} characters. Your words are still here: "
            "you could shorten them a little, or move some into another part."
        },
    )


class SafetyPlanForm(forms.Form):
    """The safety plan, every part optional. `revision` is the saved plan's revision this page
    started from (0 for none yet); one that can't be read counts as out of date, never as an error."""

    warning_signs = plan_part(
        "warning_signs",
        "What tends to happen before things get worse? For example: drinking, going quiet, checking "
        "your phone, or talk about you leaving. Noticing early can give you time.",
    )
    people = plan_part(
        "people",
        "Who could you call or go to? Write how to reach each one safely: a number you know by heart, "
        "a neighbour who will call for help if they hear something worrying, or a time when it is safe to ring.",
    )
    places = plan_part(
        "places",
        "Somewhere safe you could go at short notice, day or night: a friend's or relative's home, a shop "
        "or café that stays open late, a hospital or police station. How would you get there?",
    )
    things_to_take = plan_part(
        "things_to_take",
        "What you would need if you left in a hurry: documents (passport, ID, bank cards), medicines, "
        "keys, money, your phone and its charger. Some people leave copies or a spare bag with someone they trust.",
    )
    code_word = plan_part(
        "code_word",
        "A word or phrase you can say or text to someone you trust, so they know you need help without "
        "anyone else knowing. Write who knows it, and what they will do (for example, call the emergency number).",
        max_length=CODE_WORD_MAX,
        rows=2,
    )
    other_help = plan_part(
        "other_help",
        "Anything else that would help: a support worker, your doctor, a refuge, a solicitor. "
        "The helplines for your country are listed below.",
    )
    revision = LenientInteger(required=False, min_value=0, max_value=REVISION_MAX, widget=forms.HiddenInput)

    def __init__(self, data=None, *args, **kwargs):
        self.removed_control_characters = False
        if data is not None:
            data, self.removed_control_characters = without_control_characters(data, PLAN_PART_NAMES)
        super().__init__(data, *args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.removed_control_characters:
            raise ValidationError(
                "Your plan had some invisible control characters in it, which can happen when pasting. "
                "We took them out. Please check your words below and save again."
            )
        return cleaned

    def parts(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in PLAN_PART_NAMES}


class PlanPrintForm(forms.Form):
    """`?with_names=`: on paper, helplines are listed under plain words unless the person chooses
    to print their names, which often say what they are for."""

    with_names = forms.BooleanField(
        label="Print each service's name too. A name can say what a service is for, "
        "so anyone who finds the paper might tell.",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
