from datetime import date

import pytest

from dangjian.tasks import services


@pytest.fixture
def issue(world):
    """Issue a task from A镇党委 (by default) to A1 and A2, with fixed dates in a year the library knows."""

    def make(recipients=("a1", "a2"), issuer="town_a", acting_user=None, **extra):
        fields = {
            "title": "开展主题党日活动",
            "content": "按通知要求组织开展并报送情况。",
            "issued_on": date(2026, 9, 1),
            "deadline": date(2026, 9, 30),
            **extra,
        }
        if "working_days" in extra:
            fields.pop("deadline")
        return services.do_issue_task(
            acting_user=acting_user,
            organization=world[issuer],
            recipients=[world[key] for key in recipients],
            **fields,
        )

    return make
