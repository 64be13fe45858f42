"""Permission-matrix rows of the evaluation app (imported at the end of core/testing/matrix.py).

Each town committee (A镇党委 in scope, B镇党委 outside) has, made on first use, a published rubric and a
published assessment of its branches (A1 and A2, or B1), and A1's (B1's) unit an appeal. Assessments are
read through the committee (a 支部管理员 of A1 gets 404 there) and decided by it; an assessed unit reads its
own score sheet and files its appeals. Writes through the pages answer 302 (a refusal is a message).
"""

from decimal import Decimal

from dangjian.core.testing.matrix import (  # noqa: F401
    EDITORS,
    TREE_MANAGERS,
    VIEWERS,
    Endpoint,
    Listing,
    World,
    by_role,
    statuses,
)

NOT_SCOPED = frozenset({"evaluation-api:api-root"})
NAME = "矩阵五好党支部考核"
PARENT = {"a1": "town_a", "a2": "town_a", "b1": "town_b"}
BRANCHES = {"town_a": ("a1", "a2"), "town_b": ("b1",)}


def matrix_assessment(world: World, key: str):
    """The published assessment of the town committee `key` (or of the town above the branch `key`)."""
    from dangjian.evaluation import services
    from dangjian.evaluation.models import Assessment, AssessmentUnit

    town = PARENT.get(key, key)
    found = Assessment.objects.filter(organization=world[town], name=NAME).first()
    if found is not None:
        return found
    rubric = services.do_create_rubric(world[town], "矩阵细则", acting_user=None)
    version = rubric.latest_version()
    section = services.do_add_section(version, "支部班子好", acting_user=None)
    item = services.do_add_item(section, acting_user=None, text="班子团结", points=Decimal("10"))
    services.do_set_bands(version, [("合格", 0)], acting_user=None)
    services.do_publish_version(version, acting_user=None)
    assessment = services.do_create_assessment(
        version, name=NAME, year=2025, organizations=[world[k] for k in BRANCHES[town]], acting_user=None
    )
    services.do_start_scoring(assessment, acting_user=None)
    for unit in AssessmentUnit.objects.filter(assessment=assessment):
        services.do_score_item(unit, item, points=8, acting_user=None)
    return services.do_finalize(assessment, acting_user=None)


def matrix_unit(world: World, key: str):
    return matrix_assessment(world, key).units.get(organization=world[key])


def matrix_appeal(world: World, key: str):
    from dangjian.evaluation import services

    unit = matrix_unit(world, key)
    return unit.appeals.first() or services.do_file_appeal(
        unit, unit.assessment.version.items().get(), "矩阵申诉", acting_user=None
    )


def matrix_draft_rubric(world: World, key: str):
    """An unpublished rubric of the town committee `key` (one item and a scale: ready to publish)."""
    from dangjian.evaluation import services
    from dangjian.evaluation.models import Rubric

    found = Rubric.objects.filter(organization=world[key], name="矩阵草稿细则").first()
    if found is not None:
        return found
    rubric = services.do_create_rubric(world[key], "矩阵草稿细则", acting_user=None)
    version = rubric.latest_version()
    section = services.do_add_section(version, "支部班子好", acting_user=None)
    services.do_add_item(section, acting_user=None, text="班子团结", points=Decimal("10"))
    services.do_set_bands(version, [("合格", 0)], acting_user=None)
    return rubric


def _staged(world: World, key: str, name: str, *, scoring: bool):
    """Another assessment of the town `key` (or of the town above the branch `key`) with the matrix
    version: in self-assessment, or in scoring with every unit scored (ready to finalize)."""
    from dangjian.evaluation import services
    from dangjian.evaluation.models import Assessment

    town = PARENT.get(key, key)
    found = Assessment.objects.filter(organization=world[town], name=name).first()
    if found is not None:
        return found
    version = matrix_assessment(world, key).version
    assessment = services.do_create_assessment(
        version, name=name, year=2026, organizations=[world[k] for k in BRANCHES[town]], acting_user=None
    )
    if scoring:
        services.do_start_scoring(assessment, acting_user=None)
        for unit in assessment.units.all():
            services.do_score_item(unit, version.items().get(), points=8, acting_user=None)
    return assessment


def matrix_open_assessment(world: World, key: str):
    return _staged(world, key, "矩阵自评中考核", scoring=False)


