import django_tables2 as tables

from .models import Activity


class ActivityTable(tables.Table):
    held_on = tables.DateColumn("Y-m-d", verbose_name="日期")
    theme = tables.LinkColumn("activities:activity_detail", args=[tables.A("pk")], verbose_name="主题")
    organization = tables.Column(verbose_name="党组织", order_by=("organization__path",))
    attendance = tables.TemplateColumn(
        "{{ record.present_count }}/{{ record.expected_count }}", verbose_name="实到/应到", orderable=False
    )
    status = tables.TemplateColumn(
        '{% if record.is_cancelled %}<span class="badge text-bg-secondary">已作废</span>{% endif %}',
        verbose_name="状态",
        orderable=False,
    )

    class Meta:
        model = Activity
        fields = ["held_on", "activity_type", "theme", "organization", "place", "attendance", "status"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "没有符合条件的活动记录。"
