"""docs/formats.md is generated from etl/kinds.py and stays current."""

from __future__ import annotations

from etl import formats_doc
from etl.kinds import KINDS, vocabularies


def test_committed_doc_is_current() -> None:
    assert formats_doc.DOC_PATH.read_text(encoding="utf-8") == formats_doc.render(), (
        "docs/formats.md is stale: run `python -m etl.formats_doc`"
    )


def test_every_column_and_its_vietnamese_header_are_documented() -> None:
    doc = formats_doc.render()
    for kind in KINDS.values():
        assert f"### `{kind.name}`" in doc
        assert kind.title_vi in doc
        for col in kind.columns:
            assert f"| `{col.name}` | `{col.vi}`" in doc, (kind.name, col.name)


def test_every_vocabulary_label_is_documented() -> None:
    doc = formats_doc.render()
    for values in vocabularies().values():
        for code, labels in values.items():
            assert f"`{code}`" in doc and labels[0] in doc


def test_every_kind_has_an_example_with_known_columns() -> None:
    for name, kind in KINDS.items():
        example = formats_doc.EXAMPLES[name]
        known = {c.name for c in kind.columns}
        assert set(kind.required) <= set(example), name
        assert all(c in known or c.startswith(kind.item_prefix or "\0") for c in example), name
