"""Navigation built from the user's roles: a link appears only where the user may go."""

from django.urls import reverse

from dangjian.accounts.choices import RoleChoices
from dangjian.accounts.scope import get_scope

CHECKER_ROLES = (RoleChoices.ORG_ADMIN, RoleChoices.BRANCH_ADMIN, RoleChoices.INSPECTOR)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = get_scope(user)
    items = []
    if scope.allows("view"):
        items += [
            {"key": "organizations", "label": "组织架构", "url": reverse("organizations:organization_tree")},
            {"key": "members", "label": "党员名册", "url": reverse("members:member_list")},
            {"key": "activities", "label": "组织生活", "url": reverse("activities:activity_list")},
        ]
    if scope.allows("view") or scope.member_ids:
        items.append({"key": "study", "label": "学习", "url": reverse("study:index")})
    if scope.allows("change"):
        items += [
            {"key": "compliance", "label": "合规情况", "url": reverse("activities:compliance_index")},
            {"key": "quality", "label": "数据体检", "url": reverse("quality")},
        ]
    if scope.member_ids:
        items.append(
            {
                "key": "me",
                "label": "我的信息",
                "url": reverse("members:member_detail", args=[scope.member_ids[0]]),
            }
        )
        items.append({"key": "mine", "label": "我的组织生活", "url": reverse("activities:my_activities")})
    if scope.allows("view") or scope.member_ids:
        items.append({"key": "exams", "label": "考试", "url": reverse("exams:exam_list")})
    # 雷同检测 reads notes for review: committees, branch admins and inspectors (originality.access)
    grants = list(user.grants.current())
    if {g.role for g in grants} & set(CHECKER_ROLES):
        items.append({"key": "originality", "label": "雷同检测", "url": reverse("originality:check_list")})
    if scope.allows("view"):
        items.append({"key": "development", "label": "发展党员", "url": reverse("development:file_list")})
        items.append({"key": "youth", "label": "推优和青年培养", "url": reverse("youth:recommendation_list")})
    if scope.allows("view"):
        items.append({"key": "tasks", "label": "交办督办", "url": reverse("tasks:task_list")})
        items.append({"key": "inspections", "label": "督导检查", "url": reverse("inspections:plan_list")})
    if scope.allows("view") or scope.member_ids:
        # A 党员 sees the targets made out to them personally.
        items.append({"key": "targets", "label": "目标责任", "url": reverse("targets:target_list")})
    if scope.allows("view"):
        items.append({"key": "evaluation", "label": "考核评价", "url": reverse("evaluation:assessment_list")})
    if scope.allows("view") or scope.member_ids:
        items.append({"key": "surveys", "label": "测评和民主评议", "url": reverse("surveys:survey_list")})
    if scope.allows("view"):
        items.append({"key": "feedback", "label": "意见建议", "url": reverse("feedback:feedback_list")})
    # Observers usually hold no role: their own submissions are reachable by any signed-in user.
    items.append({"key": "my_feedback", "label": "我的意见建议", "url": reverse("feedback:mine")})
    if scope.allows("view"):
        items.append({"key": "statistics", "label": "党内统计", "url": reverse("statistics:index")})
        items.append({"key": "dashboards", "label": "工作看板", "url": reverse("dashboards:index")})
        items.append({"key": "reports", "label": "汇报材料", "url": reverse("reports:draft_list")})
    if scope.allows("manage_users"):
        items.append({"key": "users", "label": "账号管理", "url": reverse("accounts:user_list")})
        items.append({"key": "calendar", "label": "节假日安排", "url": reverse("tasks:schedule_list")})
    if scope.allows("audit"):
        items.append({"key": "audit", "label": "审计日志", "url": reverse("audit:auditevent_list")})
    if scope.allows("view"):
        items.append({"key": "api", "label": "接口文档", "url": reverse("api-docs")})
    labels = dict(RoleChoices.choices)
    roles = sorted({labels[g.role] for g in grants})
    return {
        "navigation": items,
        "role_labels": roles or ["无授权"],
        # For templates that offer a link or a button only to whom it would not refuse.
        "may_view": scope.allows("view"),
        "may_change": scope.allows("change"),
    }
