"""What the benchmarks' journal entries are made of: about 300 everyday words each.

No imports and no side effects, so the HTTP benchmark's seeding can use it beside another checkout's code.
"""

WORDS_PER_ENTRY = 300
WORDS = [
    "quiet",
    "morning",
    "river",
    "kettle",
    "window",
    "letter",
    "garden",
    "promise",
    "evening",
    "shadow",
    "careful",
    "tired",
    "hopeful",
    "gentle",
    "walk",
    "door",
    "kitchen",
    "phone",
    "sister",
    "friend",
    "doctor",
    "work",
    "rain",
    "coffee",
    "breath",
    "tight",
    "chest",
    "calm",
    "sorry",
    "again",
    "better",
    "maybe",
    "tomorrow",
    "enough",
    "safe",
]
