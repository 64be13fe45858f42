"""A template is plain data and a few functions: it cannot reach settings, the ORM, files or the process."""

import pytest
from django.core.exceptions import ValidationError

from dangjian.reports import services
from dangjian.reports.models import FigureUse, ReportDraft, ReportTemplate

from .factories import YEAR, make_template

pytestmark = pytest.mark.django_db

ESCAPES = [
    # settings and modules through the usual SSTI chains
    "{{ settings.SECRET_KEY }}",
    "{{ figure.__globals__ }}",
    "{{ figure.__self__.organization }}",
    "{{ figure.__func__.__globals__['settings'] }}",
    "{{ has.__globals__['figures'] }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ org.__class__.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ self._TemplateReference__context }}",
    "{{ config }}",
    "{{ request }}",
    # the ORM: org and children are dicts, not model instances
    "{{ org.objects }}",
    "{{ org.delete() }}",
    "{{ children[0].organization.delete() }}",
    # files and other templates: there is no loader
    "{% include '/etc/passwd' %}",
    "{% extends 'base.html' %}",
    "{% import 'x.html' as x %}",
    "{% from 'x.html' import y %}",
    # resources
    "{{ 'x' * 100000000 }}",
    "{{ 10 ** 1000000 }}",
    "{% for i in range(100000000) %}{{ i }}{% endfor %}",
    # a figure of an organization outside the draft's own and its children
    "{{ figure('test.members', org='XW-B') }}",
    "{{ figure('test.members', org='XW') }}",
    "{{ figure('test.members', style='nonsense') }}",
]


@pytest.mark.parametrize("body", ESCAPES)
def test_escape_attempts_are_refused_with_a_chinese_message(world, test_figures, body):
    """Refused when the template is saved (include, extends, import) or else when it renders."""
    with pytest.raises(ValidationError) as caught:
        template = make_template(world, body=body)
        services.do_create_draft(
            acting_user=None, organization=world["town_a"], template=template, period=YEAR
        )
    assert "正文模板" in caught.value.messages[0]
    assert not ReportDraft.objects.exists()
    assert not FigureUse.objects.exists()


@pytest.mark.parametrize("body", ["{% include 'base.html' %}", "{% extends 'base.html' %}"])
def test_a_stored_template_that_reads_files_is_refused_when_it_renders(world, body):
    """Even a row written past the service (an old or hand-edited one) cannot include a file."""
    template = ReportTemplate.objects.create(
        organization=world["town_a"], name="旧模板", kind="other", title="标题", body=body
    )
    with pytest.raises(ValidationError, match="不能引用其他模板或文件"):
        services.do_create_draft(
            acting_user=None, organization=world["town_a"], template=template, period=YEAR
        )


def test_the_context_is_plain_data(world, test_figures):
    body = "{{ org|list|sort|join(',') }}|{{ children|map(attribute='code')|join(',') }}|{{ period.end }}"
    template = make_template(world, body=body)
    draft = services.do_create_draft(
        acting_user=None, organization=world["town_a"], template=template, period=YEAR
    )
    assert draft.body == "code,id,kind,kind_label,name|XW-A-01,XW-A-02|2025-12-31"


def test_a_syntax_error_is_refused_when_the_template_is_saved(world):
    with pytest.raises(ValidationError, match="正文模板第2行有误"):
        make_template(world, body="第一行\n{% for %}")
