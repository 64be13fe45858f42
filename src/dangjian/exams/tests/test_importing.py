"""Import of questions from .xlsx: every error with its row and column, all or nothing, idempotent."""

import pytest
from django.core.exceptions import PermissionDenied

from dangjian.audit.models import AuditEvent
from dangjian.exams.importing import HEADERS, import_questions, template_bytes
from dangjian.exams.models import Question

from .factories import make_bank, row, sheet

GOOD = [
    row(
        "单选题",
        "党的最高领导机关是？",
        ["全国代表大会和中央委员会", "中央政治局"],
        "A",
        "党章第十条",
        2,
        "党章",
    ),
    row("多选", "党员的权利包括？", ["表决权", "选举权", "被选举权", "无"], "a、b、c", points=3),
    row("判断题", "预备党员有表决权。", answer="错"),
    row("填空题", "党的根本组织原则是____。", answer="民主集中制｜民主集中"),
]


@pytest.fixture
def bank(world):
    from dangjian.exams import services

    return services.do_create_bank(acting_user=None, organization=world["town_a"], name="导入题库")


def test_a_good_file_is_imported(world, bank):
    result = import_questions(sheet(GOOD), bank, acting_user=world["town_a_admin"])
    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.updated) == (4, 0)
    multiple = Question.objects.get(bank=bank, kind="multiple")
    assert (multiple.answer, multiple.points, multiple.options[2]) == ("ABC", 3, "被选举权")
    assert Question.objects.get(bank=bank, kind="fill_in").answer == "民主集中制|民主集中"
    assert AuditEvent.objects.filter(object_type="exams.question", action="create").count() >= 4
    assert AuditEvent.objects.for_object(bank).filter(action="import").exists()


def test_reimport_updates_instead_of_duplicating(world, bank):
    import_questions(sheet(GOOD), bank, acting_user=None)
    again = import_questions(sheet(GOOD), bank, acting_user=None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    changed = [
        *GOOD[:3],
        row("填空题", "党的根本组织原则是____。", answer="民主集中制", explanation="党章第十条"),
    ]
    third = import_questions(sheet(changed), bank, acting_user=None)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 3)
    assert Question.objects.filter(bank=bank).count() == 4
    assert Question.objects.get(bank=bank, kind="fill_in").explanation == "党章第十条"


def test_every_error_is_reported_with_row_and_column_and_nothing_is_written(world, bank):
    bad = [
        *GOOD,  # rows 2-5 are fine
        row("单选题", "第6行的题", ["甲", "乙", "丙"], "AB"),
        row("问答题", "第7行的题", answer="x"),
        row("多选题", "第8行的题", ["甲", "乙"], "A"),
        row("判断题", "第9行的题", answer="也许"),
        row("单选题", "第10行的题", ["甲", None, "丙"], "A"),
        row("单选题", "党的最高领导机关是？", ["甲", "乙"], "A"),
        row("填空题", "", answer="x", points="十"),
        row("单选题", "第13行的题", ["甲", "乙"], "E"),
    ]
    result = import_questions(sheet(bad), bank, acting_user=None)
    assert [str(e) for e in result.errors] == [
        "第6行“答案”：单选题只能有一个答案",
        "第7行“题型”：题型只能是单选题、多选题、判断题或填空题",
        "第8行“答案”：多选题至少应有两个答案",
        "第9行“答案”：判断题的答案只能是“对”或“错”",
        "第10行“选项B”：选项须从“选项A”起连续填写，中间不能留空",
        "第11行“题干”：与第2行的题干相同",
        "第12行“题干”：题干不能为空",
        "第12行“分值”：分值须为0.5至100之间的数，最多一位小数且为0.5的倍数",
        "第13行“答案”：答案“E”没有对应的选项",
    ]
    assert result.summary() == "发现 9 处错误（涉及 8 行），未导入任何试题。"
    assert Question.objects.filter(bank=bank).count() == 0


def test_missing_columns_and_files_that_are_not_xlsx(world, bank):
    result = import_questions(sheet(GOOD, headers=["题型", "题干", "选项A"]), bank, acting_user=None)
    assert [str(e) for e in result.errors] == ["第1行“答案”：缺少必填列"]
    assert str(import_questions(b"not a zip", bank, acting_user=None).errors[0]).startswith("文件不是有效的")
    assert str(import_questions(sheet([]), bank, acting_user=None).errors[0]) == "文件中没有试题。"


def test_row_limit(world, bank, settings):
    settings.SECURITY_POLICY = {**settings.SECURITY_POLICY, "import_max_rows": 3}
    result = import_questions(sheet(GOOD), bank, acting_user=None)
    assert str(result.errors[0]) == "数据超过 3 行的上限，请分成多个文件导入。"


def test_dry_run_writes_nothing(world, bank):
    result = import_questions(sheet(GOOD), bank, acting_user=None, dry_run=True)
    assert (result.ok, result.created) == (True, 4)
    assert Question.objects.filter(bank=bank).count() == 0


def test_out_of_scope_bank_is_refused(world):
    bank = make_bank(world, org="town_b")
    with pytest.raises(PermissionDenied):
        import_questions(sheet(GOOD), bank, acting_user=world["town_a_admin"])


def test_the_template_imports_cleanly(world, bank):
    result = import_questions(template_bytes(), bank, acting_user=None)
    assert result.ok and result.created == 4
    assert HEADERS[:3] == ["题型", "题干", "选项A"]
