"""The outbound XML template language: loops, conditions, pruning, required, converters, checks."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from gateway.errors import MappingError
from gateway.mapping.converters import ConversionError, OutContext, outbound_converters
from gateway.mapping.loader import FileReader, default_context, file_context, load_code_tables
from gateway.mapping.rules import BuildContext
from gateway.mapping.xml_out_converters import render_amount, render_bool, render_iso_datetime
from gateway.mapping.xml_outbound import XmlOutboundMapping, build_xml_outbound
from gateway.model import (
    LineStatus,
    OrderResponse,
    Package,
    Party,
    ResponseLine,
    ResponseStatus,
    ShipNotice,
    ShipNoticeLine,
)

REPO = Path(__file__).resolve().parents[2]
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
GW = 'xmlns:gw="urn:edi-gateway:template"'


@pytest.fixture(scope="module")
def base_context() -> BuildContext:
    problems: list[str] = []
    tables = load_code_tables(FileReader(REPO / "mappings", problems))
    assert problems == []
    return default_context(tables, {}, outbound_converters())


def mapping_data(document: str = "order_response", template: str = "T.xml") -> dict[str, object]:
    return {
        "mapping": {
            "standard": "CXML",
            "message_type": "Test",
            "version": "1.2",
            "direction": "out",
            "document": document,
            "template": template,
        }
    }


def build(
    context: BuildContext, folder: Path, template: str, document: str = "order_response"
) -> tuple[XmlOutboundMapping | None, list[str]]:
    """Write the template beside a mapping file and build the mapping; problems too."""
    folder = folder / "mappings" / "x"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "T.xml").write_text(template, encoding="utf-8")
    problems: list[str] = []
    data = mapping_data(document)
    built = build_xml_outbound(
        data, "mappings/x/T.out.toml", file_context(context, data, "T", problems), problems,
        [folder],
    )  # fmt: skip
    return built, problems


def render(
    context: BuildContext, folder: Path, template: str, document: object,
    envelope: Mapping[str, str] | None = None,
) -> str:  # fmt: skip
    built, problems = build(context, folder, template, _document_type(document))
    assert problems == []
    assert built is not None
    return built.apply(document, envelope or {}).decode("utf-8")  # type: ignore[arg-type]


def _document_type(document: object) -> str:
    return "ship_notice" if isinstance(document, ShipNotice) else "order_response"


def response(*lines: ResponseLine, **fields: object) -> OrderResponse:
    values: dict[str, object] = {
        "response_number": "R1",
        "order_number": "PO1",
        "issue_date": date(2026, 11, 22),
        "status": ResponseStatus.ACCEPTED,
        "lines": lines,
        **fields,
    }
    return OrderResponse(**values)  # type: ignore[arg-type]


def line(number: str, status: LineStatus = LineStatus.ACCEPTED, **fields: object) -> ResponseLine:
    values: dict[str, object] = {
        "line_number": number,
        "status": status,
        "ordered_quantity": Decimal("5"),
        "confirmed_quantity": Decimal("5"),
        **fields,
    }
    return ResponseLine(**values)  # type: ignore[arg-type]


def test_loop_repeats_the_element_once_per_entry_with_its_index(
    base_context: BuildContext, tmp_path: Path
) -> None:
    # given a template repeating <L> over the lines
    template = (
        f'<R {GW}><L gw:for-each="line in lines" n="{{line_index}}">{{line.line_number}}</L></R>'
    )
    # when a response with two lines is rendered
    out = render(base_context, tmp_path, template, response(line("10"), line("20")))
    # then each line has its element, numbered from 1
    assert out == HEAD + '<R>\n  <L n="1">10</L>\n  <L n="2">20</L>\n</R>\n'


def test_flattened_loop_writes_one_element_per_inner_entry_numbered_over_all(
    base_context: BuildContext, tmp_path: Path
) -> None:
    # given DespatchLine-style lines per item of every package, and a nested loop per package
    template = (
        f'<R {GW}><P gw:for-each="p in packages" n="{{p_index}}">'
        '<I gw:for-each="i in p.lines" n="{i_index}">{i.line_number}</I></P>'
        '<D gw:for-each="p in packages, i in p.lines" pack="{p_index}" n="{i_index}">'
        "{i.line_number}</D></R>"
    )
    notice = ShipNotice(
        "SN", "PO", date(2026, 1, 1), date(2026, 1, 1),
        (
            Package("A", (ShipNoticeLine("1", Decimal(1)), ShipNoticeLine("2", Decimal(1)))),
            Package("B", (ShipNoticeLine("3", Decimal(1)),)),
        ),
    )  # fmt: skip
    # when
    out = render(base_context, tmp_path, template, notice)
    # then the nested loop numbers items per package, the flattened one over the whole list
    assert '<P n="1">\n    <I n="1">1</I>\n    <I n="2">2</I>\n  </P>' in out
    assert '<P n="2">\n    <I n="1">3</I>\n  </P>' in out
    assert '<D pack="1" n="1">1</D>\n  <D pack="1" n="2">2</D>\n  <D pack="2" n="3">3</D>' in out


def test_when_and_unless_keep_elements_by_value_or_enum_value(
    base_context: BuildContext, tmp_path: Path
) -> None:
    # given conditions on a present value, an enum value list and an envelope flag
    template = (
        f'<R {GW}><C gw:when="currency">{{currency}}</C><N gw:unless="currency">none</N>'
        '<L gw:for-each="line in lines" gw:when="line.status=changed|rejected">'
        "{line.line_number}</L>"
        '<P gw:when="envelope.test">test</P><O gw:unless="envelope.test">production</O></R>'
    )
    document = response(line("1"), line("2", LineStatus.CHANGED), line("3", LineStatus.REJECTED))
    # when rendered without currency and without the test flag
    out = render(base_context, tmp_path, template, document, {"test": ""})
    # then
    assert out == (HEAD + "<R>\n  <N>none</N>\n  <L>2</L>\n  <L>3</L>\n  <O>production</O>\n</R>\n")
    # and with currency and the flag the other branches are written
    test = render(base_context, tmp_path, template, response(currency="EUR"), {"test": "true"})
    assert "<C>EUR</C>" in test and "<P>test</P>" in test
    assert "<N>" not in test and "<O>" not in test


def test_empty_attributes_elements_and_containers_are_pruned(
    base_context: BuildContext, tmp_path: Path
) -> None:
    # given a party block whose fields are mostly missing
    template = (
        f'<R {GW}><Party><ID scheme="{{buyer.id_scheme}}">{{buyer.id}}</ID>'
        "<Name>{buyer.name}</Name><Address><City>{buyer.city}</City></Address></Party>"
        '<Q unit="{currency}">{order_number}</Q><Note>Order {order_date|iso_date}</Note></R>'
    )
    # when the buyer has only an id, without scheme
    out = render(base_context, tmp_path, template, response(buyer=Party(id="42")))
    # then the empty attribute, the empty elements and the empty Address container vanish,
    # and literal text does not keep an element whose placeholders are empty
    assert out == HEAD + "<R>\n  <Party>\n    <ID>42</ID>\n  </Party>\n  <Q>PO1</Q>\n</R>\n"


def test_static_elements_are_always_written_and_keep_writes_an_empty_container(
    base_context: BuildContext, tmp_path: Path
) -> None:
    # given a static element, a static empty element and a kept container of missing data
    template = (
        f'<R {GW}><V>2.1</V><E flag="x"/><Item gw:keep="true"><Name>{{buyer.name}}</Name>'
        "</Item><Gone><Name>{buyer.name}</Name></Gone></R>"
    )
    # when
    out = render(base_context, tmp_path, template, response())
    # then
    assert out == HEAD + '<R>\n  <V>2.1</V>\n  <E flag="x"/>\n  <Item/>\n</R>\n'


def test_required_element_left_empty_fails_naming_element_field_and_mapping(
    base_context: BuildContext, tmp_path: Path
) -> None:
    # given a required party inside a loop-free template and a required element per line
    template = (
        f'<R {GW}><Buyer gw:required="true"><ID>{{buyer.id}}</ID><N>{{buyer.name}}</N></Buyer>'
        '<L gw:for-each="line in lines"><U gw:required="true">{line.uom}</U></L></R>'
    )
    built, problems = build(base_context, tmp_path, template)
    assert built is not None and problems == []
    # when the buyer is missing and line 2 has no unit
    with pytest.raises(MappingError) as caught:
        built.apply(response(line("1", uom="EA"), line("2")), {})
    # then every problem is listed with the element's template path, its fields and the mapping
    error = caught.value
    assert "mapping mappings/x/T.out.toml" in error.message
    messages = [i.message for i in error.issues]
    assert len(messages) == 2
    assert messages[0].startswith("/R/Buyer: is required but every field it is written from is")
    assert "({buyer.id}, {buyer.name})" in messages[0]
    assert messages[1].startswith("/R/L/U (for lines[2]): is required")
    assert "{line.uom}" in messages[1]
    assert error.issues[1].location.line == 1
    assert error.issues[1].location.file == "mappings/x/T.xml"


def test_required_loop_without_entries_fails(base_context: BuildContext, tmp_path: Path) -> None:
    # given a mandatory repeated element (UBL InvoiceLine 1..n)
    template = (
        f'<R {GW}><L gw:for-each="line in lines" gw:required="true">{{line.line_number}}</L></R>'
    )
    built, _ = build(base_context, tmp_path, template)
    assert built is not None
    # when there is no line, then the render fails
    with pytest.raises(MappingError, match="1 problem") as caught:
        built.apply(response(), {})
    assert "lines has no entry" in caught.value.issues[0].message


def test_double_braces_write_literal_braces(base_context: BuildContext, tmp_path: Path) -> None:
    # given literal braces in text and attribute values
    template = f'<R {GW} a="{{{{x}}}}">{{{{{{order_number}}}}}}</R>'
    # when / then
    out = render(base_context, tmp_path, template, response())
    assert out == HEAD + '<R a="{x}">{PO1}</R>\n'


def test_values_render_in_xml_schema_forms(base_context: BuildContext, tmp_path: Path) -> None:
    # given dates, amounts, an enum with and without code table and a plain decimal
    template = (
        f"<R {GW}><D>{{issue_date|iso_date}}</D><T>{{issue_date|iso_datetime}}</T>"
        "<S>{status}</S><C>{status|code:response_status_1225}</C>"
        '<L gw:for-each="line in lines"><A>{line.unit_price|amount}</A>'
        "<Q>{line.confirmed_quantity}</Q><P>{line.unit_price}</P></L></R>"
    )
    document = response(
        line("1", unit_price=Decimal("12.8"), confirmed_quantity=Decimal("1E+1")),
        status=ResponseStatus.ACCEPTED_WITH_CHANGES,
    )
    # when
    out = render(base_context, tmp_path, template, document)
    # then
    assert "<D>2026-11-22</D>" in out
    assert "<T>2026-11-22T00:00:00+00:00</T>" in out
    assert "<S>accepted_with_changes</S>" in out and "<C>4</C>" in out
    assert "<A>12.80</A>" in out and "<Q>10</Q>" in out and "<P>12.8</P>" in out


def test_a_value_a_converter_refuses_is_reported_with_its_template_place(
    base_context: BuildContext, tmp_path: Path
) -> None:
    # given a code table that lists no 'backordered'
    data = mapping_data()
    data["codes"] = {"strict_status": {"accepted": "5"}}
    template = f'<R {GW}><L gw:for-each="line in lines">{{line.status|code:strict_status}}</L></R>'
    (tmp_path / "T.xml").write_text(template, encoding="utf-8")
    problems: list[str] = []
    context = file_context(base_context, data, "T", problems)
    built = build_xml_outbound(data, "T.out.toml", context, problems, [tmp_path])
    assert built is not None
    # when a backordered line is rendered
    with pytest.raises(MappingError) as caught:
        built.apply(response(line("1"), line("2", LineStatus.BACKORDERED)), {})
    # then the problem names the element, the loop entry, the placeholder and the value
    issue = caught.value.issues[0]
    assert issue.code == "mapping.code"
    assert issue.message.startswith(
        "/R/L (for lines[2]): {line.status|code:strict_status}: 'backordered' is not in"
    )


def test_output_has_declaration_doctype_indent_and_nothing_of_the_template(
    base_context: BuildContext, tmp_path: Path
) -> None:
    # given a cXML-like template with a DOCTYPE, comments, a prefix and mixed indentation
    template = (
        '<?xml version="1.0"?>\n<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.050/'
        'cXML.dtd">\n<!-- explains the standard -->\n'
        f'<cXML {GW} xmlns:x="urn:x" xml:lang="en">\n    <!-- a comment -->\n'
        "    <x:Id>\n      {order_number}\n    </x:Id>\n    <Empty/>\n</cXML>\n"
    )
    # when
    out = render(base_context, tmp_path, template, response())
    # then
    assert out == (
        HEAD + '<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.050/cXML.dtd">\n'
        '<cXML xmlns:x="urn:x" xml:lang="en">\n  <x:Id>PO1</x:Id>\n  <Empty/>\n</cXML>\n'
    )


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ('<R><A gw:repeat="x"/></R>', "line 1: unknown directive gw:repeat"),
        ("<R><A>{buyer.nmae}</A></R>", "bad path 'buyer.nmae': Party has no field 'nmae'"),
        ("<R><A>{order_number|upper}</A></R>", "unknown converter 'upper'"),
        ("<R><A>{order_number|code:nope}</A></R>", "unknown code table 'nope'"),
        ('<R><A gw:for-each="x in order_number"/></R>', "'order_number' is not a list"),
        ('<R><A gw:for-each="lines"/></R>', "is not 'NAME in PATH'"),
        ("<R><A>{lines}</A></R>", "{lines} names a list"),
        ("<R><A>{buyer}</A></R>", "{buyer} names a Party"),
        ("<R><A>{envelope.secret}</A></R>", "'envelope.secret' is not an envelope value"),
        ('<R><A gw:when="status=maybe"/></R>', "'maybe' is not a ResponseStatus"),
        ('<R><A gw:required="yes"/></R>', "gw:required='yes': must be"),
        ("<R><A>{order_number</A></R>", "a lone '{'"),
        ("<R>\n<A>\n<B/></R>", "is not a well-formed XML template"),
        ('<R><L gw:for-each="line in lines"/><A>{line.uom}</A></R>', "bad path 'line.uom'"),
    ],
)
def test_template_mistakes_are_problems_at_load_with_file_and_line(
    base_context: BuildContext, tmp_path: Path, template: str, expected: str
) -> None:
    # given a template with one mistake
    source = template.replace("<R>", f"<R {GW}>", 1)
    # when it is built
    built, problems = build(base_context, tmp_path, source)
    # then the mapping is not built and the problem names the template file
    assert built is None
    assert len(problems) == 1, problems
    assert problems[0].startswith("mappings/x/T.xml")
    assert expected in problems[0]


def test_missing_template_and_ubl_root_mismatch_are_problems(
    base_context: BuildContext, tmp_path: Path
) -> None:
    # given a mapping naming a template that does not exist
    problems: list[str] = []
    data = mapping_data(template="Nope.xml")
    assert build_xml_outbound(data, "m.toml", base_context, problems, [tmp_path]) is None
    assert problems == [f"m.toml: mapping.template: 'Nope.xml' not found (looked in {tmp_path})"]
    # and a UBL mapping whose template is another document
    ubl = {**mapping_data(), "mapping": {**mapping_data()["mapping"], "standard": "UBL"}}  # type: ignore[dict-item]
    ubl["mapping"]["message_type"] = "OrderResponse"  # type: ignore[index]
    (tmp_path / "T.xml").write_text(
        '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>', "utf-8"
    )
    problems = []
    assert build_xml_outbound(ubl, "m.toml", base_context, problems, [tmp_path]) is None
    assert "expected {urn:oasis:names:specification:ubl:schema:xsd:OrderResponse-2}" in problems[0]


def test_partner_template_is_found_before_the_default(
    base_context: BuildContext, tmp_path: Path
) -> None:
    # given a default template and a partner's own version of it
    default, partner = tmp_path / "mappings" / "x", tmp_path / "mappings" / "partners" / "acme"
    for folder, text in ((default, "default"), (partner, "partner")):
        folder.mkdir(parents=True)
        (folder / "T.xml").write_text(f"<R>{text}</R>", encoding="utf-8")
    problems: list[str] = []
    data = mapping_data()
    # when the override is built with its folder first
    shown = "mappings/partners/acme/T.out.toml"
    built = build_xml_outbound(data, shown, base_context, problems, [partner, default])
    # then the partner's template is used
    assert built is not None
    assert built.template.shown == "mappings/partners/acme/T.xml"
    assert b"<R>partner</R>" in built.apply(response(), {})
    # and without its own template the partner uses the default's
    (partner / "T.xml").unlink()
    built = build_xml_outbound(data, shown, base_context, problems, [partner, default])
    assert built is not None and built.template.shown == "mappings/x/T.xml"


def test_amount_keeps_two_decimals_at_least_and_more_when_given() -> None:
    context = OutContext()
    assert render_amount(Decimal("12.8"), context) == "12.80"
    assert render_amount(Decimal("5"), context) == "5.00"
    assert render_amount(Decimal("0.125"), context) == "0.125"
    assert render_amount(Decimal("1E+3"), context) == "1000.00"
    with pytest.raises(ConversionError):
        render_amount("12", context)


def test_iso_datetime_needs_a_time_zone_and_bool_a_truth_value() -> None:
    context = OutContext()
    moment = datetime(2026, 11, 22, 8, 30, tzinfo=UTC)
    assert render_iso_datetime(moment, context) == "2026-11-22T08:30:00+00:00"
    with pytest.raises(ConversionError, match="no time zone"):
        render_iso_datetime(datetime(2026, 11, 22, 8, 30), context)
    assert render_bool(True, context) == "true"
    assert render_bool(False, context) == "false"
    with pytest.raises(ConversionError):
        render_bool("true", context)


def test_mixed_content_keeps_text_around_child_elements(
    base_context: BuildContext, tmp_path: Path
) -> None:
    # given cXML's mixed Description (#PCDATA | ShortName)*, indented in the template
    template = (
        f'<R {GW}><L gw:for-each="line in lines">\n'
        '  <Description xml:lang="en">\n    {line.description}\n'
        "    <ShortName>{line.seller_part}</ShortName>\n  </Description>\n</L></R>"
    )
    document = response(line("1", description="Wall bracket", seller_part="SP-1"))
    # when
    out = render(base_context, tmp_path, template, document)
    # then the text stays beside the child, without the template's indentation
    assert '<Description xml:lang="en">Wall bracket<ShortName>SP-1</ShortName></Description>' in out
