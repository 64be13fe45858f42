from django.db import models


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草拟"
    ACTIVE = "active", "实施中"
    CLOSED = "closed", "已结束"


class ChecklistGroup(models.TextChoices):
    """The ways of checking: 听、查、看、访, or 一看二问三座谈 (rules.md §9)."""

    LISTEN = "listen", "听"
    REVIEW = "review", "查"
    OBSERVE = "observe", "看"
    VISIT = "visit", "访"
    ASK = "ask", "问"
    DISCUSS = "discuss", "座谈"


class UnitInspectionStatus(models.TextChoices):
    PENDING = "pending", "待检查"
    VISITED = "visited", "已到点检查"
    DONE = "done", "检查完毕"


class InterviewKind(models.TextChoices):
    GROUP = "group", "座谈"
    INDIVIDUAL = "individual", "个别访谈"
    ON_SITE = "on_site", "现场问答"
    PHONE = "phone", "电话抽查"


class SamplePopulation(models.TextChoices):
    LEADING_CADRES = "leading_cadres", "领导干部（现任委员会职务）"
    MEMBERS = "members", "党员"


class SampleItemKind(models.TextChoices):
    PERSON = "person", "人员"
    STUDY_NOTE = "study_note", "学习笔记"
    REFLECTION = "reflection", "心得体会"
    ACTIVITY = "activity", "组织生活"


class Severity(models.TextChoices):
    MINOR = "minor", "一般"
    SERIOUS = "serious", "较重"
    GRAVE = "grave", "严重"


class FindingStatus(models.TextChoices):
    OPEN = "open", "待整改"
    RECTIFYING = "rectifying", "整改中"
    CLOSED = "closed", "已销号"
