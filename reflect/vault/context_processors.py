from .session import idle_seconds_allowed


def vault(request):
    seconds = idle_seconds_allowed()
    return {"idle_lock_seconds": seconds, "idle_lock_minutes": seconds // 60}
