"""`manage.py site_role <role>`: the PostgreSQL role the site runs as, so that not even the site can
rewrite the books.

Run it as the owner of the tables (the role migrations run as), after every `migrate`. The role
it creates or updates owns nothing: it reads and writes the ordinary tables, and may only read
and insert into the append-only ones. So it cannot UPDATE, DELETE or TRUNCATE them, nor get past
their triggers — disabling a trigger needs the table's owner, and `session_replication_role` a
superuser. The password, if any, comes from XIANGFENG_SITE_ROLE_PASSWORD, never the command line.
"""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from psycopg import sql

from credits import append_only


class Command(BaseCommand):
    help = gettext_lazy(
        "Create or update the PostgreSQL role the site runs as: it owns no table and may only read and "
        "insert into the append-only ones. Run as the tables' owner after every migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help=gettext_lazy("name of the role, e.g. xiangfeng_site"))
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *, role: str, database: str, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError(_("site_role is for PostgreSQL; on SQLite whoever can open the file owns it."))
        guarded = append_only.tables(connection)
        if not guarded:
            raise CommandError(_("No append-only tables found: run migrate first."))
        with transaction.atomic(using=database), connection.cursor() as cursor:

            def run(statement: str, **names: str) -> None:
                identifiers = {key: sql.Identifier(value) for key, value in names.items()}
                cursor.execute(sql.SQL(statement).format(role=sql.Identifier(role), **identifiers).as_string())

            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            found = cursor.fetchone()
            if found is None:
                run("CREATE ROLE {role} LOGIN")
            elif found[0]:
                raise CommandError(
                    _("%(role)s is a superuser; the site must run as a role that is not.") % {"role": role}
                )
            cursor.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tableowner = %s", [role]
            )
            if cursor.fetchone()[0]:
                raise CommandError(
                    _("%(role)s owns tables; the site must run as a role that owns none.") % {"role": role}
                )
            password = os.environ.get("XIANGFENG_SITE_ROLE_PASSWORD")
            if password:
                cursor.execute(
                    sql.SQL("ALTER ROLE {} PASSWORD {}")
                    .format(sql.Identifier(role), sql.Literal(password))
                    .as_string()
                )
            cursor.execute("SELECT current_database(), current_schema()")
            names = dict(zip(["database", "schema"], cursor.fetchone(), strict=True))
            run("GRANT CONNECT ON DATABASE {database} TO {role}", **names)
            run("GRANT USAGE ON SCHEMA {schema} TO {role}", **names)
            # From scratch each time, so a table that became append-only loses what it had.
            run("REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}", **names)
            run("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}", **names)
            run("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}", **names)
            for table in guarded:
                run("REVOKE UPDATE, DELETE ON {table} FROM {role}", table=table)
        self.stdout.write(
            self.style.SUCCESS(
                _("%(role)s may read and write the site's tables and only read and insert into: %(tables)s")
                % {"role": role, "tables": ", ".join(guarded)}
            )
        )
