"""`dangjian development check FILE.json`: exit status, text and JSON output, unreadable files."""

import json
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from .test_engine import timeline


def write(tmp_path, data, name="file.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_a_valid_file_exits_0(tmp_path, capsys):
    call_command("development", "check", write(tmp_path, {"birth_date": "2000-03-15", "steps": timeline()}))
    out = capsys.readouterr().out
    assert "未发现问题" in out and "当前阶段：正式党员" in out


def test_violations_are_printed_with_their_rule_and_exit_1(tmp_path, capsys):
    path = write(tmp_path, {"birth_date": "2000-03-15", "steps": timeline(s7="2022-08-31", s8="2022-09-01")})
    with pytest.raises(SystemExit) as exit_info:
        call_command("development", "check", path)
    assert exit_info.value.code == 1
    assert "培养教育考察时间不足一年" in capsys.readouterr().out


def test_json_output_with_the_next_steps(tmp_path, capsys):
    steps = [s for s in timeline() if s["no"] <= 1]
    path = write(tmp_path, {"birth_date": "2000-03-15", "today": "2021-04-02", "steps": steps})
    call_command("development", "check", path, "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] is True
    assert result["stage"] == "applicant"
    assert result["next_steps"] == [
        {"no": 2, "name": "派人谈话", "earliest": "2021-03-01", "latest": "2021-04-01", "overdue": True}
    ]


@override_settings(DEVELOPMENT_LIMITS={"applicant_min_months": 7})
def test_the_unconfirmed_numbers_are_settings(tmp_path, capsys):
    path = write(tmp_path, {"birth_date": "2000-03-15", "steps": timeline()})
    with pytest.raises(SystemExit):
        call_command("development", "check", path)
    assert "递交申请书满7个月后" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "不是有效的JSON"),
        ('{"birth_date": "2000-02-30", "steps": []}', "“2000-02-30”不是有效日期"),
        ('{"steps": [{"no": 1}]}', "第1项步骤缺少"),
        ('{"steps": [{"no": "x", "date": "2021-01-01"}]}', "第1项步骤：编号“x”不是整数"),
        ("[]", "文件应为一个JSON对象"),
    ],
)
def test_an_unreadable_file_is_refused_with_exit_2(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message) as error:
        call_command("development", "check", str(path))
    assert error.value.returncode == 2


def test_the_console_command_exit_status(tmp_path):
    good = write(tmp_path, {"birth_date": "2000-03-15", "steps": timeline()}, "good.json")
    bad = write(tmp_path, {"birth_date": "2005-03-15", "steps": timeline()}, "bad.json")
    run = [sys.executable, "-m", "dangjian", "development", "check"]
    assert subprocess.run([*run, good], capture_output=True, check=False).returncode == 0  # noqa: S603
    done = subprocess.run([*run, bad], capture_output=True, text=True, check=False)  # noqa: S603
    assert done.returncode == 1
    assert "细则第五条" in done.stdout
