"""The pages anyone can open, and an open journal's pages, by address: one list for every test
that visits them all."""

PUBLIC_PAGES = [
    "/",
    "/learn/how-the-bond-grows/",
    "/learn/references/",
    "/reflect/",
    "/reflect/topics/fear-of-abandonment/",
    "/reflect/prompts/not-my-fault/",
    "/reflect/ground/",
    "/reflect/programmes/",
    "/help/",
    "/settings/",
    "/cover-your-tracks/",
    "/journal/what-we-store/",
]
# A page that isn't there still has the whole shell (quick exit, help, the stylesheet).
MISSING_PAGE = "/no-such-page/"
# An open journal's pages; {entry} is one of its entries.
JOURNAL_PAGES = [
    "/journal/",
    "/journal/entries/{entry}/",
    "/journal/write/?prompt=not-my-fault",
    "/journal/export/",
    "/journal/print/",
    "/journal/settings/",
    "/journal/delete-everything/",
    "/journal/looking-back/?range=all",
    "/journal/safety-plan/",
    "/journal/safety-plan/print/",
]