def matrix_scoring_assessment(world: World, key: str):
    return _staged(world, key, "矩阵评分中考核", scoring=True)


def _item(world: World, key: str) -> int:
    return matrix_assessment(world, key).version.items().get().pk


COMMITTEE_VIEW = statuses(404, s200=("county_admin", "town_a_admin", "inspector_a", "sysadmin"))
UNIT_VIEW = statuses(404, s200=VIEWERS)
ASSESSMENT = {
    "target": "town_a",
    "outside": "town_b",
    "url_kwarg": "",
    "more_kwargs": lambda w, k: {"pk": matrix_assessment(w, k).pk},
}
RUBRIC = {
    "target": "town_a",
    "outside": "town_b",
    "url_kwarg": "",
    "more_kwargs": lambda w, k: {"pk": matrix_assessment(w, k).version.rubric_id},
}
UNIT = {
    "target": "a1",
    "outside": "b1",
    "url_kwarg": "",
    "more_kwargs": lambda w, k: {"pk": matrix_unit(w, k).pk},
}
APPEAL = {
    "target": "a1",
    "outside": "b1",
    "url_kwarg": "",
    "more_kwargs": lambda w, k: {"pk": matrix_appeal(w, k).pk},
}
DECIDE = {
    "target": "a1",
    "outside": "b1",
    "url_kwarg": "",
    "more_kwargs": lambda w, k: {"pk": matrix_assessment(w, k).pk, "appeal_pk": matrix_appeal(w, k).pk},
}
# A change grant that does not reach the town committee (A1's administrator) finds nothing there.
COMMITTEE_WRITE = statuses(403, s302=TREE_MANAGERS, s404=("branch_a1_admin",))

SECTION = {
    "target": "town_a",
    "outside": "town_b",
    "url_kwarg": "",
    "more_kwargs": lambda w, k: {"pk": _section(w, k)},
}
ITEM = {
    "target": "town_a",
    "outside": "town_b",
    "url_kwarg": "",
    "more_kwargs": lambda w, k: {"pk": _item(w, k)},
}
# The editor's pages: the committee's managers; A1's administrator holds a change grant elsewhere (404).
EDITOR_PAGE = statuses(403, s200=TREE_MANAGERS, s404=("branch_a1_admin",))


def _section(world: World, key: str) -> int:
    return matrix_assessment(world, key).version.sections.get().pk


def _item_payload(prefix: str) -> dict:
    fields = {"text": "班子团结、分工明确", "points": "10", "method": "assessed", "floor": "", "evidence": ""}
    return {f"{prefix}-{name}": value for name, value in fields.items()}


def _bands_payload(world: World, key: str) -> dict:
    data = {"scale-scale_name": "五好党支部评定", "bands-TOTAL_FORMS": "2", "bands-INITIAL_FORMS": "0"}
    data.update(
        {"bands-0-label": "五好", "bands-0-min_score": "9", "bands-1-label": "合格", "bands-1-min_score": "0"}
    )
    return data


def _new_assessment(world: World, key: str) -> dict:
    return {
        "version": matrix_assessment(world, key).version_id,
        "name": "矩阵新建考核",
        "year": "2025",
        "kinds": ["branch"],
        "ranking_visibility": "committee",
        "conflict_threshold": "2",
    }


