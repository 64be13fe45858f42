"""Demo data of the originality check (雷同检测): two reference texts (范文) at the county, and in the demo
village branch four reflections, two of them copied — one from a colleague (words swapped for
synonyms), one in part from a reference text — which the 雷同检测 page finds. Demo scale only.
"""

import datetime
import random

from dangjian.members.choices import MemberStatus
from dangjian.members.models import Member
from dangjian.originality import quality
from dangjian.originality.services import do_add_reference_text
from dangjian.study.services import do_write_note

from .plan import Plan

SOURCE = "某范文网站（演示）"
# Template articles of the kind found on report-template websites (written for the demo).
REFERENCES = [
    (
        "党员冬训学习心得体会范文",
        "按照县委组织部的统一部署，我参加了今年的党员冬训。通过集中学习，我对新时代党的创新理论有了更深的认识，"
        "思想上受到了一次深刻的洗礼。一是提高了政治站位。作为一名共产党员，必须始终把政治建设摆在首位，"
        "增强“四个意识”、坚定“四个自信”、做到“两个维护”，在思想上政治上行动上同党中央保持高度一致。"
        "二是增强了宗旨意识。全心全意为人民服务是党的根本宗旨，要把群众的小事当作自己的大事，"
        "主动为群众办实事、解难题，在服务群众中践行初心使命。三是明确了努力方向。今后我将坚持把学习作为一种责任、"
        "一种追求、一种习惯，做到学思用贯通、知信行统一，立足本职岗位，干一行爱一行钻一行，"
        "以实际行动为乡村振兴贡献自己的力量。",
    ),
    (
        "学习党章党规心得体会范文",
        "党章是党的根本大法，是全党必须遵循的总规矩。通过认真学习党章党规，我深刻认识到，遵守党章是每一名党员的"
        "基本义务。学习党章，首先要坚定理想信念，理想信念是共产党人精神上的钙，没有理想信念就会得软骨病。"
        "其次要严守政治纪律和政治规矩，自觉在思想上政治上行动上同党中央保持一致。再次要发挥先锋模范作用，"
        "在工作中吃苦在前、享受在后，在群众中树立良好形象。我将以党章为镜，经常对照检查，查找差距和不足，"
        "不断提高自身修养，努力做一名合格的共产党员。",
    ),
]


def _members(village) -> list[Member]:
    return list(Member.objects.filter(organization=village, status=MemberStatus.FULL).order_by("id")[:4])


def seed_originality(plan: Plan, today: datetime.date) -> str:
    """Reference texts and four reflections (two copied); returns a line for the seed log."""
    root = plan.landmarks["root"].instance
    village = plan.landmarks["village"].instance
    for title, text in REFERENCES:
        do_add_reference_text(acting_user=None, organization=root, title=title, text=text, source=SOURCE)
    rng = random.Random(8)  # deterministic demo data
    paragraphs = quality.paragraphs()
    own = paragraphs[3].text + paragraphs[4].text
    template = REFERENCES[0][1]
    first, second, third, fourth = _members(village)
    written = max(today - datetime.timedelta(days=20), today.replace(month=1, day=1))
    notes = [
        (first, "学习科学发展观的体会", own),
        (second, "学习心得", quality.synonyms(own, rng)),  # copied from a colleague, words swapped
        (third, "冬训心得体会", "结合自身实际，" + quality.partial(template, rng)),  # a template in part
        (fourth, "主题党日学习笔记", paragraphs[12].text + paragraphs[13].text),
    ]
    for member, title, text in notes:
        do_write_note(
            acting_user=None, member=member, kind="reflection", title=title, text=text, written_on=written
        )
    return (
        f"雷同检测：参考范文{len(REFERENCES)}篇；{village.name}心得体会{len(notes)}篇，"
        f"其中{second.name}的抄自{first.name}、{third.name}的抄自范文（雷同检测页可查出）"
    )
