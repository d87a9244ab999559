"""ariadne-codegen plugins for the generated client (named in pyproject.toml).

Imported by ariadne-codegen in its own environment, so this module needs nothing but the
standard library and ariadne-codegen itself.
"""

import ast

# ariadne-codegen is installed only in the environment `modelcat codegen` makes (it pins a
# graphql-core Strawberry cannot run with), so mypy cannot find it here: its base class is Any.
from ariadne_codegen.plugins.base import Plugin  # type: ignore[import-not-found]


class StrEnums(Plugin):  # type: ignore[misc]  # subclassing Any: see the import above
    """GraphQL enums as `StrEnum`: a value prints as its GraphQL name ("KNOWN"), not
    "FactState.KNOWN", so a template shows and compares it like the string the API sent."""

    def generate_enum(self, class_def: ast.ClassDef, enum_type: object) -> ast.ClassDef:
        class_def.bases = [ast.Name(id="StrEnum", ctx=ast.Load())]
        return class_def

    def generate_enums_module(self, module: ast.Module) -> ast.Module:
        for node in module.body:
            if isinstance(node, ast.ImportFrom) and node.module == "enum":
                node.names = [ast.alias(name="StrEnum")]
        return module