ENDPOINTS: list = [
    # the rubric editor
    Endpoint("evaluation:rubric_list", statuses(200)),
    Endpoint("evaluation:rubric_add", statuses(403, s200=EDITORS)),
    # A branch's administrator manages no committee: the form comes back with the refusal (200).
    Endpoint(
        "evaluation:rubric_add",
        statuses(403, s302=TREE_MANAGERS, s200=("branch_a1_admin",)),
        method="post",
        url_kwarg="",
        target="town_a",
        outside="town_b",
        outside_status=200,
        payload=lambda w, k: {"organization": w[k].pk, "name": "矩阵新细则"},
    ),
    Endpoint("evaluation:rubric_edit", EDITOR_PAGE, **RUBRIC),
    Endpoint(
        "evaluation:section_add",
        COMMITTEE_WRITE,
        method="post",
        payload=lambda w, k: {"section-title": "组织生活好"},
        **RUBRIC,
    ),
    Endpoint(
        "evaluation:section_edit",
        COMMITTEE_WRITE,
        method="post",
        payload=lambda w, k: {"section-title": "支部班子建设好"},
        **SECTION,
    ),
    Endpoint("evaluation:item_add", EDITOR_PAGE, **SECTION),
    Endpoint(
        "evaluation:item_add",
        COMMITTEE_WRITE,
        method="post",
        payload=lambda w, k: _item_payload(f"new{_section(w, k)}"),
        **SECTION,
    ),
    Endpoint("evaluation:item_edit", EDITOR_PAGE, **ITEM),
    Endpoint(
        "evaluation:item_edit",
        COMMITTEE_WRITE,
        method="post",
        payload=lambda w, k: _item_payload(f"item{_item(w, k)}"),
        **ITEM,
    ),
    Endpoint("evaluation:item_remove", COMMITTEE_WRITE, method="post", **ITEM),
    # Without htmx the scale's form is a part of the editor: GET leads there.
    Endpoint("evaluation:rubric_bands", COMMITTEE_WRITE, **RUBRIC),
    Endpoint("evaluation:rubric_bands", COMMITTEE_WRITE, method="post", payload=_bands_payload, **RUBRIC),
    # Published already: the editor shows the service's refusal.
    Endpoint("evaluation:rubric_publish", COMMITTEE_WRITE, method="post", **RUBRIC),
    # new assessment: only a version of a committee one manages can be chosen (else the form's error)
    Endpoint("evaluation:assessment_add", statuses(403, s200=EDITORS)),
    Endpoint(
        "evaluation:assessment_add",
        statuses(403, s302=TREE_MANAGERS, s200=("branch_a1_admin",)),
        method="post",
        url_kwarg="",
        target="town_a",
        outside="town_b",
        outside_status=200,
        payload=_new_assessment,
    ),
    Endpoint("evaluation:unit_sheet_export", UNIT_VIEW, **UNIT),
    # Published already: the stage's service refuses (a message); self-assessment likewise.
    Endpoint(
        "evaluation:assessment_stage",
        COMMITTEE_WRITE,
        method="post",
        payload=lambda w, k: {"step": "start"},
        **ASSESSMENT,
    ),
    # Published already: the service refuses to change the assessors (a message on the page).
    Endpoint(
        "evaluation:assessment_assessors",
        COMMITTEE_WRITE,
        method="post",
        payload=lambda w, k: {"assessors": []},
        **ASSESSMENT,
    ),
    Endpoint("evaluation:unit_self", statuses(403, s200=EDITORS), **UNIT),
    # Published already: the sheet comes back with the service's refusal beside the row (nothing saved).
    Endpoint(
        "evaluation:unit_self",
        statuses(403, s200=EDITORS),
        method="post",
        payload=lambda w, k: {f"item_{_item(w, k)}": "5"},
        **UNIT,
    ),
    # assessments
    Endpoint("evaluation:assessment_list", statuses(200)),
    Endpoint("evaluation:assessment_detail", COMMITTEE_VIEW, **ASSESSMENT),
    Endpoint("evaluation:assessment_export", COMMITTEE_VIEW, **ASSESSMENT),
    Endpoint("evaluation:rubric_detail", COMMITTEE_VIEW, **RUBRIC),
    Endpoint("evaluation:unit_sheet", UNIT_VIEW, **UNIT),
    Endpoint(
        "evaluation:appeal_add",
        statuses(403, s302=EDITORS),
        method="post",
        payload=lambda w, k: {"item": _item(w, k), "reason": "矩阵申诉"},
        **UNIT,
    ),
    Endpoint(
        "evaluation:appeal_decide",
        COMMITTEE_WRITE,
        method="post",
        payload=lambda w, k: {"decision": "upheld"},
        **DECIDE,
    ),
    Endpoint("evaluation:unit_score", UNIT_VIEW, **UNIT),
    # Published already: the form comes back with the service's refusal (200, nothing saved).
    Endpoint(
        "evaluation:unit_score",
        statuses(404, s200=VIEWERS),
        method="post",
        payload=lambda w, k: {f"item_{_item(w, k)}": "5"},
        **UNIT,
    ),
    Endpoint(
        "evaluation:reconcile",
        COMMITTEE_WRITE,
        method="post",
        payload=lambda w, k: {
            "unit": matrix_assessment(w, k).units.first().pk,
            "item": _item(w, k),
            "points": "5",
        },
        **ASSESSMENT,
    ),
    # API
    Endpoint("evaluation-api:rubric-list", statuses(200), api=True),
    Endpoint("evaluation-api:rubric-detail", COMMITTEE_VIEW, api=True, **RUBRIC),
    Endpoint("evaluation-api:assessment-list", statuses(200), api=True),
    Endpoint("evaluation-api:assessment-detail", COMMITTEE_VIEW, api=True, **ASSESSMENT),
    Endpoint("evaluation-api:assessment-units", COMMITTEE_VIEW, api=True, **ASSESSMENT),
    Endpoint("evaluation-api:unit-list", statuses(200), api=True),
    Endpoint("evaluation-api:unit-detail", UNIT_VIEW, api=True, **UNIT),
    Endpoint("evaluation-api:score-list", statuses(200), api=True),
    # Published already: the named unit is found, the service refuses (400); assessors need only view.
    Endpoint(
        "evaluation-api:score-list",
        statuses(404, s400=VIEWERS),
        api=True,
        method="post",
        url_kwarg="",
        target="a1",
        outside="b1",
        payload=lambda w, k: {"unit": matrix_unit(w, k).pk, "item": _item(w, k), "points": "5"},
    ),
    Endpoint("evaluation-api:appeal-list", statuses(200), api=True),
    Endpoint(
        "evaluation-api:appeal-list",
        statuses(403, s201=EDITORS),
        api=True,
        method="post",
        url_kwarg="",
        target="a1",
        outside="b1",
        payload=lambda w, k: {"unit": matrix_unit(w, k).pk, "item": _item(w, k), "reason": "矩阵申诉"},
    ),
    Endpoint("evaluation-api:appeal-detail", UNIT_VIEW, api=True, **APPEAL),
    Endpoint(
        "evaluation-api:appeal-decide",
        statuses(403, s200=TREE_MANAGERS, s404=("branch_a1_admin",)),
        api=True,
        method="post",
        payload=lambda w, k: {"decision": "upheld"},
        **APPEAL,
    ),
]


