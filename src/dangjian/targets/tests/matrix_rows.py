"""Permission-matrix rows of the targets app (imported at the end of core/testing/matrix.py).

A target of the world key's organization (A1 in scope, B1 outside), issued this year by its parent with
one entered indicator, is made on first use; the decomposition rows use the towns' targets (issued by the
county), since a branch has no child to decompose to. Targets are read by the grants over their
organization (a 党员 reads only a target for them personally: none here) and written by a change grant.
Form pages answer 302 after a write and re-render (200) with the service's refusal.
"""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangjian.core.testing.matrix import (  # noqa: F401
    EDIT,
    EDITORS,
    MEMBER_VIEW,
    TREE_MANAGERS,
    VIEWERS,
    Endpoint,
    Listing,
    World,
    _api_activity_orgs,
    by_role,
    statuses,
)

NOT_SCOPED = frozenset({"targets-api:api-root"})
TITLE = "矩阵目标责任书"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def matrix_target(world: World, key: str):
    from dangjian.organizations.models import Organization
    from dangjian.targets import services
    from dangjian.targets.models import Target

    found = Target.objects.filter(organization=world[key], title=TITLE).first()
    if found is not None:
        return found
    organization = world[key]
    target = services.do_create_target(
        acting_user=None,
        organization=organization,
        issued_by=Organization.objects.parent_of(organization),
        year=timezone.localdate().year,
        title=TITLE,
    )
    services.do_add_indicator(
        target,
        acting_user=None,
        name="党员志愿服务",
        unit="次",
        target_value=Decimal("10"),
        points=Decimal("20"),
    )
    services.do_issue_target(target, acting_user=None)
    target.refresh_from_db()
    return target


def matrix_commitment(world: World, key: str):
    from dangjian.targets import services
    from dangjian.targets.models import Commitment

    target = matrix_target(world, key)
    return Commitment.objects.filter(target=target).first() or services.do_upload_commitment(
        target, acting_user=None, kind="responsibility", upload=SimpleUploadedFile("责任书.pdf", PDF)
    )


def upload_payload(world: World, key: str) -> dict:
    return {"kind": "pledge", "file": SimpleUploadedFile("承诺书.pdf", PDF, content_type="application/pdf")}


def indicator_payload(world: World, key: str) -> dict:
    return {
        "position": 2,
        "name": "走访群众",
        "unit": "次",
        "comparison": "gte",
        "target_value": "6",
        "points": "10",
        "scoring": "proportional",
        "source_kind": "entered",
        "source_key": "",
    }


TARGET = {
    "target": "a1",
    "outside": "b1",
    "url_kwarg": "",
    "more_kwargs": lambda w, k: {"pk": matrix_target(w, k).pk},
}
TOWN_TARGET = {
    "target": "town_a",
    "outside": "town_b",
    "url_kwarg": "",
    "more_kwargs": lambda w, k: {"pk": matrix_target(w, k).pk},
}
INDICATOR = {
    "target": "a1",
    "outside": "b1",
    "url_kwarg": "",
    "more_kwargs": lambda w, k: {"pk": matrix_target(w, k).indicators.first().pk},
}
COMMITMENT = {
    "target": "a1",
    "outside": "b1",
    "url_kwarg": "",
    "more_kwargs": lambda w, k: {"pk": matrix_commitment(w, k).pk},
}
WRITE_302 = statuses(403, s302=EDITORS)
CREATE = {"url_kwarg": "", "target": "a1", "method": "post"}
# The towns' targets: a 支部管理员 holds no change grant over A镇党委 (404), a read-only role none anywhere.
DECOMPOSE = statuses(403, s200=TREE_MANAGERS, s404=("branch_a1_admin",))
# The issuing level (A镇党委) evaluates A1's target and changes what it issued; A1's own administrator is
# refused by the service (the form is shown again with the reason).
EVALUATE = ISSUER_WRITE = statuses(403, s302=TREE_MANAGERS, s200=("branch_a1_admin",))

ENDPOINTS: list = [
    Endpoint("targets:target_list", statuses(200)),
    Endpoint("targets:target_add", EDIT),
    Endpoint(
        "targets:target_add",
        WRITE_302,
        payload=lambda w, k: {"organization": w[k].pk, "year": timezone.localdate().year, "title": "新目标"},
        **CREATE,
    ),
    Endpoint("targets:target_detail", MEMBER_VIEW, **TARGET),
    Endpoint("targets:target_edit", EDIT, **TARGET),
    Endpoint(
        "targets:target_edit", ISSUER_WRITE, method="post", payload=lambda w, k: {"title": "改名"}, **TARGET
    ),
    Endpoint("targets:target_issue", WRITE_302, method="post", **TARGET),
    Endpoint(
        "targets:target_withdraw", WRITE_302, method="post", payload=lambda w, k: {"reason": "调整"}, **TARGET
    ),
    Endpoint("targets:indicator_add", EDIT, **TARGET),
    Endpoint("targets:indicator_add", ISSUER_WRITE, method="post", payload=indicator_payload, **TARGET),
    Endpoint("targets:target_decompose", DECOMPOSE, **TOWN_TARGET),
    Endpoint(
        "targets:target_decompose",
        statuses(403, s302=TREE_MANAGERS, s404=("branch_a1_admin",)),
        method="post",
        payload=lambda w, k: {f"split_{matrix_target(w, k).indicators.first().pk}": "same"},
        **TOWN_TARGET,
    ),
    Endpoint("targets:target_refresh", WRITE_302, method="post", **TARGET),
    # Offered to whoever reads the target; the service decides who is the responsible user.
    Endpoint(
        "targets:commitment_sign",
        statuses(404, s302=VIEWERS),
        method="post",
        payload=lambda w, k: {"kind": "responsibility"},
        **TARGET,
    ),
    Endpoint("targets:commitment_upload", WRITE_302, method="post", payload=upload_payload, **TARGET),
    Endpoint("targets:target_evaluate", EDIT, **TARGET),
    Endpoint(
        "targets:target_evaluate",
        EVALUATE,
        method="post",
        payload=lambda w, k: {"evaluated_on": timezone.localdate().isoformat(), "finalize": "on"},
        **TARGET,
    ),
    Endpoint("targets:rollup_export", MEMBER_VIEW, **TARGET),
    # A1's target has no child: the refusal is shown on the target page.
    Endpoint(
        "targets:children_evaluate",
        WRITE_302,
        method="post",
        payload=lambda w, k: {"evaluated_on": timezone.localdate().isoformat()},
        **TARGET,
    ),
    Endpoint("targets:indicator_edit", EDIT, **INDICATOR),
    Endpoint("targets:indicator_edit", ISSUER_WRITE, method="post", payload=indicator_payload, **INDICATOR),
    Endpoint(
        "targets:actual_enter", WRITE_302, method="post", payload=lambda w, k: {"value": "3"}, **INDICATOR
    ),
    Endpoint("targets:commitment_download", MEMBER_VIEW, **COMMITMENT),
]


