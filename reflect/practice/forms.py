from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count

from reflect import names
from reflect.journal.forms import CONTROL_CHARACTERS, TITLE_MAX, TypedText, max_length_validator
from reflect.journal.models import ClientAssignment
from reflect.journal.release import LONGEST_GAP
from reflect.programmes.models import Programme
from reflect.prompts.models import Prompt
from reflect.vault.forms import PASSPHRASE_HELP, NewPassphraseMixin, passphrase_field

from .models import Therapist

MAX_CUSTOM_PROMPTS = 10
CUSTOM_PROMPT_MAX = 1000
# Leaves room for the number added to it, in a name that stays easy to type.
MAX_CHOSEN_NAME = 30


class PromptChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, prompt: Prompt) -> str:
        return prompt.text


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, programme: Programme) -> str:
        return f"{programme.title} ({programme.step_count} prompts)"


class AssignmentForm(forms.Form):
    programme = ProgrammeChoiceField(
        queryset=Programme.objects.annotate(step_count=Count("steps")),
        required=False,
        to_field_name="slug",
        empty_label="No programme",
        label="A programme (optional)",
        help_text="A short sequence of prompts from the library, in order. Any prompts you tick below come after it.",
    )
    release_every = forms.IntegerField(
        label="Give one prompt every … days (optional)",
        required=False,
        min_value=1,
        max_value=LONGEST_GAP,
        help_text=(
            f"From 1 to {LONGEST_GAP}. With 3, your client has the first library prompt on the day they add "
            "the assignment, the second 3 days later, and so on. Your own prompts are there from the first day. "
            "Leave it empty to give every prompt at once."
        ),
    )
    prompts = PromptChoiceField(
        queryset=Prompt.objects.select_related("dynamic"),
        required=False,
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        label="Prompts from the library",
    )
    custom = forms.CharField(
        label="Your own prompts (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            f"One per line, up to {MAX_CUSTOM_PROMPTS}. They are encrypted: only you and your client can read them."
        ),
    )
    note = forms.CharField(
        label="A note for your client (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    due_date = forms.DateField(
        label="Due date (optional)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, dynamic=None, **kwargs):
        super().__init__(*args, **kwargs)
        if dynamic is not None:
            self.fields["prompts"].queryset = self.fields["prompts"].queryset.filter(dynamic=dynamic)

    def clean_custom(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["custom"].splitlines() if line.strip()]
        if len(lines) > MAX_CUSTOM_PROMPTS:
            raise ValidationError(f"Please give at most {MAX_CUSTOM_PROMPTS} of your own prompts.")
        if any(len(line) > CUSTOM_PROMPT_MAX for line in lines):
            raise ValidationError(f"Each prompt can be up to {CUSTOM_PROMPT_MAX} characters.")
        if any(CONTROL_CHARACTERS.search(line) for line in lines):
            raise ValidationError("A prompt contains invisible control characters; please retype it.")
        return lines

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        chosen = cleaned.get("programme") or cleaned.get("prompts") or cleaned.get("custom")
        if not chosen and not self.errors:
            raise ValidationError(
                "Choose a programme or at least one prompt from the library, or write one of your own."
            )
        return cleaned

    def library_prompts(self) -> list[str]:
        """The programme's prompts in its order, then the others ticked, each once."""
        data = self.cleaned_data
        slugs = [prompt.slug for prompt in data["programme"].prompts()] if data["programme"] else []
        return slugs + [prompt.slug for prompt in data["prompts"] if prompt.slug not in slugs]

    def content(self, therapist: Therapist) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "therapist": therapist.display_name,
            "prompts": self.library_prompts(),
            "custom": data["custom"],
            "note": data["note"],
            "due": data["due_date"].isoformat() if data["due_date"] else None,
            "programme": data["programme"].slug if data["programme"] else None,
            # Days between one library prompt and the next (journal.release); None: all at once.
            "release_every": data["release_every"],
        }


class CodeForm(forms.Form):
    """The assignment code, carried in the form's body so it never appears in a request's path."""

    code = forms.CharField(widget=forms.HiddenInput, max_length=100)


class JoinForm(NewPassphraseMixin, CodeForm):
    username = forms.CharField(
        label="Choose a name",
        max_length=MAX_CHOSEN_NAME,
        help_text=(
            f"Any name you like; it doesn't need to be your real one. Please use {names.ALLOWED_HELP}. "
            "We add a short number to make your sign-in name, like alex.4821. No email address is needed."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )
    new_passphrase = passphrase_field("Choose a passphrase", PASSPHRASE_HELP, "new-password")
    new_passphrase_again = passphrase_field("Type it again", autocomplete="new-password")

    def clean_username(self) -> str:
        # Never a word about whether a name exists: the number added later keeps names apart.
        username = names.normalise(self.cleaned_data["username"])
        if not names.ALLOWED.fullmatch(username):
            raise ValidationError(
                f"Please use only {names.ALLOWED_HELP}: no spaces or accents. For example: alex, sam_k or river-2."
            )
        return username


class ShareForm(forms.Form):
    title = forms.CharField(label="Title to share", required=False, max_length=TITLE_MAX)
    # No longer than an entry may be: an excerpt is never more than the entry it comes from.
    text = TypedText(
        label="What your therapist will read",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="This is your entry. You can cut it down to just the part you want to share.",
        error_messages={"required": "There is nothing to share. Keep at least a few words, or go back."},
        validators=[max_length_validator(settings.REFLECT_ENTRY_MAX_CHARS)],
    )


class TherapistChoiceForm(forms.Form):
    therapist = forms.IntegerField(min_value=1, max_value=2**63 - 1)


class AssignmentStatusForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=[("", "unchanged"), *ClientAssignment.STATUS_CHOICES])
    hidden = forms.TypedChoiceField(
        required=False,
        choices=[("", "unchanged"), ("0", "shown"), ("1", "hidden")],
        coerce=lambda value: value == "1",
        empty_value=None,
    )


class PortableCodeForm(forms.Form):
    """A therapist's portable code, pasted or as the file it came in."""

    MAX_CHARS = 200_000
    code = forms.CharField(
        label="Paste the code",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
    )
    file = forms.FileField(
        label="Or choose the file", required=False, widget=forms.ClearableFileInput(attrs={"accept": ".txt,text/plain"})
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        upload = cleaned.get("file")
        text = upload.read(self.MAX_CHARS + 1).decode("utf-8", errors="replace") if upload else cleaned.get("code", "")
        if not text.strip() and not self.errors:
            raise ValidationError("Please paste the code, or choose the file it came in.")
        cleaned["text"] = text
        return cleaned
