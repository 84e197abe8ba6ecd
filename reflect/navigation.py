def link(obj, title=None):
    """A previous/next link for templates/pager.html, or None when there is nothing to go to."""
    if obj is None:
        return None
    return {"url": obj.get_absolute_url(), "title": title or str(obj)}