def targets_everywhere(world: World) -> None:
    for key in ("a1", "b1"):
        matrix_target(world, key)


def _page_orgs(response):
    return [target.organization_id for target in response.context["page"]]


TARGET_SETS = by_role(
    county_admin=("a1", "b1"),
    town_a_admin=("a1",),
    branch_a1_admin=("a1",),
    inspector_a=("a1",),
    sysadmin=("a1", "b1"),
)
LISTINGS: list = [Listing("targets:target_list", _page_orgs, TARGET_SETS, setup=targets_everywhere)]


def matrix_evaluation(world: World, key: str):
    from dangjian.targets import services
    from dangjian.targets.models import Evaluation

    target = matrix_target(world, key)
    return Evaluation.objects.filter(target=target).first() or services.do_evaluate_target(
        target, acting_user=None, evaluated_on=timezone.localdate(), finalize=False
    )


EVALUATION = {
    "target": "a1",
    "outside": "b1",
    "url_kwarg": "",
    "more_kwargs": lambda w, k: {"pk": matrix_evaluation(w, k).pk},
}
API_CREATE = {"api": True, "outside": "b1", **CREATE}
ENDPOINTS += [
    Endpoint("targets-api:target-list", statuses(200), api=True),
    Endpoint(
        "targets-api:target-list",
        statuses(403, s201=EDITORS),
        payload=lambda w, k: {"organization": w[k].pk, "year": timezone.localdate().year, "title": "新目标"},
        **API_CREATE,
    ),
    Endpoint("targets-api:target-detail", MEMBER_VIEW, api=True, **TARGET),
    # Already issued: 400 for the issuing level; A1's administrator may not issue (A镇党委 issued it).
    Endpoint(
        "targets-api:target-issue", statuses(403, s400=TREE_MANAGERS), api=True, method="post", **TARGET
    ),
    Endpoint(
        "targets-api:target-decompose",
        statuses(403, s201=TREE_MANAGERS, s404=("branch_a1_admin",)),
        api=True,
        method="post",
        **TOWN_TARGET,
    ),
    Endpoint("targets-api:target-refresh", statuses(403, s200=EDITORS), api=True, method="post", **TARGET),
    Endpoint("targets-api:target-rollup", MEMBER_VIEW, api=True, **TARGET),
    Endpoint(
        "targets-api:target-evaluate-children",
        statuses(403, s400=EDITORS),
        api=True,
        method="post",
        payload=lambda w, k: {"evaluated_on": timezone.localdate().isoformat()},
        **TARGET,
    ),
    Endpoint("targets-api:indicator-list", statuses(200), api=True),
    Endpoint(
        "targets-api:indicator-list",
        statuses(403, s201=TREE_MANAGERS),
        payload=lambda w, k: {**indicator_payload(w, k), "target": matrix_target(w, k).pk},
        **API_CREATE,
    ),
    Endpoint("targets-api:indicator-detail", MEMBER_VIEW, api=True, **INDICATOR),
    Endpoint(
        "targets-api:indicator-actual",
        statuses(403, s200=EDITORS),
        api=True,
        method="post",
        payload=lambda w, k: {"value": "3"},
        **INDICATOR,
    ),
    Endpoint("targets-api:commitment-list", statuses(200), api=True),
    # E-confirmation: only A1's own administrator (the issuing levels and read-only roles are refused).
    Endpoint(
        "targets-api:commitment-list",
        statuses(
            404, s201=("branch_a1_admin",), s403=("county_admin", "town_a_admin", "inspector_a", "sysadmin")
        ),
        payload=lambda w, k: {"target": matrix_target(w, k).pk, "kind": "responsibility"},
        **API_CREATE,
    ),
    Endpoint("targets-api:commitment-detail", MEMBER_VIEW, api=True, **COMMITMENT),
    Endpoint("targets-api:evaluation-list", statuses(200), api=True),
    Endpoint(
        "targets-api:evaluation-list",
        statuses(403, s201=TREE_MANAGERS),
        payload=lambda w, k: {
            "target": matrix_target(w, k).pk,
            "evaluated_on": timezone.localdate().isoformat(),
        },
        **API_CREATE,
    ),
    Endpoint("targets-api:evaluation-detail", MEMBER_VIEW, api=True, **EVALUATION),
]
LISTINGS += [Listing("targets-api:target-list", _api_activity_orgs, TARGET_SETS, setup=targets_everywhere)]
