from typing import Any

from django import forms

from .shell import DISPLAY_WORDS, country_choices


class NextField(forms.CharField):
    """Where to go back to afterwards; checked again by `safe_target` before it is used."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, max_length=2000, **kwargs)


class CountryForm(forms.Form):
    country = forms.CharField(max_length=10, required=False)
    next = NextField()

    def clean_country(self) -> str:
        """An unknown place is not an error: it gets ways to find help anywhere."""
        code = self.cleaned_data["country"].strip().upper()
        return code if code in dict(country_choices()) else ""


class PreferenceForm(forms.Form):
    name = forms.ChoiceField(choices=[(name, name) for name in DISPLAY_WORDS])
    value = forms.TypedChoiceField(choices=[("0", "off"), ("1", "on")], coerce=lambda value: value == "1")
    next = NextField()
