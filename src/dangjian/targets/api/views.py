"""API of 目标责任 (/api/v1/targets/): the same scoping, filtersets and services as the pages."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from dangjian.core.api import ScopedViewSet, call_service
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from .. import services
from ..filtersets import CommitmentFilterSet, EvaluationFilterSet, IndicatorFilterSet, TargetFilterSet
from ..models import Commitment, Evaluation, Indicator, Target
from ..rollup import rollup
from .serializers import (
    ActualSerializer,
    CommitmentSerializer,
    DecomposeSerializer,
    EvaluateChildrenSerializer,
    EvaluationSerializer,
    IndicatorSerializer,
    TargetSerializer,
)


def organization_for(request, pk):
    return get_object_or_404(Organization.objects.visible_to(request.user, "change"), pk=pk)


def target_for(request, pk, action="change"):
    return get_object_or_404(Target.objects.visible_to(request.user, action), pk=pk)


def with_indicators(queryset):
    indicators = Indicator.objects.select_related("target__organization", "actual_by").order_by(
        "position", "id"
    )
    return queryset.select_related("organization").prefetch_related(Prefetch("indicators", indicators))


class TargetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """目标责任书 in scope with their indicators (filter `year`, `organization` subtree, `status`,
    `parent`, `top`); POST creates a draft; `issue`, `decompose` (逐级分解), `refresh` (computed figures)
    and `rollup` (the children's figures per indicator). Out of scope: 404."""

    model = Target
    serializer_class = TargetSerializer
    filterset_class = TargetFilterSet
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return with_indicators(super().get_queryset()).order_by("-year", "organization__path", "id")

    def create(self, request):
        serializer = TargetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organization = organization_for(request, data.pop("organization_id"))
        issued_by = data.pop("issued_by_id")
        member = data.pop("responsible_member_id")
        target = call_service(
            services.do_create_target,
            acting_user=request.user,
            organization=organization,
            issued_by=organization_for(request, issued_by) if issued_by else None,
            responsible_member=get_object_or_404(Member.objects.visible_to(request.user), pk=member)
            if member
            else None,
            **data,
        )
        return Response(TargetSerializer(target).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: TargetSerializer})
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        """下达 a draft with at least one indicator."""
        target = call_service(services.do_issue_target, self.get_object(), acting_user=request.user)
        return Response(TargetSerializer(target).data)

    @extend_schema(request=DecomposeSerializer, responses={201: TargetSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def decompose(self, request, pk=None):
        """逐级分解 to `organizations` (default: every direct child) and/or `members`."""
        target = self.get_object()
        serializer = DecomposeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        visible = Organization.objects.visible_to(request.user, "change")
        organizations = [get_object_or_404(visible, pk=pk) for pk in data["organizations"]]
        members = [
            get_object_or_404(Member.objects.visible_to(request.user), pk=pk) for pk in data["members"]
        ]
        children = call_service(
            services.do_decompose_target,
            target,
            acting_user=request.user,
            organizations=organizations or None,
            members=members,
            split={int(key): value for key, value in data["split"].items() if str(key).isdigit()},
            values=serializer.service_values(),
        )
        rows = with_indicators(Target.objects.filter(pk__in=[c.pk for c in children])).order_by("id")
        return Response(TargetSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: TargetSerializer})
    @action(detail=True, methods=["post"])
    def refresh(self, request, pk=None):
        """Recompute the computed indicators of the target and of its children from the records."""
        target = self.get_object()
        children = list(Target.objects.visible_to(request.user, "change").filter(parent=target))
        call_service(services.do_refresh_computed, [target, *children], acting_user=request.user)
        return Response(TargetSerializer(with_indicators(Target.objects.filter(pk=target.pk)).get()).data)

    @extend_schema(request=EvaluateChildrenSerializer, responses={201: EvaluationSerializer(many=True)})
    @action(detail=True, methods=["post"], url_path="evaluate-children")
    def evaluate_children(self, request, pk=None):
        """年终考评 of every child target not yet evaluated, by the rule, finalized."""
        target = self.get_object()
        serializer = EvaluateChildrenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        found = call_service(
            services.do_evaluate_children, target, acting_user=request.user, **serializer.validated_data
        )
        return Response(EvaluationSerializer(found, many=True).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def rollup(self, request, pk=None):
        """The children's targets and, per indicator, their target and actual values (summed, or averaged
        for rates), how many reported and reached, and each child's figure."""
        target = self.get_object()
        found = rollup(target)
        return Response(
            {
                "target": target.pk,
                "children": [
                    {
                        "id": child.pk,
                        "organization": child.organization_id,
                        "organization_name": child.organization.name,
                        "responsible_member": child.responsible_member_id,
                        "status": child.status,
                        "commitments": [c.kind for c in child.commitments.all()],
                        "evaluation": _evaluation(child),
                    }
                    for child in found.targets
                ],
                "indicators": [_rollup_row(row) for row in found.rows],
            }
        )


def _evaluation(target) -> dict | None:
    try:
        evaluation = target.evaluation
    except Evaluation.DoesNotExist:
        return None
    return {
        "total_score": str(evaluation.total_score),
        "grade": evaluation.grade,
        "finalized": evaluation.finalized,
    }


def _number(value):
    return str(value) if value is not None else None


def _rollup_row(row) -> dict:
    return {
        "indicator": row.indicator.pk,
        "name": row.indicator.name,
        "unit": row.indicator.unit,
        "rollup": row.how,
        "target_total": _number(row.target_total),
        "actual_total": _number(row.actual_total),
        "reported": row.reported,
        "reached": row.reached_count,
        "count": row.count,
        "children": [
            {
                "target": child.target.pk,
                "indicator": child.indicator.pk if child.indicator else None,
                "target_value": _number(child.indicator.target_value) if child.indicator else None,
                "actual_value": _number(child.indicator.actual_value) if child.indicator else None,
                "reached": child.reached,
            }
            for child in row.children
        ],
    }


class IndicatorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """指标 of the targets in scope (filter `target`, `year`, `organization`, `source_kind`, `parent`);
    POST adds one to a target; `actual` enters the actual value of an entered indicator."""

    model = Indicator
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilterSet
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        rows = super().get_queryset().select_related("target__organization", "actual_by")
        return rows.order_by("target_id", "position", "id")

    def create(self, request):
        serializer = IndicatorSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        target = target_for(request, data.pop("target_id"))
        indicator = call_service(services.do_add_indicator, target, acting_user=request.user, **data)
        return Response(IndicatorSerializer(indicator).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ActualSerializer, responses={200: IndicatorSerializer})
    @action(detail=True, methods=["post"])
    def actual(self, request, pk=None):
        indicator = self.get_object()
        serializer = ActualSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        indicator = call_service(
            services.do_enter_actual, indicator, acting_user=request.user, **serializer.validated_data
        )
        return Response(IndicatorSerializer(indicator).data)


class CommitmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """责任书/承诺书 of the targets in scope. POST with `file` (multipart) uploads the signed scan (a change
    grant on the organization); without a file it is the responsible user's electronic confirmation (a
    党员 confirms a target for them personally: the service decides who may)."""

    model = Commitment
    serializer_class = CommitmentSerializer
    filterset_class = CommitmentFilterSet
    lookup_value_regex = r"\d+"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def initial(self, request, *args, **kwargs):
        # Not ScopedViewSet's "no change grant anywhere → 403": a 党员 confirms their own target.
        viewsets.GenericViewSet.initial(self, request, *args, **kwargs)

    def get_queryset(self):
        rows = Commitment.objects.visible_to(self.request.user, "view")
        return rows.select_related("signed_by").order_by("target_id", "kind", "id")

    def create(self, request):
        serializer = CommitmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target = target_for(request, data["target_id"], "view")
        if data.get("file"):
            commitment = call_service(
                services.do_upload_commitment,
                target,
                acting_user=request.user,
                kind=data["kind"],
                upload=data["file"],
            )
        else:
            commitment = call_service(
                services.do_sign_commitment,
                target,
                acting_user=request.user,
                kind=data["kind"],
                statement=data.get("statement", ""),
            )
        return Response(CommitmentSerializer(commitment).data, status=status.HTTP_201_CREATED)


class EvaluationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """年终考评 of the targets in scope, with the per-indicator scores and the figures they used; POST
    evaluates a target (the issuing organization's change grant), `overrides` with reasons."""

    model = Evaluation
    serializer_class = EvaluationSerializer
    filterset_class = EvaluationFilterSet
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("evaluator")
            .prefetch_related("scores")
            .order_by("-evaluated_on", "id")
        )

    def create(self, request):
        serializer = EvaluationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target = target_for(request, data["target_id"])
        evaluation = call_service(
            services.do_evaluate_target,
            target,
            acting_user=request.user,
            evaluated_on=data["evaluated_on"],
            comment=data.get("comment", ""),
            overrides={row["indicator"]: (row["score"], row["reason"]) for row in data["overrides"]},
            finalize=data["finalized"],
        )
        return Response(EvaluationSerializer(evaluation).data, status=status.HTTP_201_CREATED)
