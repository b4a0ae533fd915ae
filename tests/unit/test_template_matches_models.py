"""``infra/resources.json`` declares exactly the tables the PynamoDB models use.

The model side is read from PynamoDB (``Model._get_schema()``, the model's TTL
attribute and ``Meta``), so adding a key, an index or a TTL to a model without
adding it to the template fails here, long before a deploy would.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pynamodb.attributes import TTLAttribute
from pynamodb.models import Model

from chalicelib.models.registry import ALL_MODELS

PROJECT_DIR = Path(__file__).resolve().parents[2]
RESOURCES = PROJECT_DIR / "infra" / "resources.json"
CHALICE_CONFIG = PROJECT_DIR / ".chalice" / "config.json"
STAGE = "dev"


@dataclass(frozen=True)
class IndexShape:
    keys: dict[str, str]  # KeyType -> attribute name
    projection_type: str
    non_key_attributes: frozenset[str]


@dataclass(frozen=True)
class TableShape:
    keys: dict[str, str]  # KeyType -> attribute name
    attribute_types: dict[str, str]
    global_indexes: dict[str, IndexShape]
    local_indexes: dict[str, IndexShape]
    billing_mode: str
    ttl_attribute: str | None
    stream_view_type: str | None


def _keys(key_schema: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    return {key["KeyType"]: key["AttributeName"] for key in key_schema}


def _index(key_schema: Sequence[Mapping[str, Any]], projection: Mapping[str, Any]) -> IndexShape:
    return IndexShape(
        keys=_keys(key_schema),
        projection_type=projection["ProjectionType"],
        non_key_attributes=frozenset(projection.get("NonKeyAttributes", ())),
    )


def shape_of_model(model: type[Model]) -> TableShape:
    schema = model._get_schema()
    ttl = [attribute.attr_name for attribute in model.get_attributes().values() if isinstance(attribute, TTLAttribute)]
    return TableShape(
        keys=_keys(schema["key_schema"]),
        attribute_types={a["AttributeName"]: a["AttributeType"] for a in schema["attribute_definitions"]},
        global_indexes={
            i["index_name"]: _index(i["key_schema"], i["projection"]) for i in schema["global_secondary_indexes"]
        },
        local_indexes={
            i["index_name"]: _index(i["key_schema"], i["projection"]) for i in schema["local_secondary_indexes"]
        },
        billing_mode=getattr(model.Meta, "billing_mode", None) or "PROVISIONED",
        ttl_attribute=ttl[0] if ttl else None,  # PynamoDB allows at most one
        stream_view_type=getattr(model.Meta, "stream_view_type", None),
    )


def shape_of_table(resource: dict[str, Any]) -> TableShape:
    properties = resource["Properties"]
    ttl = properties.get("TimeToLiveSpecification", {})
    return TableShape(
        keys=_keys(properties["KeySchema"]),
        attribute_types={a["AttributeName"]: a["AttributeType"] for a in properties["AttributeDefinitions"]},
        global_indexes={
            i["IndexName"]: _index(i["KeySchema"], i["Projection"])
            for i in properties.get("GlobalSecondaryIndexes", [])
        },
        local_indexes={
            i["IndexName"]: _index(i["KeySchema"], i["Projection"]) for i in properties.get("LocalSecondaryIndexes", [])
        },
        billing_mode=properties.get("BillingMode", "PROVISIONED"),
        ttl_attribute=ttl["AttributeName"] if ttl.get("Enabled") is True else None,
        stream_view_type=properties.get("StreamSpecification", {}).get("StreamViewType"),
    )


def table_name_in_stage(table_name: Any, stage: str) -> str:
    """The name CloudFormation gives a table when the ``Stage`` parameter is ``stage``."""
    if isinstance(table_name, str):
        return table_name
    if isinstance(table_name, dict) and isinstance(table_name.get("Fn::Sub"), str):
        return str(table_name["Fn::Sub"]).replace("${Stage}", stage)
    raise AssertionError(f"TableName {table_name!r}: use a literal or Fn::Sub of a string with ${{Stage}}")


def suggested_resource(model: type[Model]) -> str:
    """What to paste into the template for ``model`` (shown when its table is missing)."""
    shape = shape_of_model(model)
    properties: dict[str, Any] = {
        "TableName": {"Fn::Sub": "parley-${Stage}-" + model.Meta.table_name.removeprefix(f"parley-{STAGE}-")},
        "BillingMode": shape.billing_mode,
        "AttributeDefinitions": [{"AttributeName": n, "AttributeType": t} for n, t in shape.attribute_types.items()],
        "KeySchema": [{"AttributeName": shape.keys[k], "KeyType": k} for k in ("HASH", "RANGE") if k in shape.keys],
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "DeletionProtectionEnabled": True,
    }
    for key, indexes in (
        ("GlobalSecondaryIndexes", shape.global_indexes),
        ("LocalSecondaryIndexes", shape.local_indexes),
    ):
        if indexes:
            properties[key] = [
                {
                    "IndexName": name,
                    "KeySchema": [{"AttributeName": i.keys[k], "KeyType": k} for k in ("HASH", "RANGE") if k in i.keys],
                    "Projection": {"ProjectionType": i.projection_type}
                    | ({"NonKeyAttributes": sorted(i.non_key_attributes)} if i.non_key_attributes else {}),
                }
                for name, i in indexes.items()
            ]
    if shape.ttl_attribute:
        properties["TimeToLiveSpecification"] = {"AttributeName": shape.ttl_attribute, "Enabled": True}
    if shape.stream_view_type:
        properties["StreamSpecification"] = {"StreamViewType": shape.stream_view_type}
    resource = {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
    return json.dumps({f"{model.__name__}Table": resource | {"Properties": properties}}, indent=2)


@pytest.fixture(autouse=True)
def stage_table_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    """Models name their tables as the ``STAGE`` functions would (config.json's prefix)."""
    monkeypatch.setenv("PARLEY_TABLE_PREFIX", f"parley-{STAGE}-")


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return dict(json.loads(RESOURCES.read_text()))


@pytest.fixture(scope="module")
def tables(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The template's tables, by the name they get in ``STAGE``."""
    return {
        table_name_in_stage(resource["Properties"]["TableName"], STAGE): resource
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::DynamoDB::Table"
    }


def table_of(model: type[Model], tables: dict[str, dict[str, Any]]) -> dict[str, Any]:
    name = model.Meta.table_name
    assert name in tables, (
        f"infra/resources.json has no table {name} for {model.__name__}; add:\n{suggested_resource(model)}"
    )
    return tables[name]


each_model = pytest.mark.parametrize("model", ALL_MODELS, ids=lambda model: model.__name__)


@each_model
def test_every_model_has_a_table_with_the_same_keys(model: type[Model], tables: dict[str, dict[str, Any]]) -> None:
    table = table_of(model, tables)

    assert shape_of_table(table).keys == shape_of_model(model).keys
    assert table["Properties"]["KeySchema"][0]["KeyType"] == "HASH", "DynamoDB wants the HASH key first"


@each_model
def test_every_table_defines_exactly_the_key_attributes_of_its_model_with_their_types(
    model: type[Model], tables: dict[str, dict[str, Any]]
) -> None:
    assert shape_of_table(table_of(model, tables)).attribute_types == shape_of_model(model).attribute_types


@each_model
def test_every_table_has_the_global_indexes_of_its_model_with_their_keys_and_projections(
    model: type[Model], tables: dict[str, dict[str, Any]]
) -> None:
    assert shape_of_table(table_of(model, tables)).global_indexes == shape_of_model(model).global_indexes


@each_model
def test_every_table_has_the_local_indexes_of_its_model_with_their_keys_and_projections(
    model: type[Model], tables: dict[str, dict[str, Any]]
) -> None:
    assert shape_of_table(table_of(model, tables)).local_indexes == shape_of_model(model).local_indexes


@each_model
def test_every_table_is_billed_as_its_model_declares(model: type[Model], tables: dict[str, dict[str, Any]]) -> None:
    assert shape_of_table(table_of(model, tables)).billing_mode == shape_of_model(model).billing_mode


@each_model
def test_every_table_expires_items_by_the_ttl_attribute_of_its_model_and_no_other(
    model: type[Model], tables: dict[str, dict[str, Any]]
) -> None:
    assert shape_of_table(table_of(model, tables)).ttl_attribute == shape_of_model(model).ttl_attribute


@each_model
def test_every_table_keeps_point_in_time_recovery_and_cannot_be_deleted_with_its_stack_or_by_hand(
    model: type[Model], tables: dict[str, dict[str, Any]]
) -> None:
    table = table_of(model, tables)

    assert table["Properties"]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert (table.get("DeletionPolicy"), table.get("UpdateReplacePolicy")) == ("Retain", "Retain")
    assert table["Properties"]["DeletionProtectionEnabled"] is True


def test_no_table_in_the_template_is_without_a_model(tables: dict[str, dict[str, Any]]) -> None:
    model_tables = {model.Meta.table_name for model in ALL_MODELS}

    assert set(tables) - model_tables == set()


def test_every_deployed_stage_prefixes_its_tables_as_the_template_names_them(template: dict[str, Any]) -> None:
    config = json.loads(CHALICE_CONFIG.read_text())
    deployed = {name: stage for name, stage in config["stages"].items() if "iam_policy_file" in stage}

    assert set(deployed) == set(template["Parameters"]["Stage"]["AllowedValues"])
    for name, stage in deployed.items():
        assert stage["environment_variables"]["PARLEY_TABLE_PREFIX"] == f"parley-{name}-"
