"""The API's Swagger UI works under the Content-Security-Policy (the page fixture fails on any violation)."""

import pytest

pytestmark = pytest.mark.browser


def test_it_shows_the_api_docs_under_the_policy(page, live_server):
    page.goto(f"{live_server.url}/api/docs/")

    page.locator(".opblock-summary-path", has_text="/api/auth/token/").first.wait_for()
    assert page.locator(".opblock").count() > 10

