from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

from reflect import names

MIN_PASSPHRASE = 10
MAX_PASSPHRASE = 1024
PASSPHRASE_HELP = (
    f"At least {MIN_PASSPHRASE} characters. Longer is stronger: a few unrelated words, like "
    "“maple kettle river tuesday”, are hard to guess and easy to remember."
)


def passphrase_field(label: str, help_text: str = "", autocomplete: str = "current-password") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        strip=False,
        max_length=MAX_PASSPHRASE,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class NewPassphraseMixin:
    """Two matching copies of a new passphrase that is long enough and not a common one."""

    def clean_new_passphrase(self) -> str:
        passphrase = self.cleaned_data["new_passphrase"]
        if len(passphrase) < MIN_PASSPHRASE:
            raise ValidationError(f"Please use at least {MIN_PASSPHRASE} characters.")
        if len(set(passphrase)) < 4:
            raise ValidationError("That passphrase repeats too few characters to be safe. Try a few words instead.")
        try:
            CommonPasswordValidator().validate(passphrase)
        except ValidationError:
            raise ValidationError(
                "That is one of the most common passwords, so it is easy to guess. Try a few words instead."
            ) from None
        return passphrase

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("new_passphrase") and cleaned.get("new_passphrase") != cleaned.get("new_passphrase_again"):
            self.add_error("new_passphrase_again", "The two passphrases are different. Please type them again.")
        return cleaned


class SetupForm(NewPassphraseMixin, forms.Form):
    new_passphrase = passphrase_field("Choose a passphrase", PASSPHRASE_HELP, "new-password")
    new_passphrase_again = passphrase_field("Type it again", autocomplete="new-password")


class UsernameMixin:
    """In the practice profile several people share the server, so they say who they are."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if settings.PRACTICE:
            self.fields = {
                "username": forms.CharField(
                    label="Your name on this server",
                    max_length=150,
                    help_text=(
                        "If you joined from a therapist's link, your sign-in name ends in a number, like alex.4821."
                    ),
                    widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
                ),
                **self.fields,
            }

    def clean_username(self) -> str:
        # Spelled the way sign-in names are stored, so "ALEX.4821" opens alex.4821.
        return names.normalise(self.cleaned_data["username"])


class UnlockForm(UsernameMixin, forms.Form):
    passphrase = passphrase_field("Passphrase")


class ChangePassphraseForm(NewPassphraseMixin, forms.Form):
    passphrase = passphrase_field("Current passphrase")
    new_passphrase = passphrase_field("New passphrase", PASSPHRASE_HELP, "new-password")
    new_passphrase_again = passphrase_field("Type the new one again", autocomplete="new-password")


class RecoverForm(UsernameMixin, NewPassphraseMixin, forms.Form):
    recovery_key = forms.CharField(
        label="Recovery key",
        help_text="The 32 characters you saved when you set up your journal. Dashes and spaces don't matter.",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    new_passphrase = passphrase_field("New passphrase", PASSPHRASE_HELP, "new-password")
    new_passphrase_again = passphrase_field("Type the new one again", autocomplete="new-password")


class ConfirmPassphraseForm(forms.Form):
    passphrase = passphrase_field("Your passphrase")


class RecoverySavedForm(forms.Form):
    saved = forms.BooleanField(
        label="I have saved my recovery key somewhere safe",
        error_messages={
            "required": (
                "Please save the key, then tick the box. Without it, a forgotten passphrase cannot be recovered."
            )
        },
    )
