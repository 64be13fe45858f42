"""所在党支部 / 党小组 cells to organizations: by code or full name, inside the import's root and scope."""

from django.db.models import Q

from dangjian.accounts.scope import get_scope
from dangjian.organizations.choices import OrganizationKind, OrganizationStatus
from dangjian.organizations.models import Organization

from .cells import CellError, _shown


class Placement:
    """Resolves 所在党支部 / 党小组 cells to organizations the importing user may change."""

    def __init__(self, *, root: Organization | None, acting_user, branch_values, group_values):
        self.root = root
        self.acting_user = acting_user
        self.scope = get_scope(acting_user) if acting_user is not None else None
        values = {v for v in branch_values if v}
        in_scope = Organization.objects.all()
        if acting_user is not None:
            in_scope = Organization.objects.visible_to(acting_user, "change")
        matching = Q(code__in=values) | Q(name__in=values)
        self.candidates = list(in_scope.filter(matching))
        self.elsewhere = {o.pk: o for o in Organization.objects.filter(matching)}
        self.groups = list(
            Organization.objects.filter(kind=OrganizationKind.PARTY_GROUP).filter(
                Q(code__in=group_values) | Q(name__in=group_values)
            )
        )
        self._branches: dict[str, Organization | CellError] = {}

    def within_root(self, org: Organization) -> bool:
        return self.root is None or org.path.startswith(self.root.path)

    def may_change(self, org: Organization) -> bool:
        in_scope = self.scope is None or self.scope.covers(org.path, "change")
        return in_scope and self.within_root(org)

    def default_branch(self) -> Organization:
        if self.root is not None and self.root.is_branch:
            self._check_branch(self.root)
            return self.root
        raise CellError("必填，不能为空（请填写党支部编码或全称）")

    def branch(self, text: str) -> Organization:
        if text not in self._branches:
            try:
                self._branches[text] = self._resolve(text)
            except CellError as error:
                self._branches[text] = error
        found = self._branches[text]
        if isinstance(found, CellError):
            raise found
        return found

    def _resolve(self, text: str) -> Organization:
        usable = [o for o in self.candidates if self.within_root(o)]
        matches = [o for o in usable if o.code == text] or [o for o in usable if o.name == text]
        if len(matches) > 1:
            codes = "、".join(o.code for o in matches[:5])
            raise CellError(f"名称「{_shown(text)}」对应多个党组织（编码 {codes}），请改填组织编码")
        if not matches:
            if any(o.code == text or o.name == text for o in self.elsewhere.values()):
                where = f"「{self.root.name}」" if self.root is not None else "您有权管理的"
                raise CellError(f"党组织「{_shown(text)}」不在{where}范围内，无权导入")
            raise CellError(f"找不到党支部「{_shown(text)}」，请填写组织编码或全称")
        self._check_branch(matches[0])
        return matches[0]

    @staticmethod
    def _check_branch(org: Organization) -> None:
        if not org.is_branch:
            raise CellError(
                f"「{org.name}」是{org.get_kind_display()}，党员只能编入党支部（含联合党支部、临时党支部）"
            )
        if org.status != OrganizationStatus.ACTIVE:
            raise CellError(f"党支部「{org.name}」已撤销，不能再编入党员")

    def group(self, text: str, branch: Organization) -> Organization | None:
        if not text:
            return None
        children = [g for g in self.groups if g.depth == branch.depth + 1 and g.path.startswith(branch.path)]
        matches = [g for g in children if g.code == text] or [g for g in children if g.name == text]
        if not matches:
            raise CellError(f"「{branch.name}」下没有党小组「{_shown(text)}」")
        if matches[0].status != OrganizationStatus.ACTIVE:
            raise CellError(f"党小组「{matches[0].name}」已撤销")
        matches[0]._cached_parent_obj = branch  # treebeard's parent cache: spares a query per row
        return matches[0]
