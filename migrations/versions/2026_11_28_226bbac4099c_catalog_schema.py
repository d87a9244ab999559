"""catalog schema

Revision ID: 226bbac4099c
Revises:
Create Date: 2026-11-28 16:24:34.138736
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "226bbac4099c"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# A name must lead to one model: an alias may not repeat any model's slug, nor a slug any alias.
NAME_GUARD_SQL = """
CREATE FUNCTION model_names_unique() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'model_aliases' THEN
        IF EXISTS (SELECT 1 FROM models WHERE lower(slug) = lower(NEW.alias)) THEN
            RAISE EXCEPTION 'alias "%" is already the slug of a model', NEW.alias
                USING ERRCODE = 'unique_violation', CONSTRAINT = 'model_names_unique';
        END IF;
    ELSIF EXISTS (SELECT 1 FROM model_aliases WHERE lower(alias) = lower(NEW.slug)) THEN
        RAISE EXCEPTION 'slug "%" is already an alias of a model', NEW.slug
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'model_names_unique';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER model_aliases_names_unique BEFORE INSERT OR UPDATE OF alias ON model_aliases
    FOR EACH ROW EXECUTE FUNCTION model_names_unique();
CREATE TRIGGER models_names_unique BEFORE INSERT OR UPDATE OF slug ON models
    FOR EACH ROW EXECUTE FUNCTION model_names_unique();
