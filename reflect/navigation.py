from django.utils.http import url_has_allowed_host_and_scheme


def link(obj, title=None):
    """A previous/next link for templates/pager.html, or None when there is nothing to go to."""
    if obj is None:
        return None
    return {"url": obj.get_absolute_url(), "title": title or str(obj)}


def safe_target(request, target, fallback="/"):
    """`target` if it is a page of this site, else `fallback`: a `next` field must never lead elsewhere."""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback
