"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Playwright is never asked to download a browser; without /usr/bin/chromium these tests skip.
"""

import os
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

# Playwright's sync API runs an event loop in the test's thread, and Django then refuses ORM
# calls from it ("cannot call this from an async context"); the calls are in fact synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(os.environ.get("XIANGFENG_SHOTS", "/tmp/shots"))
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(autouse=True)
def roles(transactional_db):
    """The staff groups with their permissions, as the roles migration makes them.

    A browser test needs committed data, so it runs in a transactional test; those end by
    flushing the database, which takes the migration-made groups with it. Django's serialized
    rollback cannot put them back here: once Playwright's event loop runs in this thread,
    Django keeps a separate connection per context, without the serialized copy.
    """
    ContentType.objects.clear_cache()
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for migration in (
        "credits.migrations.0004_roles",
        "credits.migrations.0012_catalogue_roles",
        "exchange.migrations.0003_roles",
        "public.migrations.0002_roles",
        "cases.migrations.0002_roles",
        "claims.migrations.0002_roles",
        "households.migrations.0004_full_phone_permission",
        "evidence.migrations.0002_roles",
        "years.migrations.0004_roles",
        "titles.migrations.0002_roles",
        "activities.migrations.0002_roles",
    ):
        for role, perms in import_module(migration).ROLES.items():
            group, _created = Group.objects.get_or_create(name=role)
            for perm in perms:
                # "app.codename", or a bare codename of the migration's own app.
                app_label, codename = perm.split(".") if "." in perm else (migration.split(".")[0], perm)
                group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}; install Debian's `chromium` package to run browser tests")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh tab on a desktop-sized screen, its browser set to Chinese like a village laptop."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=DESKTOP)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    # Every page runs under the site's Content-Security-Policy: a script or style it blocks, or
    # a header the browser cannot read, is a console error, and fails the test.
    refused = []
    tab.on("console", lambda message: refused.append(message.text) if _is_policy_error(message) else None)
    yield tab
    context.close()
    assert not refused, f"the page broke its security policy: {refused}"


POLICIES = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy")


def _is_policy_error(message) -> bool:
    return message.type == "error" and any(policy in message.text for policy in POLICIES)


@pytest.fixture
def shoot(page):
    """Save the page as it looks on a phone and on a desktop, for a person to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)

    def shoot(name: str) -> None:
        for size_name, size in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(size)
            page.screenshot(path=str(SHOTS / f"{name}-{size_name}.png"), full_page=True)
        page.set_viewport_size(DESKTOP)

    return shoot


def loaded(locator) -> bool:
    """The picture arrived and decoded. Thumbnails are lazy, so it is scrolled into view first and
    given the time a phone would give it; a broken picture is complete with no width, and fails."""
    locator.scroll_into_view_if_needed()
    try:
        locator.page.wait_for_function(
            "img => img.complete", arg=locator.element_handle(), timeout=10_000
        )
    except Exception as timeout:  # Playwright's TimeoutError; its module loads only where Chromium is
        if type(timeout).__name__ != "TimeoutError":
            raise
        return False
    return locator.evaluate("img => img.naturalWidth > 0")
