"""The 工作看板 (dashboards) in headless Chromium under the real CSP: every chart is drawn on a canvas, no CSP
violation or console error is reported, 导出图片 downloads a PNG made from a data URL, and the print view
shows pictures of the charts with the navigation hidden."""

import pytest

from dangjian.core.testing import build_world
from dangjian.core.testing.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Injected by Playwright before the page's own scripts (it is not subject to the page's CSP).
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def page(browser, live_server):
    """Like tests/browser/conftest.py's page (the session's browser: a second Playwright loop in the same
    worker would fail), with downloads accepted and the CSP watcher installed."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", accept_downloads=True)
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    yield page
    context.close()


def test_dashboard_draws_exports_and_prints_under_the_csp(page, tmp_path):
    world = build_world()
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto("/accounts/login/?next=/dashboards/")
    page.get_by_label("账号").fill("town_a_admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"**/dashboards/{world['town_a'].pk}/")
    page.wait_for_selector("html[data-charts-ready]")

    keys = page.eval_on_selector_all("[data-chart]", "nodes => nodes.map(n => n.dataset.chart)")
    assert len(keys) == 8
    for key in keys:
        assert page.locator(f"#chart-{key} canvas").count() >= 1, key
    # The canvas holds a drawing: its picture is a real PNG of some size, not an empty image.
    picture = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('chart-members_age')).getDataURL()"
    )
    assert picture.startswith("data:image/png;base64,") and len(picture) > 2000

    with page.expect_download() as download_info:
        page.locator('[data-export-png="organizations"]').click()
    download = download_info.value
    assert download.url.startswith("data:image/png;base64,")
    assert download.suggested_filename == "党组织数量（按类别）.png"
    saved = tmp_path / "chart.png"
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")

    page.emulate_media(media="print")
    page.wait_for_selector("img.dj-chart-print", state="attached")
    assert page.locator("img.dj-chart-print").count() == 8
    assert page.locator("nav.navbar").is_hidden()
    assert page.locator("img.dj-chart-print").first.is_visible()
    assert page.locator("#chart-members_age").is_hidden()
    page.emulate_media(media="screen")

    assert page.evaluate("() => window.__cspViolations") == []
    assert problems == []
    # The watcher does see a violation: an inline style attribute is refused by style-src 'self'.
    page.evaluate(
        "() => document.body.appendChild(document.createElement('div')).setAttribute('style', 'color:red')"
    )
    page.wait_for_function("() => window.__cspViolations.length > 0")
