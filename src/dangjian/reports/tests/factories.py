from datetime import date

from dangjian.core.figures import Period
from dangjian.reports import services

YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))
BODY = """{{ org.name }}有党支部{{ figure("test.branches") }}，党员{{ figure("test.members") }}。
一、各支部情况
{% for child in children %}{{ child.name }}党员{{ figure("test.members", org=child) }}。
{% endfor %}"""


def make_template(world, org="town_a", body=BODY, name="测试汇报"):
    return services.do_create_template(
        acting_user=None,
        organization=world[org],
        name=name,
        kind="other",
        title="{{ org.name }}{{ period.name }}测试汇报",
        body=body,
    )


def make_draft(world, org="town_a", template=None, period=YEAR, acting_user=None):
    template = template or make_template(world, org)
    return services.do_create_draft(
        acting_user=acting_user, organization=world[org], template=template, period=period
    )
