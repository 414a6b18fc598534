"""Who may change which engagement records (beyond the role's model permissions)."""

from __future__ import annotations

from typing import Any

from events.models import Event


def can_change_event(user: Any, event: Event) -> bool:
    """Organizers change the events they organize; others need change_any_event."""
    if not (user and user.is_authenticated and user.has_perm("events.change_event")):
        return False
    if user.has_perm("events.change_any_event"):
        return True
    return event.organizers.filter(pk=user.pk).exists()
