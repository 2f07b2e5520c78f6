"""Cases in the admin: the queue and each case's pages (`case`), each village's settings (`process`),
and the household's pages with its cases (`household`)."""

from cases.admin import case, household, process  # noqa: F401
