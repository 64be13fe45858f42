"""Test data of the feedback app built through its services (the world of core/testing/fixtures.py)."""

from datetime import date

from dangjian.feedback import services

TERM = (date(2025, 1, 1), date(2027, 12, 31))


def appoint(world, *, committee="root", observed=("town_a",), user="nobody", name="陈观察", **extra):
    starts, ends = extra.pop("term", TERM)
    acting_user = extra.pop("acting_user", None)
    return services.do_appoint_observer(
        acting_user=acting_user,
        organization=world[committee],
        name=name,
        phone="13912345678",
        user=world[user] if user else None,
        term_starts_on=starts,
        term_ends_on=ends,
        observed=[world[key] for key in observed],
        **extra,
    )


def submit(
    world, org="a1", *, channel="public", observer=None, acting_user=None, on=date(2025, 3, 3), **extra
):
    fields = {"category": "conduct", "subject": "村务公开不及时", "content": "希望按月公开村务。", **extra}
    feedback, _code = services.do_submit_feedback(
        acting_user=acting_user,
        channel=channel,
        organization=world[org],
        observer=observer,
        submitted_on=on,
        **fields,
    )
    return feedback