# API writes: the committee's managers (TREE_MANAGERS) write; A1's administrator holds a change grant that
# does not reach the town committee (404); roles that may change nothing anywhere are refused (403).
API_WRITE = statuses(403, s200=TREE_MANAGERS, s404=("branch_a1_admin",))
API_CREATE = statuses(403, s201=TREE_MANAGERS, s404=("branch_a1_admin",))
DRAFT_RUBRIC = {**RUBRIC, "more_kwargs": lambda w, k: {"pk": matrix_draft_rubric(w, k).pk}}
OPEN = {**ASSESSMENT, "more_kwargs": lambda w, k: {"pk": matrix_open_assessment(w, k).pk}}
SCORING = {**ASSESSMENT, "more_kwargs": lambda w, k: {"pk": matrix_scoring_assessment(w, k).pk}}
OPEN_UNIT = {
    **UNIT,
    "more_kwargs": lambda w, k: {"pk": matrix_open_assessment(w, k).units.get(organization=w[k]).pk},
}
# A payload naming what the user may not choose (a committee or version elsewhere) is a 400 naming the
# field, as the pages' forms refuse it; nothing is written.
ENDPOINTS += [
    Endpoint(
        "evaluation-api:rubric-list",
        statuses(403, s201=TREE_MANAGERS, s400=("branch_a1_admin",)),
        api=True,
        method="post",
        url_kwarg="",
        target="town_a",
        outside="town_b",
        outside_status=400,
        payload=lambda w, k: {"organization": w[k].pk, "name": "矩阵API细则"},
    ),
    # The matrix version is used by an assessment: the writes land in a new draft version.
    Endpoint("evaluation-api:rubric-copy", API_CREATE, api=True, method="post", **RUBRIC),
    Endpoint(
        "evaluation-api:rubric-sections",
        API_CREATE,
        api=True,
        method="post",
        payload=lambda w, k: {"title": "组织生活好"},
        **RUBRIC,
    ),
    Endpoint(
        "evaluation-api:rubric-bands",
        API_WRITE,
        api=True,
        method="post",
        payload=lambda w, k: {
            "bands": [{"label": "五好", "min_score": "9"}, {"label": "合格", "min_score": "0"}]
        },
        **RUBRIC,
    ),
    Endpoint("evaluation-api:rubric-publish", API_WRITE, api=True, method="post", **DRAFT_RUBRIC),
    Endpoint("evaluation-api:section-detail", COMMITTEE_VIEW, api=True, **SECTION),
    Endpoint(
        "evaluation-api:section-detail",
        API_WRITE,
        api=True,
        method="patch",
        payload=lambda w, k: {"title": "支部班子建设好"},
        **SECTION,
    ),
    Endpoint(
        "evaluation-api:section-items",
        API_CREATE,
        api=True,
        method="post",
        payload=lambda w, k: {"text": "分工明确", "points": "5"},
        **SECTION,
    ),
    Endpoint("evaluation-api:section-remove", API_WRITE, api=True, method="post", **SECTION),
    Endpoint("evaluation-api:item-detail", COMMITTEE_VIEW, api=True, **ITEM),
    Endpoint(
        "evaluation-api:item-detail",
        API_WRITE,
        api=True,
        method="patch",
        payload=lambda w, k: {"points": "8"},
        **ITEM,
    ),
    Endpoint("evaluation-api:item-remove", API_WRITE, api=True, method="post", **ITEM),
    Endpoint(
        "evaluation-api:assessment-list",
        statuses(403, s201=TREE_MANAGERS, s400=("branch_a1_admin",)),
        api=True,
        method="post",
        url_kwarg="",
        target="town_a",
        outside="town_b",
        outside_status=400,
        payload=lambda w, k: {
            "version": matrix_assessment(w, k).version_id,
            "name": "矩阵API考核",
            "year": 2025,
            "kinds": ["branch"],
        },
    ),
    Endpoint(
        "evaluation-api:assessment-assessors",
        API_WRITE,
        api=True,
        method="post",
        payload=lambda w, k: {"assessors": [w["town_a_admin"].pk] if k == "town_a" else []},
        **SCORING,
    ),
    Endpoint("evaluation-api:assessment-start-scoring", API_WRITE, api=True, method="post", **OPEN),
    Endpoint("evaluation-api:assessment-fill-computed", API_WRITE, api=True, method="post", **SCORING),
    Endpoint("evaluation-api:assessment-finalize", API_WRITE, api=True, method="post", **SCORING),
    # The unit's own administrators (and those above them) assess it; read-only roles are refused.
    Endpoint(
        "evaluation-api:unit-self-assess",
        statuses(403, s200=EDITORS),
        api=True,
        method="post",
        payload=lambda w, k: {"item": _item(w, k), "points": "5"},
        **OPEN_UNIT,
    ),
]


