"""The pages anyone can open, by address: one list for every test that visits them all."""

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
