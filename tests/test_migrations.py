"""Migrations build the schema: upgrading an empty database to head matches the models.

Alembic's autogenerate compares tables, columns, types, indexes and unique and foreign
keys, but not CHECK constraints, so those are compared here: by name and by their SQL,
as the database itself spells it for the migrated schema and for the models' metadata.
"""

from __future__ import annotations

import re
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import CheckConstraint, Connection, MetaData, create_engine, inspect, text

from tracker import create_app
from tracker.db import NAMING_CONVENTION, db
from tracker.search.models import is_index_object

CheckKey = tuple[str, str | None, str]  # (table, constraint name, normalised SQL)

_QUOTED = re.compile(r"('(?:[^']|'')*')")
_CAST = re.compile(r"::[a-z_]+(?:\(\d+\))?(?:\[\])?")


def normalise_check(sqltext: str) -> str:
    """CHECK SQL with case, whitespace, identifier quotes and casts that do not change
    its meaning taken out (string literals are kept as they are)."""
    parts = _QUOTED.split(sqltext)
    for index in range(0, len(parts), 2):  # even parts are outside string literals
        words = parts[index].lower().replace('"', "").replace("`", "")
        parts[index] = _CAST.sub("", re.sub(r"\s+", "", words))
    return "".join(parts)


def check_constraints(connection: Connection, schema: str | None = None) -> set[CheckKey]:
    """Every CHECK constraint in the database (or one schema of it)."""
    inspector = inspect(connection)
    return {
        (table, check["name"], normalise_check(check["sqltext"]))
        for table in inspector.get_table_names(schema=schema)
        for check in inspector.get_check_constraints(table, schema=schema)
    }


def model_check_constraints(metadata: MetaData, connection: Connection) -> set[CheckKey]:
    """The CHECK constraints `metadata` creates, as the database behind `connection` spells
    them. PostgreSQL rewrites CHECK SQL (IN becomes = ANY (ARRAY[...]), casts are added), so
    the models are created in a scratch schema (PostgreSQL) or an in-memory database (SQLite)
    and read back, rather than compared with the SQL written in Python."""
    if connection.dialect.name == "sqlite":
        scratch = create_engine("sqlite://")
        try:
            metadata.create_all(scratch)
            with scratch.connect() as scratch_connection:
                return check_constraints(scratch_connection)
        finally:
            scratch.dispose()
    schema = f"models_{uuid.uuid4().hex[:8]}"
    connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        metadata.create_all(connection.execution_options(schema_translate_map={None: schema}))
        return check_constraints(connection, schema=schema)
    finally:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def check_constraint_drift(models: set[CheckKey], database: set[CheckKey]) -> list[str]:
    """The CHECK constraints only one side has, in words (empty when they agree)."""
    return [
        f"{side}: {table}.{name} CHECK ({sql})"
        for side, keys in (
            ("in the models but not the migrations", models - database),
            ("in the migrations but not the models", database - models),
        )
        for table, name, sql in sorted(keys, key=str)
    ]


def test_upgrade_to_head_matches_the_models(empty_database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "render_as_batch": True,
                    "include_object": is_index_object,
                },
            )
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == [], f"models and migrations have drifted: {differences}"


def test_upgrade_to_head_has_the_models_check_constraints(empty_database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade()
        with db.engine.begin() as connection:
            migrated = check_constraints(connection)
            models = model_check_constraints(db.metadata, connection)
        db.engine.dispose()
    assert ("actions", "ck_actions_due_after_raised", "due_on>=raised_on") in models
    assert check_constraint_drift(models, migrated) == []


def _models_with(extra: CheckConstraint, *, instead_of: str | None = None) -> MetaData:
    """A copy of the models' metadata with one more CHECK on the actions table (replacing
    the constraint named `instead_of`, when given)."""
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    for table in db.metadata.sorted_tables:
        table.to_metadata(metadata)
    actions = metadata.tables["actions"]
    for constraint in list(actions.constraints):
        if instead_of and constraint.name == instead_of:
            actions.constraints.discard(constraint)
    actions.append_constraint(extra)
    return metadata


def _drift_from_models(empty_database_url: str, models_metadata: MetaData) -> list[str]:
    """Drift between a database created from the real models (standing in for the
    migrated schema) and `models_metadata`."""
    engine = create_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            db.metadata.create_all(connection)
            database = check_constraints(connection)
            models = model_check_constraints(models_metadata, connection)
    finally:
        engine.dispose()
    return check_constraint_drift(models, database)


def test_a_model_check_without_a_migration_is_drift(empty_database_url):
    extra = CheckConstraint("due_on <= original_due_on", name="not_brought_in")
    assert _drift_from_models(empty_database_url, _models_with(extra)) == [
        "in the models but not the migrations: "
        "actions.ck_actions_not_brought_in CHECK (due_on<=original_due_on)"
    ]


def test_a_changed_check_under_the_same_name_is_drift(empty_database_url):
    stricter = CheckConstraint("due_on > raised_on", name="due_after_raised")
    models = _models_with(stricter, instead_of="ck_actions_due_after_raised")
    assert _drift_from_models(empty_database_url, models) == [
        "in the models but not the migrations: "
        "actions.ck_actions_due_after_raised CHECK (due_on>raised_on)",
        "in the migrations but not the models: "
        "actions.ck_actions_due_after_raised CHECK (due_on>=raised_on)",
    ]


def test_the_same_models_show_no_drift(empty_database_url):
    assert _drift_from_models(empty_database_url, db.metadata) == []


@pytest.mark.parametrize(
    ("written", "reflected"),
    [
        ("due_on >= raised_on", "due_on>=raised_on"),
        ('"due_on"  >=\n  "raised_on"', "due_on>=raised_on"),
        ("status::text = 'closed'::text", "status='closed'"),
        (
            "role::text = ANY (ARRAY['admin'::character varying]::text[])",
            "role=any(array['admin'])",
        ),
        ("email = LOWER(email)", "email=lower(email)"),
        ("kind IN ('Big Value', 'it''s')", "kindin('Big Value','it''s')"),
    ],
)
def test_check_sql_is_normalised(written, reflected):
    assert normalise_check(written) == reflected


def test_downgrade_to_base_removes_every_table(empty_database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        db.engine.dispose()
    assert tables == set()
