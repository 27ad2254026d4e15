"""The X12 reader: delimiters from ISA, layout, several interchanges, envelope checks, corpus."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.errors import Issue, ParseError
from gateway.formats.x12_envelope import (
    GroupClosed,
    GroupOpened,
    InterchangeClosed,
    InterchangeOpened,
    TransactionRead,
    X12Event,
    X12Transaction,
)
from gateway.formats.x12_reader import chunks_of, read_x12, read_x12_header

ORDER = ["ST*850*0001", "BEG*00*SA*PO1**20260120", "PO1*1*5*EA*9.5**VN*A1", "SE*4*0001"]


def isa(
    *,
    e: str = "*",
    component: str = ">",
    isa11: str = "U",
    terminator: str = "~",
    version: str = "00401",
    control: str = "000000001",
    date: str = "260120",
    time: str = "0930",
    usage: str = "P",
) -> str:
    """A fixed-width ISA (106 characters) with the given delimiters and values."""
    values = [
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        "SENDER".ljust(15),
        "ZZ",
        "RECEIVER".ljust(15),
        date,
        time,
        isa11,
        version,
        control,
        "0",
        usage,
        component,
    ]
    return e.join(["ISA", *values]) + terminator


def x12(
    *segments: str,
    e: str = "*",
    component: str = ">",
    isa11: str = "U",
    terminator: str = "~",
    suffix: str = "",
    version: str = "00401",
    control: str = "000000001",
) -> str:
    """An interchange: ISA, then the segments written with `*` changed to the separator."""
    body = "".join(s.replace("*", e) + terminator + suffix for s in segments)
    head = isa(
        e=e,
        component=component,
        isa11=isa11,
        terminator=terminator,
        version=version,
        control=control,
    )
    return head + suffix + body


def one_order(**delimiters: str) -> str:
    """One interchange, one PO group, one 850."""
    control = delimiters.get("control", "000000001")
    return x12(
        "GS*PO*SENDER*RECEIVER*20260120*0930*1*X*004010",
        *ORDER,
        "GE*1*1",
        f"IEA*1*{control}",
        **delimiters,
    )


def events(data: str | bytes, size: int | None = None) -> list[X12Event]:
    """Every event of the data, read whole or in chunks of `size` bytes."""
    raw = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
    return list(read_x12(chunks_of(raw, size or len(raw) or 1), "t.x12"))


def transactions(found: list[X12Event]) -> list[X12Transaction]:
    """The transaction sets read."""
    return [e.transaction for e in found if isinstance(e, TransactionRead)]


def all_issues(found: list[X12Event]) -> list[Issue]:
    """Every issue of every set, group and interchange."""
    issues: list[Issue] = []
    for event in found:
        if isinstance(event, TransactionRead):
            issues += event.transaction.issues
        elif isinstance(event, (GroupClosed, InterchangeClosed)):
            issues += event.issues
    return issues


def closed(found: list[X12Event]) -> InterchangeClosed:
    """The (first) InterchangeClosed."""
    return next(e for e in found if isinstance(e, InterchangeClosed))


def group_closed(found: list[X12Event]) -> GroupClosed:
    """The (first) GroupClosed."""
    return next(e for e in found if isinstance(e, GroupClosed))


def codes(issues: tuple[Issue, ...] | list[Issue]) -> list[str]:
    """The codes of the issues, in order."""
    return [i.code for i in issues]


# --- delimiters ---------------------------------------------------------------------------


DELIMITER_PAIRS = [
    (element, terminator)
    for element in ["*", "|", "\x1d", "!", "^"]
    for terminator in ["~", "\n", "\r", "|", "$", "\x7f", "\x15"]
    if element != terminator
]


@pytest.mark.parametrize(("element", "terminator"), DELIMITER_PAIRS)
def test_delimiters_are_taken_from_isa_positions(element: str, terminator: str) -> None:
    # given an interchange with this element separator and segment terminator
    data = one_order(e=element, terminator=terminator)
    # when read
    found = events(data)
    # then the delimiters are those of ISA byte 4 and 106, and the order reads clean
    header = found[0]
    assert isinstance(header, InterchangeOpened)
    assert (header.header.delimiters.element, header.header.delimiters.segment) == (
        element,
        terminator,
    )
    (order,) = transactions(found)
    assert [s.tag for s in order.segments] == ["ST", "BEG", "PO1", "SE"]
    assert order.segments[2].value(6) == "VN"
    assert all_issues(found) == []


def test_component_separator_isa16_splits_composites() -> None:
    # given ISA16 ':' and a composite C001 in PO1
    data = x12(
        "GS*PO*S*R*20260120*0930*1*X*004010",
        "ST*850*0001",
        "PO1*1*5*CA:12:EA",
        "SE*3*0001",
        "GE*1*1",
        "IEA*1*000000001",
        component=":",
    )
    # when read
    (order,) = transactions(events(data))
    # then the element is split into its components
    assert order.segments[1].composite(3) == ("CA", "12", "EA")


def test_repetition_separator_from_00402_splits_repeats_and_keeps_the_first() -> None:
    # given ISA12 00501 with ISA11 '^' and a repeated element
    data = x12(
        "GS*FA*S*R*20260120*0930*1*X*005010X231",
        "ST*999*0001*005010X231",
        "CTX*TRIGGER^OTHER:2*CLM",
        "SE*3*0001",
        "GE*1*1",
        "IEA*1*000000001",
        isa11="^",
        component=":",
        version="00501",
    )
    found = events(data)
    (ack,) = transactions(found)
    ctx = ack.segments[1]
    # then the segment keeps the first repeat and the set has every repeat
    assert ctx.elements == (("TRIGGER",), ("CLM",))
    assert ack.repeats(ctx, 1) == (("TRIGGER",), ("OTHER", "2"))
    assert ack.repetitions == ((ctx.position, 1, (("TRIGGER",), ("OTHER", "2"))),)
    # and ISA11 itself is a value, not split
    opened = found[0]
    assert isinstance(opened, InterchangeOpened)
    assert opened.header.segment.value(11) == "^"
    assert opened.header.delimiters.repetition == "^"
    assert ack.implementation == "005010X231"


def test_under_00401_isa11_u_is_no_separator() -> None:
    # given ISA12 00401, ISA11 'U' and values holding U and ^
    data = x12(
        "GS*PO*S*R*20260120*0930*1*X*004010",
        "ST*850*0001",
        "N1*ST*UNIVERSAL^UNITS",
        "SE*3*0001",
        "GE*1*1",
        "IEA*1*000000001",
    )
    (order,) = transactions(events(data))
    # then nothing is split at U or ^
    assert order.segments[1].value(2) == "UNIVERSAL^UNITS"
    assert order.repetitions == ()


def test_isa11_u_under_00501_is_a_warning_and_no_repetition() -> None:
    # given the Stedi quirk: ISA11 'U' under ISA12 00501
    found = events(one_order(version="00501"))
    # then reading goes on without repetitions and ISA11 is a warning
    (issue,) = closed(found).issues
    assert (issue.code, issue.severity, issue.location.element, issue.value) == (
        "x12.isa.standards_id",
        "warning",
        11,
        "U",
    )


# --- layout ---------------------------------------------------------------------------------


def test_utf8_bom_and_blank_lines_before_isa_are_skipped() -> None:
    # given a byte order mark and blank lines before ISA
    data = b"\xef\xbb\xbf\r\n  " + one_order().encode()
    # when read
    found = events(data)
    # then the interchange starts after them
    opened = found[0]
    assert isinstance(opened, InterchangeOpened)
    assert opened.header.offset == 7
    assert len(transactions(found)) == 1
    assert all_issues(found) == []


@pytest.mark.parametrize(("terminator", "suffix"), [("~", "\r\n"), ("~", "\n"), ("\r", "\n")])
def test_line_breaks_after_terminators_are_layout(terminator: str, suffix: str) -> None:
    # given a line break after every terminator
    found = events(one_order(terminator=terminator, suffix=suffix))
    # then values carry no line break and no warning is given
    (order,) = transactions(found)
    assert order.segments[1].elements[-1] == ("20260120",)
    assert all_issues(found) == []
    opened = found[0]
    assert isinstance(opened, InterchangeOpened)
    assert opened.header.delimiters.suffix == suffix


def test_blanks_and_tabs_before_a_segment_tag_are_layout() -> None:
    # given segments indented with tabs and blanks after each line break
    found = events(one_order(suffix="\n\t  "))
    # then the tags are read without them and no issue is raised
    (order,) = transactions(found)
    assert [s.tag for s in order.segments] == ["ST", "BEG", "PO1", "SE"]
    assert all_issues(found) == []


def test_file_hard_wrapped_at_80_columns_reads_as_unwrapped_with_one_warning() -> None:
    # given an interchange hard-wrapped at 80 columns (line breaks inside ISA and segments)
    flat = one_order()
    wrapped = "\n".join(flat[i : i + 80] for i in range(0, len(flat), 80))
    # when read
    found = events(wrapped)
    # then it reads like the unwrapped one, with one layout warning
    assert [t.segments for t in transactions(found)] == [
        t.segments for t in transactions(events(flat))
    ]
    (issue,) = all_issues(found)
    assert (issue.code, issue.severity) == ("x12.layout", "warning")


def test_segments_swallowed_by_another_terminator_are_named_in_the_warning() -> None:
    # given '$' declared, but two segments ended by '~' and a blank line
    data = x12(
        "GS*PO*S*R*20260120*0930*1*X*004010",
        "ST*850*0001",
        "N1*ST*SHOP~\n\nN3*1 MAIN ST~\nN4*TOWN",
        "SE*5*0001",
        "GE*1*1",
        "IEA*1*000000001",
        terminator="$",
        suffix="\n",
    )
    found = events(data)
    (order,) = transactions(found)
    # then the set has one segment less per swallowed one, and both problems are told
    assert [s.tag for s in order.segments] == ["ST", "N1", "SE"]
    assert codes(order.issues) == ["x12.se.count"]
    (layout,) = closed(found).issues
    assert layout.code == "x12.layout"
    assert "'~'" in layout.message
    assert layout.location.segment_position == 4


def test_two_interchanges_with_different_delimiters_in_one_file() -> None:
    # given two interchanges, the second with '|', ':' and a newline terminator
    first = one_order(suffix="\n")
    second = one_order(e="|", component=":", terminator="\n", control="000000002")
    # when read
    found = events(first + "\n\n" + second)
    # then each is opened with its own delimiters and both orders are read
    opened = [e.header for e in found if isinstance(e, InterchangeOpened)]
    assert [(h.delimiters.element, h.delimiters.segment, h.index) for h in opened] == [
        ("*", "~", 1),
        ("|", "\n", 2),
    ]
    assert [h.control_ref for h in opened] == ["000000001", "000000002"]
    assert opened[1].offset == len(first) + 2
    assert [t.segments[2].value(6) for t in transactions(found)] == ["VN", "VN"]
    assert all_issues(found) == []


def test_events_come_in_envelope_order() -> None:
    # given one interchange with two groups, the first with two sets
    data = x12(
        "GS*PO*S*R*20260120*0930*1*X*004010",
        *ORDER,
        *(s.replace("0001", "0002") for s in ORDER),
        "GE*2*1",
        "GS*PO*S*R*20260120*0930*2*X*004010",
        *ORDER,
        "GE*1*2",
        "IEA*2*000000001",
    )
    found = events(data)
    # then opened, group, sets, group closed ..., interchange closed
    assert [type(e).__name__ for e in found] == [
        "InterchangeOpened",
        "GroupOpened",
        "TransactionRead",
        "TransactionRead",
        "GroupClosed",
        "GroupOpened",
        "TransactionRead",
        "GroupClosed",
        "InterchangeClosed",
    ]
    sets = transactions(found)
    assert [(t.index, t.group.control_ref) for t in sets] == [(1, "1"), (2, "1"), (1, "2")]
    # and positions count from ISA = 1
    assert [s.position for s in sets[0].segments] == [3, 4, 5, 6]
    assert closed(found).iea is not None
    assert closed(found).group_count == 2
    assert [e.count for e in found if isinstance(e, GroupClosed)] == [2, 1]
    assert [e.group.functional_id for e in found if isinstance(e, GroupOpened)] == ["PO", "PO"]


def test_chunk_boundaries_do_not_change_what_is_read() -> None:
    # given two interchanges with UTF-8 letters, a bad byte and CRLF layout
    text = one_order(suffix="\r\n").replace("SA*PO1", "SA*Zürich \udce9") + "\r\n"
    text += one_order(e="|", terminator="\n", control="000000002")
    whole = events(text)
    # when read in chunks of every small size
    for size in (1, 2, 3, 7, 64):
        # then the events are the same
        assert events(text, size) == whole


def test_memory_stays_flat_in_the_number_of_sets() -> None:
    # given an interchange of 6,000 sets of 500 bytes (3 MB) streamed in blocks of 100 sets
    count, text = 6_000, "FREE TEXT " * 48

    def stream() -> Iterator[bytes]:
        yield (isa() + "GS*PO*S*R*20260120*0930*1*X*004010~").encode()
        for block in range(count // 100):
            refs = (f"{block * 100 + n:05d}" for n in range(1, 101))
            yield "".join(f"ST*850*{r}~MSG*{text}~SE*3*{r}~" for r in refs).encode()
        yield f"GE*{count}*1~IEA*1*000000001~".encode()

    # when read while tracing memory (after a first read has filled the caches of codecs and re)
    events(one_order())
    tracemalloc.start()
    found = sum(
        len(e.transaction.issues) + 1 for e in read_x12(stream()) if isinstance(e, TransactionRead)
    )
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # then every set was read clean and the peak (a block, one set, Python's free lists) stays
    # far below the size of the file
    assert found == count
    assert sum(len(b) for b in stream()) > 3_000_000
    assert peak < 800_000


# --- character set --------------------------------------------------------------------------


def test_bytes_that_are_not_utf8_are_reported_with_offset_and_reading_goes_on() -> None:
    # given a Latin-1 e-acute (0xE9) in BEG03
    data = one_order().encode().replace(b"SA*PO1", b"SA*PO\xe9")
    found = events(data)
    (order,) = transactions(found)
    # then one character issue names segment, element, byte offset and value
    (issue,) = order.issues
    at = data.index(b"\xe9")
    assert (issue.code, issue.location.segment_position, issue.location.segment_tag) == (
        "x12.element.character",
        4,
        "BEG",
    )
    assert (issue.location.element, issue.location.offset, issue.value) == (3, at, "PO\ufffd")
    assert order.segments[1].value(3) == "PO\ufffd"


def test_utf8_letters_are_read_as_text() -> None:
    # given UTF-8 letters in a name
    found = events(one_order().replace("PO1**", "Größe**"))
    # then they are read as they are, without issue
    assert transactions(found)[0].segments[1].value(3) == "Größe"
    assert all_issues(found) == []


# --- parse errors ---------------------------------------------------------------------------


def parse_error(data: str | bytes) -> Issue:
    """The one issue of the ParseError reading the data raises."""
    with pytest.raises(ParseError) as raised:
        events(data)
    (issue,) = raised.value.issues
    return issue


def test_file_not_starting_with_isa_is_a_parse_error() -> None:
    issue = parse_error("  GS*PO*S*R~")
    assert (issue.code, issue.location.offset) == ("x12.no_isa", 2)
    assert "expected an X12 interchange to start with ISA" in issue.message
    assert "found the end of the file" in parse_error(b"\xef\xbb\xbf\n").message


def test_isa_of_the_wrong_width_names_the_element() -> None:
    # given ISA06 of 14 characters
    data = one_order().replace("SENDER         ", "SENDER        ")
    issue = parse_error(data)
    # then the message gives the length and the element that is off
    assert issue.code == "x12.isa.sender"
    assert issue.message.startswith("ISA is 105 characters, X12.5 fixes it at 106")
    assert "ISA06 sender id is 14 characters, expected 15" in issue.message
    assert (issue.location.element, issue.location.offset) == (6, 35)


def test_isa_padded_with_no_break_spaces_is_refused_precisely(corpus_dir: Path) -> None:
    # given the EDI.Net sample whose ISA padding holds U+00A0 (bytes C2 A0) and a BOM
    path = corpus_dir / "x12" / "INVALID__edinet__850_4010_BOM_NBSP_in_ISA.edi"
    issue = parse_error(path.read_bytes())
    # then the error says how long ISA is and which elements hold what
    assert issue.message.startswith("ISA is 122 characters, X12.5 fixes it at 106")
    assert "ISA02 authorization information is 15 characters, expected 10" in issue.message
    assert "U+00A0 NO-BREAK SPACE" in issue.message
    assert (issue.code, issue.location.element, issue.location.offset) == (
        "x12.isa.authorization",
        2,
        10,
    )


def test_ebcdic_isa_is_refused_with_advice() -> None:
    # given a valid interchange encoded in EBCDIC code page 037
    issue = parse_error(one_order().encode("cp037"))
    assert issue.code == "x12.ebcdic"
    assert "EBCDIC" in issue.message
    assert "convert the file to ASCII" in issue.message


@pytest.mark.parametrize(
    ("component", "terminator", "code"),
    [
        (">", "*", "x12.isa.terminator"),
        (">", ">", "x12.isa.terminator"),
        (">", "A", "x12.isa.terminator"),
        (">", "7", "x12.isa.terminator"),
        ("*", "~", "x12.isa.component_separator"),
        ("Z", "~", "x12.isa.component_separator"),
    ],
)
def test_unusable_delimiters_are_refused(component: str, terminator: str, code: str) -> None:
    issue = parse_error(isa(component=component, terminator=terminator) + "GS*PO~")
    assert issue.code == code
    assert issue.location.segment_tag == "ISA"


def test_isa_with_elements_missing_says_gs_came_early() -> None:
    # given an ISA that ends after ISA14
    data = isa().replace("*P*>~", "~") + "GS*PO*S*R*20260120*0930*1*X*004010~ST*850*0001~"
    issue = parse_error(data)
    assert issue.code == "x12.structure"
    assert issue.message.startswith("ISA has fewer than 16 elements: GS starts 102 characters in")


def test_truncated_isa_is_a_parse_error() -> None:
    issue = parse_error(isa()[:60])
    assert issue.code == "x12.structure"
    assert "ISA is incomplete" in issue.message


def test_junk_after_iea_is_a_parse_error() -> None:
    data = one_order() + "\nGARBAGE"
    issue = parse_error(data)
    assert issue.code == "x12.no_isa"
    assert "after IEA at segment 8" in issue.message
    assert issue.location.offset == len(one_order()) + 1


# --- envelope issues ------------------------------------------------------------------------


def order_with(*changes: tuple[str, str]) -> list[X12Event]:
    """The one-order interchange with text replacements applied."""
    data = one_order()
    for old, new in changes:
        assert old in data
        data = data.replace(old, new, 1)
    return events(data)


def test_se01_must_count_st_to_se() -> None:
    found = order_with(("SE*4*0001", "SE*5*0001"))
    (issue,) = transactions(found)[0].issues
    assert (issue.code, issue.location.segment_position, issue.location.segment_tag) == (
        "x12.se.count",
        6,
        "SE",
    )
    assert (issue.location.element, issue.value) == (1, "5")
    assert "the set has 4" in issue.message


def test_se02_must_match_st02() -> None:
    found = order_with(("SE*4*0001", "SE*4*0009"))
    (issue,) = transactions(found)[0].issues
    assert (issue.code, issue.location.element, issue.value) == ("x12.se.control", 2, "0009")


def test_st01_must_be_three_digits() -> None:
    found = order_with(("ST*850*", "ST*85O*"))
    (issue,) = transactions(found)[0].issues
    assert (issue.code, issue.location.segment_tag, issue.value) == ("x12.st.id", "ST", "85O")


def test_st02_must_be_four_to_nine_characters() -> None:
    found = order_with(("ST*850*0001", "ST*850*1"), ("SE*4*0001", "SE*4*1"))
    assert codes(transactions(found)[0].issues) == ["x12.st.control"]


def test_duplicate_st02_within_a_group_is_a_set_issue() -> None:
    data = x12(
        "GS*PO*S*R*20260120*0930*1*X*004010",
        *ORDER,
        *ORDER,
        "GE*2*1",
        "IEA*1*000000001",
    )
    first, second = transactions(events(data))
    assert first.issues == ()
    (issue,) = second.issues
    assert (issue.code, issue.location.segment_position, issue.value) == (
        "x12.st.duplicate",
        7,
        "0001",
    )


@pytest.mark.parametrize("after", ["ST*850*0002", "GE*1*1", "IEA*1*000000001"])
def test_se_missing_when_another_envelope_segment_comes_first(after: str) -> None:
    # given a set whose SE is left out
    rest = {
        "ST*850*0002": ["SE*2*0002", "GE*2*1", "IEA*1*000000001"],
        "GE*1*1": ["IEA*1*000000001"],
        "IEA*1*000000001": [],
    }[after]
    data = x12("GS*PO*S*R*20260120*0930*1*X*004010", *ORDER[:-1], after, *rest)
    found = events(data)
    first = transactions(found)[0]
    # then the set ends where the next envelope segment came, with SE missing
    assert [s.tag for s in first.segments] == ["ST", "BEG", "PO1"]
    (issue,) = first.issues
    assert (issue.code, issue.location.segment_position) == ("x12.se.missing", 6)
    assert issue.location.segment_tag == after[:3].rstrip("*")


def test_truncated_file_misses_se_ge_and_iea() -> None:
    data = x12("GS*PO*S*R*20260120*0930*1*X*004010", *ORDER[:-1])
    found = events(data)
    assert codes(transactions(found)[0].issues) == ["x12.se.missing"]
    assert codes(group_closed(found).issues) == ["x12.ge.missing"]
    end = closed(found)
    assert codes(end.issues) == ["x12.iea.missing"]
    assert end.iea is None


def test_ge01_and_ge02_must_match_the_group() -> None:
    found = order_with(("GE*1*1", "GE*2*7"))
    issues = group_closed(found).issues
    assert [(i.code, i.location.element, i.value) for i in issues] == [
        ("x12.ge.count", 1, "2"),
        ("x12.ge.control", 2, "7"),
    ]


def test_ge_missing_when_next_gs_comes() -> None:
    data = x12(
        "GS*PO*S*R*20260120*0930*1*X*004010",
        *ORDER,
        "GS*PO*S*R*20260120*0930*2*X*004010",
        *ORDER,
        "GE*1*2",
        "IEA*2*000000001",
    )
    found = events(data)
    first, second = (e for e in found if isinstance(e, GroupClosed))
    (issue,) = first.issues
    assert (issue.code, issue.location.segment_position, issue.location.segment_tag) == (
        "x12.ge.missing",
        7,
        "GS",
    )
    assert second.issues == ()


def test_duplicate_gs06_within_an_interchange_is_a_group_issue() -> None:
    data = x12(
        "GS*PO*S*R*20260120*0930*1*X*004010",
        *ORDER,
        "GE*1*1",
        "GS*PO*S*R*20260120*0930*1*X*004010",
        *ORDER,
        "GE*1*1",
        "IEA*2*000000001",
    )
    first, second = (e for e in events(data) if isinstance(e, GroupClosed))
    assert first.issues == ()
    (issue,) = second.issues
    assert (issue.code, issue.location.segment_position, issue.location.element) == (
        "x12.gs.duplicate",
        8,
        6,
    )


def test_iea01_and_iea02_must_match_the_interchange() -> None:
    found = order_with(("IEA*1*000000001", "IEA*3*000000002"))
    assert [(i.code, i.location.element, i.value) for i in closed(found).issues] == [
        ("x12.iea.count", 1, "3"),
        ("x12.iea.control", 2, "000000002"),
    ]


def test_st_outside_a_group_is_a_structure_issue_and_skipped() -> None:
    data = x12(*ORDER, "IEA*0*000000001")
    found = events(data)
    assert transactions(found) == []
    (issue,) = closed(found).issues
    assert (issue.code, issue.location.segment_position, issue.location.segment_tag) == (
        "x12.structure",
        2,
        "ST",
    )


def test_segment_between_sets_is_a_structure_issue() -> None:
    found = order_with(("GE*1*1", "REF*ZZ*X~GE*1*1"))
    (issue,) = closed(found).issues
    assert (issue.code, issue.location.segment_tag) == ("x12.structure", "REF")


def test_missing_iea_before_the_next_isa_reads_both_interchanges() -> None:
    first = one_order().replace("IEA*1*000000001~", "")
    found = events(first + one_order(control="000000002"))
    ends = [e for e in found if isinstance(e, InterchangeClosed)]
    assert [codes(e.issues) for e in ends] == [["x12.iea.missing"], []]
    assert len(transactions(found)) == 2


def test_last_segment_without_terminator_is_read_with_a_warning() -> None:
    found = events(one_order().removesuffix("~") + "\n")
    end = closed(found)
    assert end.iea is not None
    (issue,) = end.issues
    assert (issue.code, issue.severity, issue.location.segment_tag) == (
        "x12.segment.terminator",
        "warning",
        "IEA",
    )


def test_duplicate_isa13_in_one_file_is_an_interchange_issue() -> None:
    found = events(one_order() + one_order())
    ends = [e for e in found if isinstance(e, InterchangeClosed)]
    assert [codes(e.issues) for e in ends] == [[], ["x12.isa.duplicate"]]


@pytest.mark.parametrize(
    ("change", "code", "element"),
    [
        (("ZZ*SENDER", "Z*SENDER "), "x12.isa.sender_qualifier", 5),
        (("*260120*", "*261320*"), "x12.isa.date", 9),
        (("*0930*", "*2460*"), "x12.isa.time", 10),
        (("*00401*", "*0040A*"), "x12.isa.version_id", 12),
        (("*000000001*0*", "*00000000X*0*"), "x12.isa.control", 13),
        (("*0*P*", "*2*P*"), "x12.isa.ack_requested", 14),
        (("*0*P*", "*0*X*"), "x12.isa.usage", 15),
        (("SENDER         ", "SENDERé       "), "x12.isa.sender", 6),
        (
            ("SENDER         *ZZ*RECEIVER       ", "SENDER          *ZZ*RECEIVER      "),
            "x12.isa.sender",
            6,
        ),
    ],
)
def test_isa_element_checks(change: tuple[str, str], code: str, element: int) -> None:
    # given one ISA element off (the ISA stays 106 characters)
    found = order_with(change)
    issue = closed(found).issues[0]
    # then the interchange carries the issue with the element and value
    assert (issue.code, issue.location.segment_position, issue.location.element) == (
        code,
        1,
        element,
    )
    assert issue.value is not None
    assert issue.severity == "error"


# --- header and corpus ----------------------------------------------------------------------


def test_chunks_of_reads_a_path_an_open_file_and_bytes(tmp_path: Path) -> None:
    path = tmp_path / "o.x12"
    path.write_bytes(one_order().encode())
    with path.open("rb") as file:
        from_file = b"".join(chunks_of(file, 10))
    assert b"".join(chunks_of(path, 7)) == from_file == b"".join(chunks_of(path.read_bytes(), 5))


def test_read_x12_header_gives_the_first_isa_or_none() -> None:
    header = read_x12_header(b"\xef\xbb\xbf" + one_order().encode(), "t.x12")
    assert header is not None
    assert (header.sender_qualifier, header.sender_id, header.recipient_id) == (
        "ZZ",
        "SENDER",
        "RECEIVER",
    )
    assert (header.control_ref, header.usage, header.test) == ("000000001", "P", False)
    assert read_x12_header(b"UNB+UNOC:3+X'", "t.edi") is None


CORPUS = {
    # file: (transaction sets, ISA13, envelope errors expected)
    "INVALID__ediengine__850_SyntaxNotes_ERR_4010.edi": (1, "000003438", []),
    "INVALID__staedi__invalid997_5010.edi": (1, "508121953", []),
    "INVALID__staedi__invalid999_5010.edi": (1, "000000286", ["x12.se.count"]),
    "INVALID__stupidedi__SH856_fail2_mixed_terminators.edi": (1, "000000089", ["x12.se.count"]),
    "ediengine__856_Crossdock_4010_NLterminator.edi": (1, "000000091", []),
    "imsweb__999_rejected_5010_ISA16-pipe.edi": (1, "095832987", []),
    "nodex12__850_004010VICS.edi": (1, "000003438", []),
    "nodex12__855_004010.edi": (1, "000000005", []),
    "nodex12__856_004060.edi": (1, "000000049", []),
    "staedi__invoice810_po850_dual_4010_3010.edi": (3, "000000020", []),
    "staedi__multi-tx_855x2_4010.edi": (2, "000001337", []),
    "staedi__simple997_5010.edi": (1, "508121953", []),
    "staedi__simple999_5010.edi": (1, "000000286", []),
    "stedi__850_005010_GS01-OW.edi": (1, "000000057", []),
    "stedi__855_005010.edi": (1, "000001746", []),
    "stupidedi__999_X231A1_BOM_singleline.edi": (1, "000010216", []),
    "stupidedi__IN810_4010_pipe_separator.edi": (1, "005639689", []),
}


def test_every_corpus_file_is_listed(corpus_dir: Path) -> None:
    names = {p.name for p in (corpus_dir / "x12").iterdir()}
    assert names == set(CORPUS) | {"INVALID__edinet__850_4010_BOM_NBSP_in_ISA.edi"}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_file_reads_with_its_sets_and_isa13(corpus_dir: Path, name: str) -> None:
    # given a real file, read in small chunks
    sets, control, errors = CORPUS[name]
    data = (corpus_dir / "x12" / name).read_bytes()
    found = events(data, 97)
    # then its sets, ISA13 and envelope errors are the expected ones
    assert len(transactions(found)) == sets
    opened = found[0]
    assert isinstance(opened, InterchangeOpened)
    assert opened.header.control_ref == control
    assert [i.code for i in all_issues(found) if i.severity == "error"] == errors


def test_mixed_terminators_sample_ends_with_the_se_count(corpus_dir: Path) -> None:
    name = "INVALID__stupidedi__SH856_fail2_mixed_terminators.edi"
    found = events((corpus_dir / "x12" / name).read_bytes())
    (ship,) = transactions(found)
    (issue,) = ship.issues
    assert (issue.code, issue.value) == ("x12.se.count", "25")
    assert "the set has 22" in issue.message
    assert codes(closed(found).issues) == ["x12.layout"]


def test_invalid_999_sample_counts_18_segments_against_se01_16(corpus_dir: Path) -> None:
    found = events((corpus_dir / "x12" / "INVALID__staedi__invalid999_5010.edi").read_bytes())
    (ack,) = transactions(found)
    (issue,) = ack.issues
    assert (issue.code, issue.value, len(ack.segments)) == ("x12.se.count", "16", 18)
    assert issue.location.segment_position == 20
