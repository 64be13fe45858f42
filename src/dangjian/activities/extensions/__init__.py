"""Extensions of organizational life, registered as models of the activities app (imported at the end of
`activities/models.py`): 主题党日 themes from above, the preparation of life meetings, notifications."""

from .notifications import Notification
from .preparation import LifeMeetingPreparation, Opinion, RectificationItem, SelfExamination
from .themes import ThemeNotice, theme_for

__all__ = [
    "LifeMeetingPreparation",
    "Notification",
    "Opinion",
    "RectificationItem",
    "SelfExamination",
    "ThemeNotice",
    "theme_for",
]
