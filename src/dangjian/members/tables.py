import django_tables2 as tables

from .models import Member


class MemberTable(tables.Table):
    name = tables.LinkColumn(
        "members:member_detail", args=[tables.A("pk")], verbose_name="姓名", order_by=("name_pinyin",)
    )
    masked_id_number = tables.Column(verbose_name="身份证号", orderable=False)
    masked_phone = tables.Column(verbose_name="联系电话", orderable=False)
    organization = tables.Column(verbose_name="所在党支部", order_by=("organization__path",))

    class Meta:
        model = Member
        fields = [
            "name",
            "sex",
            "birth_date",
            "masked_id_number",
            "organization",
            "party_group",
            "status",
            "joined_on",
            "category",
            "masked_phone",
        ]
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "没有符合条件的党员。"
