"""The prompt library as the journal's pages show it: each prompt with its topic and sections,
the topics, the grounding exercises. The same for everyone, so it is read once per content
version and kept (reflect/content.py), and a journal page spends its few questions to the
database on what is the person's own."""

from dataclasses import dataclass

from reflect.content import kept
from reflect.prompts.models import Dynamic, Exercise, Prompt


@dataclass
class Library:
    prompts: dict[str, Prompt]  # by slug, each with its topic and its sections
    dynamics: list[Dynamic]
    exercises: list[Exercise]

    def prompts_about(self, dynamic: Dynamic) -> set[str]:
        """The slugs of the topic's prompts."""
        return {slug for slug, prompt in self.prompts.items() if prompt.dynamic_id == dynamic.pk}


def read_library() -> Library:
    prompts = Prompt.objects.select_related("dynamic").prefetch_related("sections")
    return Library(
        prompts={prompt.slug: prompt for prompt in prompts},
        dynamics=list(Dynamic.objects.all()),
        exercises=list(Exercise.objects.all()),
    )


def prompt_library() -> Library:
    return kept("journal-library", read_library)