def assessments_everywhere(world: World) -> None:
    for key in ("town_a", "town_b"):
        matrix_assessment(world, key)


def _unit_orgs(response):
    return [row["organization"] for row in response.json()["results"]]


def _page_committees(response):
    return [assessment.organization_id for assessment in response.context["page_obj"]]


UNIT_SETS = by_role(
    county_admin=("a1", "a2", "b1"),
    town_a_admin=("a1", "a2"),
    branch_a1_admin=("a1",),
    inspector_a=("a1", "a2"),
    sysadmin=("a1", "a2", "b1"),
)
# A branch's administrator finds the assessment of its unit in the list (through its own unit's row).
ASSESSMENT_SETS = by_role(
    county_admin=("town_a", "town_b"),
    town_a_admin=("town_a",),
    branch_a1_admin=("town_a",),
    inspector_a=("town_a",),
    sysadmin=("town_a", "town_b"),
)


def _rubric_committees(response):
    return [rubric.organization_id for rubric in response.context["rubrics"]]


LISTINGS: list = [
    # Rubrics are read through their committee: a branch's administrator finds none.
    Listing(
        "evaluation:rubric_list",
        _rubric_committees,
        by_role(
            county_admin=("town_a", "town_b"),
            town_a_admin=("town_a",),
            inspector_a=("town_a",),
            sysadmin=("town_a", "town_b"),
        ),
        setup=assessments_everywhere,
    ),
    Listing("evaluation-api:unit-list", _unit_orgs, UNIT_SETS, setup=assessments_everywhere),
    Listing("evaluation:assessment_list", _page_committees, ASSESSMENT_SETS, setup=assessments_everywhere),
]