"""


def upgrade() -> None:
    op.create_table(
        "collections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "slug ~ '^[a-z0-9][a-z0-9._+-]*$'", name=op.f("ck_collections_slug_format")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collections")),
        sa.UniqueConstraint("slug", name=op.f("uq_collections_slug")),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("document", sa.Text(), nullable=True),
        sa.Column("version", sa.Text(), nullable=True, comment="commit, release or edition"),
        sa.Column("retrieved_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("slug ~ '^[a-z0-9][a-z0-9._+-]*$'", name=op.f("ck_sources_slug_format")),
        sa.CheckConstraint(
            "url IS NOT NULL OR document IS NOT NULL", name=op.f("ck_sources_url_or_document")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("slug", name=op.f("uq_sources_slug")),
    )
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("task_group", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.CheckConstraint("slug ~ '^[a-z0-9][a-z0-9._+-]*$'", name=op.f("ck_tasks_slug_format")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint("slug", name=op.f("uq_tasks_slug")),
    )
    op.create_index(op.f("ix_tasks_task_group"), "tasks", ["task_group"], unique=False)
    op.create_table(
        "licenses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("spdx_id", sa.String(length=100), nullable=True),
        sa.Column("commercial_use", sa.String(length=20), nullable=False),
        sa.Column("commercial_terms", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "commercial_use IN ('allowed', 'conditional', 'not_allowed', 'unknown')",
            name=op.f("ck_licenses_commercial_use_valid"),
        ),
        sa.CheckConstraint(
            "kind IN ('proprietary', 'open_source', 'custom')", name=op.f("ck_licenses_kind_valid")
        ),
        sa.CheckConstraint(
            "slug ~ '^[a-z0-9][a-z0-9._+-]*$'", name=op.f("ck_licenses_slug_format")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_licenses_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_licenses")),
        sa.UniqueConstraint("slug", name=op.f("uq_licenses_slug")),
    )
    op.create_index(op.f("ix_licenses_kind"), "licenses", ["kind"], unique=False)
    op.create_index(op.f("ix_licenses_source_id"), "licenses", ["source_id"], unique=False)
    op.create_table(
        "organizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("website", sa.Text(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "slug ~ '^[a-z0-9][a-z0-9._+-]*$'", name=op.f("ck_organizations_slug_format")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_organizations_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
        sa.UniqueConstraint("slug", name=op.f("uq_organizations_slug")),
    )
    op.create_index(
        op.f("ix_organizations_source_id"), "organizations", ["source_id"], unique=False
    )
    op.create_table(
        "models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("family", sa.Text(), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=10), nullable=True),
        sa.Column("open_weights", sa.Boolean(), nullable=True),
        sa.Column("input_modalities", sa.ARRAY(sa.String(length=10)), nullable=True),
        sa.Column("output_modalities", sa.ARRAY(sa.String(length=10)), nullable=True),
        sa.Column("release_date", sa.Date(), nullable=True),
        sa.Column("release_date_precision", sa.String(length=10), nullable=True),
        sa.Column("context_window", sa.Integer(), nullable=True),
        sa.Column("context_window_state", sa.String(length=20), nullable=False),
        sa.Column("parameter_count", sa.BigInteger(), nullable=True),
        sa.Column("parameters_state", sa.String(length=20), nullable=False),
        sa.Column("license_id", sa.Integer(), nullable=True),
        sa.Column("overview", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(context_window_state = 'known') = (context_window IS NOT NULL)",
            name=op.f("ck_models_context_window_matches_state"),
        ),
        sa.CheckConstraint(
            "(parameters_state IN ('disclosed', 'estimated')) = (parameter_count IS NOT NULL)",
            name=op.f("ck_models_parameters_match_state"),
        ),
        sa.CheckConstraint(
            "category IS NULL OR category IN ('open', 'closed')",
            name=op.f("ck_models_category_valid"),
        ),
        sa.CheckConstraint(
            "context_window_state IN ('known', 'undisclosed', 'unknown', 'not_applicable')",
            name=op.f("ck_models_context_window_state_valid"),
        ),
        sa.CheckConstraint(
            "input_modalities IS NULL OR input_modalities <@ ARRAY['text', 'image', 'audio', 'video', 'file']::varchar[]",
            name=op.f("ck_models_input_modalities_valid"),
        ),
        sa.CheckConstraint(
            "output_modalities IS NULL OR output_modalities <@ ARRAY['text', 'image', 'audio', 'video', 'file']::varchar[]",
            name=op.f("ck_models_output_modalities_valid"),
        ),
        sa.CheckConstraint(
            "parameters_state IN ('disclosed', 'estimated', 'undisclosed', 'unknown')",
            name=op.f("ck_models_parameters_state_valid"),
        ),
        sa.CheckConstraint(
            "release_date_precision IS NULL OR release_date_precision IN ('day', 'month', 'year')",
            name=op.f("ck_models_release_precision_valid"),
        ),
        sa.CheckConstraint("slug ~ '^[a-z0-9][a-z0-9._+-]*$'", name=op.f("ck_models_slug_format")),
        sa.CheckConstraint(
            "status IN ('active', 'preview', 'deprecated', 'retired')",
            name=op.f("ck_models_status_valid"),
        ),
        sa.CheckConstraint(
            "(release_date IS NULL) = (release_date_precision IS NULL)",
            name=op.f("ck_models_release_date_has_precision"),
        ),
        sa.CheckConstraint(
            "context_window IS NULL OR context_window >= 0",
            name=op.f("ck_models_context_window_nonneg"),
        ),
        sa.CheckConstraint(
            "parameter_count IS NULL OR parameter_count > 0",
            name=op.f("ck_models_parameter_count_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["license_id"], ["licenses.id"], name=op.f("fk_models_license_id_licenses")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_models_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_models")),
        sa.UniqueConstraint("slug", name=op.f("uq_models_slug")),
    )
    op.create_index(op.f("ix_models_category"), "models", ["category"], unique=False)
    op.create_index("ix_models_context_window", "models", ["context_window"], unique=False)
    op.create_index(op.f("ix_models_license_id"), "models", ["license_id"], unique=False)
    op.create_index(
        "ix_models_lower_name", "models", [sa.literal_column("lower(name)")], unique=False
    )
    op.create_index(op.f("ix_models_organization_id"), "models", ["organization_id"], unique=False)
    op.create_index("ix_models_release_date", "models", ["release_date"], unique=False)
    op.create_table(
        "capabilities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("support", sa.String(length=30), nullable=False),
        sa.Column("has_demo", sa.Boolean(), nullable=False),
        sa.Column("demo_url", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "support IN ('out_of_the_box', 'after_fine_tuning', 'via_mix_checkpoint', 'unknown')",
            name=op.f("ck_capabilities_support_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["models.id"],
            name=op.f("fk_capabilities_model_id_models"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_capabilities_source_id_sources")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_capabilities_task_id_tasks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capabilities")),
        sa.UniqueConstraint("model_id", "task_id", name=op.f("uq_capabilities_model_id_task_id")),
    )
    op.create_index(op.f("ix_capabilities_model_id"), "capabilities", ["model_id"], unique=False)
    op.create_index(op.f("ix_capabilities_source_id"), "capabilities", ["source_id"], unique=False)
    op.create_index(op.f("ix_capabilities_task_id"), "capabilities", ["task_id"], unique=False)
    op.create_table(
        "collection_members",
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["collections.id"],
            name=op.f("fk_collection_members_collection_id_collections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["models.id"],
            name=op.f("fk_collection_members_model_id_models"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_collection_members_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("collection_id", "model_id", name=op.f("pk_collection_members")),
    )
    op.create_index(
        op.f("ix_collection_members_model_id"), "collection_members", ["model_id"], unique=False
    )
    op.create_index(
        op.f("ix_collection_members_source_id"), "collection_members", ["source_id"], unique=False
    )
    op.create_table(
        "model_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("alias <> ''", name=op.f("ck_model_aliases_alias_not_empty")),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["models.id"],
            name=op.f("fk_model_aliases_model_id_models"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_model_aliases_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_aliases")),
    )
    op.create_index(op.f("ix_model_aliases_model_id"), "model_aliases", ["model_id"], unique=False)
    op.create_index(
        op.f("ix_model_aliases_source_id"), "model_aliases", ["source_id"], unique=False
    )
    op.create_index(
        "uq_model_aliases_lower_alias",
        "model_aliases",
        [sa.literal_column("lower(alias)")],
        unique=True,
    )
    op.create_table(
        "model_citations",
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=30), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "field IN ('name', 'family', 'organization', 'category', 'open_weights', 'input_modalities', 'output_modalities', 'release_date', 'context_window', 'parameters', 'license', 'overview', 'status', 'pricing')",
            name=op.f("ck_model_citations_field_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["models.id"],
            name=op.f("fk_model_citations_model_id_models"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_model_citations_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("model_id", "field", "source_id", name=op.f("pk_model_citations")),
    )
    op.create_index(
        op.f("ix_model_citations_source_id"), "model_citations", ["source_id"], unique=False
    )
    op.create_table(
        "model_lineage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("related_model_id", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(length=20), nullable=False),
        sa.Column("role", sa.Text(), nullable=True, comment="for built_from: the part's role"),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "relation IN ('succeeds', 'built_from', 'inspired_by', 'variant_of')",
            name=op.f("ck_model_lineage_relation_valid"),
        ),
        sa.CheckConstraint("model_id <> related_model_id", name=op.f("ck_model_lineage_not_self")),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["models.id"],
            name=op.f("fk_model_lineage_model_id_models"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["related_model_id"],
            ["models.id"],
            name=op.f("fk_model_lineage_related_model_id_models"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_model_lineage_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_lineage")),
        sa.UniqueConstraint(
            "model_id",
            "related_model_id",
            "relation",
            name=op.f("uq_model_lineage_model_id_related_model_id_relation"),
        ),
    )
    op.create_index(op.f("ix_model_lineage_model_id"), "model_lineage", ["model_id"], unique=False)
    op.create_index(
        op.f("ix_model_lineage_related_model_id"),
        "model_lineage",
        ["related_model_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_model_lineage_source_id"), "model_lineage", ["source_id"], unique=False
    )
    op.create_table(
        "model_variants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column(
            "axis",
            sa.String(length=50),
            nullable=False,
            comment="what the variants of a model differ in",
        ),
        sa.Column("differs", sa.Text(), nullable=True, comment="what differs in this variant"),
        sa.Column("input_resolution_px", sa.Integer(), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "slug ~ '^[a-z0-9][a-z0-9._+-]*$'", name=op.f("ck_model_variants_slug_format")
        ),
        sa.CheckConstraint(
            "input_resolution_px IS NULL OR input_resolution_px > 0",
            name=op.f("ck_model_variants_resolution_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["models.id"],
            name=op.f("fk_model_variants_model_id_models"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_model_variants_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_variants")),
        sa.UniqueConstraint("model_id", "id", name="uq_model_variants_model_id_id"),
        sa.UniqueConstraint("slug", name=op.f("uq_model_variants_slug")),
    )
    op.create_index(
        op.f("ix_model_variants_model_id"), "model_variants", ["model_id"], unique=False
    )
    op.create_index(
        op.f("ix_model_variants_source_id"), "model_variants", ["source_id"], unique=False
    )
    op.create_table(
        "prices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("variant_id", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("input_per_mtok", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("output_per_mtok", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("cached_input_per_mtok", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=True),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        postgresql.ExcludeConstraint(
            (sa.text("int4range(model_id, model_id, '[]')"), "&&"),
            (sa.text("int4range(coalesce(variant_id, 0), coalesce(variant_id, 0), '[]')"), "&&"),
            (sa.text("daterange(effective_from, effective_to, '[)')"), "&&"),
            using="gist",
            name="ex_prices_no_overlap",
        ),
        sa.CheckConstraint("currency ~ '^[A-Z]{3}$'", name=op.f("ck_prices_currency_iso")),
        sa.CheckConstraint(
            "cached_input_per_mtok IS NULL OR cached_input_per_mtok >= 0",
            name=op.f("ck_prices_cached_nonneg"),
        ),
        sa.CheckConstraint(
            "effective_from IS NULL OR effective_to IS NULL OR effective_from < effective_to",
            name=op.f("ck_prices_effective_range_valid"),
        ),
        sa.CheckConstraint(
            "input_per_mtok IS NOT NULL OR output_per_mtok IS NOT NULL OR cached_input_per_mtok IS NOT NULL",
            name=op.f("ck_prices_some_price"),
        ),
        sa.CheckConstraint(
            "input_per_mtok IS NULL OR input_per_mtok >= 0", name=op.f("ck_prices_input_nonneg")
        ),
        sa.CheckConstraint(
            "output_per_mtok IS NULL OR output_per_mtok >= 0", name=op.f("ck_prices_output_nonneg")
        ),
        sa.ForeignKeyConstraint(
            ["model_id", "variant_id"],
            ["model_variants.model_id", "model_variants.id"],
            name="fk_prices_variant_of_model",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["model_id"], ["models.id"], name=op.f("fk_prices_model_id_models"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_prices_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prices")),
    )
    op.create_index(
        "ix_prices_model_id_effective_from", "prices", ["model_id", "effective_from"], unique=False
    )
    op.create_index(op.f("ix_prices_source_id"), "prices", ["source_id"], unique=False)
    op.create_index(op.f("ix_prices_variant_id"), "prices", ["variant_id"], unique=False)

    op.execute(NAME_GUARD_SQL)


def downgrade() -> None:
    op.execute("DROP TRIGGER models_names_unique ON models")
    op.execute("DROP TRIGGER model_aliases_names_unique ON model_aliases")
    op.execute("DROP FUNCTION model_names_unique()")
    op.drop_index(op.f("ix_prices_variant_id"), table_name="prices")
    op.drop_index(op.f("ix_prices_source_id"), table_name="prices")
    op.drop_index("ix_prices_model_id_effective_from", table_name="prices")
    op.drop_table("prices")
    op.drop_index(op.f("ix_model_variants_source_id"), table_name="model_variants")
    op.drop_index(op.f("ix_model_variants_model_id"), table_name="model_variants")
    op.drop_table("model_variants")
    op.drop_index(op.f("ix_model_lineage_source_id"), table_name="model_lineage")
    op.drop_index(op.f("ix_model_lineage_related_model_id"), table_name="model_lineage")
    op.drop_index(op.f("ix_model_lineage_model_id"), table_name="model_lineage")
    op.drop_table("model_lineage")
    op.drop_index(op.f("ix_model_citations_source_id"), table_name="model_citations")
    op.drop_table("model_citations")
    op.drop_index("uq_model_aliases_lower_alias", table_name="model_aliases")
    op.drop_index(op.f("ix_model_aliases_source_id"), table_name="model_aliases")
    op.drop_index(op.f("ix_model_aliases_model_id"), table_name="model_aliases")
    op.drop_table("model_aliases")
    op.drop_index(op.f("ix_collection_members_source_id"), table_name="collection_members")
    op.drop_index(op.f("ix_collection_members_model_id"), table_name="collection_members")
    op.drop_table("collection_members")
    op.drop_index(op.f("ix_capabilities_task_id"), table_name="capabilities")
    op.drop_index(op.f("ix_capabilities_source_id"), table_name="capabilities")
    op.drop_index(op.f("ix_capabilities_model_id"), table_name="capabilities")
    op.drop_table("capabilities")
    op.drop_index("ix_models_release_date", table_name="models")
    op.drop_index(op.f("ix_models_organization_id"), table_name="models")
    op.drop_index("ix_models_lower_name", table_name="models")
    op.drop_index(op.f("ix_models_license_id"), table_name="models")
    op.drop_index("ix_models_context_window", table_name="models")
    op.drop_index(op.f("ix_models_category"), table_name="models")
    op.drop_table("models")
    op.drop_index(op.f("ix_organizations_source_id"), table_name="organizations")
    op.drop_table("organizations")
    op.drop_index(op.f("ix_licenses_source_id"), table_name="licenses")
    op.drop_index(op.f("ix_licenses_kind"), table_name="licenses")
    op.drop_table("licenses")
    op.drop_index(op.f("ix_tasks_task_group"), table_name="tasks")
    op.drop_table("tasks")
    op.drop_table("sources")
    op.drop_table("collections")
