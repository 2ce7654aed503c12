"""Alembic's entry point, run by ``omniroute.store.migrations.upgrade``.

It only ever migrates over the connection that ``upgrade`` opened (and locked); there is no
``alembic.ini``, no offline mode and no autogeneration.
"""

from __future__ import annotations

from alembic import context

context.configure(connection=context.config.attributes["connection"])
with context.begin_transaction():
    context.run_migrations()
