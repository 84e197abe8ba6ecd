from django.conf import settings


def permissions_policy(get_response):
    """Turns off device features no page of ours ever needs (camera, microphone, location)."""

    def middleware(request):
        response = get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware
