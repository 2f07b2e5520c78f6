"""Every page carries the Content-Security-Policy and the Permissions-Policy."""

import pytest

PAGES = ["/", "/lookup/", "/accounts/login/", "/admin/login/", "/api/docs/", "/api/households/", "/no-such-page/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_it_sends_the_security_policies_on_every_page(client, path):
    response = client.get(path)

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_it_serves_the_api_docs_without_an_inline_script(client):
    page = client.get("/api/docs/").content.decode()

    assert "<script>" not in page
    assert 'src="/api/docs/?script=' in page
