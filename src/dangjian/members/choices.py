from django.db import models


class Sex(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class MemberStatus(models.TextChoices):
    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"
    SUSPENDED = "suspended", "停止党籍"
    LEFT = "left", "出党"
    DECEASED = "deceased", "去世"
    TRANSFERRED_OUT = "transferred_out", "已转出"


ACTIVE_STATUSES = frozenset({MemberStatus.FULL, MemberStatus.PROBATIONARY})
# Statuses a member leaves the active roster with; each needs a date and a reason.
LEAVING_STATUSES = frozenset(
    {MemberStatus.SUSPENDED, MemberStatus.LEFT, MemberStatus.DECEASED, MemberStatus.TRANSFERRED_OUT}
)


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", "研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY = "secondary", "中专/高中"
    JUNIOR = "junior", "初中及以下"


class MemberCategory(models.TextChoices):
    """人员类别, the occupation categories of 党内统计."""

    WORKER = "worker", "工人（工勤技能人员）"
    FARMER = "farmer", "农牧渔民"
    PROFESSIONAL = "professional", "专业技术人员"
    MANAGER = "manager", "企事业单位管理人员"
    CIVIL_SERVANT = "civil_servant", "党政机关工作人员"
    STUDENT = "student", "学生"
    OTHER = "other", "其他职业人员"
    RETIRED = "retired", "离退休人员"


class PositionTitle(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY_SECRETARY = "deputy_secretary", "副书记"
    ORGANIZATION_MEMBER = "organization_member", "组织委员"
    PROPAGANDA_MEMBER = "propaganda_member", "宣传委员"
    DISCIPLINE_MEMBER = "discipline_member", "纪检委员"
    COMMITTEE_MEMBER = "committee_member", "委员"
    GROUP_LEADER = "group_leader", "党小组组长"


COMMITTEE_TITLES = frozenset(set(PositionTitle) - {PositionTitle.GROUP_LEADER})


class TransferKind(models.TextChoices):
    IN = "in", "转入"
    OUT = "out", "转出"
    INTERNAL = "internal", "内部调整"


# GB/T 3304 codes and names of the 56 ethnic groups.
ETHNICITIES = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
]
ETHNICITY_CHOICES = [(f"{index:02d}", name) for index, name in enumerate(ETHNICITIES, 1)]
ETHNICITY_BY_NAME = {name: code for code, name in ETHNICITY_CHOICES}
HAN = "01"


# Age bands of 党内统计 (rules.md §8): (label, lowest age, highest age).
AGE_BANDS = [
    ("30岁及以下", 0, 30),
    ("31-35岁", 31, 35),
    ("36-40岁", 36, 40),
    ("41-45岁", 41, 45),
    ("46-50岁", 46, 50),
    ("51-55岁", 51, 55),
    ("56-60岁", 56, 60),
    ("61岁及以上", 61, 200),
]
