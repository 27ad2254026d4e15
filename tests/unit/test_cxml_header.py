"""The cXML header of a partner's document: credentials checked, the SharedSecret never shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from gateway.errors import ParseError
from gateway.formats.cxml_header import (
    Credential,
    CxmlHeader,
    CxmlIdentity,
    check_credentials,
    read_cxml_header,
)
from gateway.formats.xml_safe import parse_xml

CXMLPHP = "cxmlphp__OrderRequest_cXML-1.2.050.xml"
COUPA = "officeluv__order_request_Coupa_cXML-1.2.014.xml"
COUPA_200 = "officeluv__purchase_order_request_200_Coupa_cXML-1.2.014.xml"
SECRET = "coyote"
SECRET_ENV = "GATEWAY_CXML_SECRET_PROMINATE"


def corpus_header(corpus_dir: Path, name: str) -> CxmlHeader:
    """The header of a corpus cXML file, read as the pipeline reads it."""
    return read_cxml_header(parse_xml((corpus_dir / "xml" / name).read_bytes(), name), name)


def header_of(text: str) -> CxmlHeader:
    """The header of a hand-written cXML document."""
    return read_cxml_header(parse_xml(text.encode(), "sample.xml"), "sample.xml")


def prominate(secret_required: bool = True) -> CxmlIdentity:
    """The identity the cxml-php sample's buyer is configured with."""
    return CxmlIdentity(
        from_credentials=(Credential("NetworkId", "inbound@prominate-platform.com"),),
        to_credentials=(Credential("NetworkId", "supplier@supplier.com"),),
        secret_required=secret_required,
        secret_env=SECRET_ENV,
    )


@pytest.mark.corpus
def test_the_cxml_php_order_header_is_read_with_its_test_mode_and_secret(corpus_dir: Path) -> None:
    # given the cxml-php OrderRequest (1.2.050, deploymentMode="test", SharedSecret coyote)
    header = corpus_header(corpus_dir, CXMLPHP)
    # then every envelope value is read as written
    assert header.payload_id == "1625586002.193314.7293@dev"
    assert header.timestamp == datetime(
        2000, 10, 12, 18, 39, 9, tzinfo=timezone(-timedelta(hours=8))
    )
    assert header.version == "1.2.050"
    assert header.deployment_mode == "test"
    assert header.from_credentials == (Credential("NetworkId", "inbound@prominate-platform.com"),)
    assert header.to_credentials == (Credential("NetworkId", "supplier@supplier.com"),)
    assert header.sender_credentials == header.from_credentials
    assert header.user_agent == "Platform Order Fulfillment Hub"
    assert header.from_credentials[0].line == 8
    # and the secret is there, matching coyote only
    assert header.shared_secret is not None
    assert header.shared_secret.matches(SECRET)
    assert not header.shared_secret.matches("coyote ")
    assert not header.shared_secret.matches("Coyote")


@pytest.mark.corpus
def test_a_coupa_order_without_deployment_mode_is_production(corpus_dir: Path) -> None:
    # given Coupa's OrderRequest without Request/@deploymentMode, whose Sender differs from From
    header = corpus_header(corpus_dir, COUPA)
    # then the DTD default applies and each party is read apart
    assert header.payload_id == "1585687161.003309@stg1565utl2.int.coupahost.com"
    assert header.timestamp == datetime(2020, 3, 31, 20, 39, 21, tzinfo=UTC)
    assert (header.version, header.lang, header.deployment_mode) == (
        "1.2.014",
        "en-US",
        "production",
    )
    assert header.from_credentials == (Credential("NetworkID", "kasdflkjasdf"),)
    assert header.to_credentials == (Credential("alksjflkasjdfasdf", "development@officeluv.com"),)
    assert header.sender_credentials == (Credential("NetworkID", "DAN_Coupa"),)
    assert header.user_agent == "Coupa Procurement 1.0"


@pytest.mark.corpus
def test_coupa_mixed_case_duns_domains_are_the_same_domain(corpus_dir: Path) -> None:
    # given Coupa's sample with deploymentMode="production", From domain "duns", To "Duns"
    header = corpus_header(corpus_dir, COUPA_200)
    assert header.payload_id == "1452186890.009162@ip-10-7-14-126"
    assert header.deployment_mode == "production"
    assert header.shared_secret is None
    # when it is checked against an identity configured with upper-case DUNS domains
    identity = CxmlIdentity(
        from_credentials=(Credential("DUNS", "dell"),),
        to_credentials=(Credential("DUNS", "128293714"),),
    )
    # then the domains match whatever their case, and no secret is needed
    assert check_credentials(header, identity, None, COUPA_200) == []


@pytest.mark.corpus
def test_the_right_shared_secret_is_accepted(corpus_dir: Path) -> None:
    header = corpus_header(corpus_dir, CXMLPHP)
    assert check_credentials(header, prominate(), SECRET, CXMLPHP) == []


@pytest.mark.corpus
def test_a_wrong_shared_secret_is_refused_naming_the_variable_not_the_values(
    corpus_dir: Path,
) -> None:
    # given the cxml-php order (secret coyote) and a partner configured with another secret
    header = corpus_header(corpus_dir, CXMLPHP)
    # when the credentials are checked
    issues = check_credentials(header, prominate(), "roadrunner", CXMLPHP)
    # then one issue says the secret does not match, naming the variable and neither value
    assert [issue.code for issue in issues] == ["cxml.secret"]
    assert issues[0].message == (
        "the SharedSecret in Header/Sender/Credential does not match the partner's secret "
        f"(environment variable {SECRET_ENV})"
    )
    assert issues[0].location.file == CXMLPHP
    assert "coyote" not in str(issues[0]) and "roadrunner" not in str(issues[0])


@pytest.mark.corpus
def test_a_required_secret_with_its_variable_unset_is_reported_as_configuration(
    corpus_dir: Path,
) -> None:
    header = corpus_header(corpus_dir, CXMLPHP)
    issues = check_credentials(header, prominate(), None, CXMLPHP)
    assert [issue.code for issue in issues] == ["cxml.secret_unset"]
    assert SECRET_ENV in issues[0].message


@pytest.mark.corpus
def test_a_missing_secret_is_refused_when_the_partner_must_send_one(corpus_dir: Path) -> None:
    # given Coupa's sample, which sends no SharedSecret, and a partner that must send one
    header = corpus_header(corpus_dir, COUPA_200)
    identity = CxmlIdentity(
        from_credentials=(Credential("duns", "dell"),),
        to_credentials=(Credential("duns", "128293714"),),
        secret_required=True,
        secret_env="GATEWAY_CXML_SECRET_DELL",
    )
    issues = check_credentials(header, identity, "s3cret", COUPA_200)
    assert [issue.code for issue in issues] == ["cxml.secret_missing"]
    assert "GATEWAY_CXML_SECRET_DELL" in issues[0].message


@pytest.mark.corpus
def test_wrong_from_to_and_sender_each_name_what_was_received_and_expected(
    corpus_dir: Path,
) -> None:
    # given the Coupa order, whose Sender DAN_Coupa is not its From
    header = corpus_header(corpus_dir, COUPA)
    identity = CxmlIdentity(
        from_credentials=(Credential("NetworkID", "other-buyer"),),
        to_credentials=(Credential("DUNS", "987654321"),),
    )
    # when checked against another buyer and another supplier
    issues = check_credentials(header, identity, None, COUPA)
    # then From, To and Sender are each refused, naming received and expected credentials
    assert [issue.code for issue in issues] == ["cxml.from", "cxml.to", "cxml.sender"]
    assert issues[0].message == (
        'Header/From names domain "NetworkID" identity "kasdflkjasdf"; expected '
        'domain "NetworkID" identity "other-buyer"'
    )
    assert 'identity "development@officeluv.com"' in issues[1].message
    assert 'domain "DUNS" identity "987654321"' in issues[1].message
    assert 'identity "DAN_Coupa"' in issues[2].message
    assert (issues[0].location.xpath, issues[0].location.line) == ("/cXML/Header/From", 6)


@pytest.mark.corpus
def test_a_configured_network_sender_is_accepted_for_the_buyer(corpus_dir: Path) -> None:
    header = corpus_header(corpus_dir, COUPA)
    identity = CxmlIdentity(
        from_credentials=(Credential("NetworkID", "kasdflkjasdf"),),
        to_credentials=(Credential("alksjflkasjdfasdf", "development@officeluv.com"),),
        sender_credentials=(Credential("networkid", "DAN_Coupa"),),
    )
    assert check_credentials(header, identity, None, COUPA) == []


def test_a_header_without_payload_id_from_to_or_sender_lists_every_gap() -> None:
    # given a cXML document with a naive timestamp, no payloadID and only a From
    text = (
        '<cXML timestamp="2026-11-22T10:00:00">\n<Header>\n'
        '<From><Credential domain="DUNS"><Identity>1</Identity></Credential></From>\n'
        "</Header>\n<Request/></cXML>"
    )
    with pytest.raises(ParseError) as caught:
        header_of(text)
    # then each gap is an issue with its place
    issues = caught.value.issues
    assert [(issue.location.xpath, issue.location.line) for issue in issues] == [
        ("/cXML/@payloadID", 1),
        ("/cXML/@timestamp", 1),
        ("/cXML/Header/To", 2),
        ("/cXML/Header/Sender", 2),
    ]
    assert "with its offset" in issues[1].message
    assert "sample.xml has an incomplete cXML header" in caught.value.message


def test_the_secret_never_shows_in_str_repr_or_issues() -> None:
    # given a header whose secret is a recognisable text, with every credential wrong
    secret = "Sup3r-S3cret-Value"
    header = header_of(
        '<cXML payloadID="p1@buyer" timestamp="2026-11-22T10:00:00+01:00"><Header>'
        '<From><Credential domain="DUNS"><Identity>1</Identity></Credential></From>'
        '<To><Credential domain="DUNS"><Identity>2</Identity></Credential></To>'
        '<Sender><Credential domain="DUNS"><Identity>1</Identity>'
        f"<SharedSecret>{secret}</SharedSecret></Credential><UserAgent>x</UserAgent></Sender>"
        "</Header><Request/></cXML>"
    )
    identity = CxmlIdentity(
        from_credentials=(Credential("DUNS", "9"),),
        to_credentials=(Credential("DUNS", "8"),),
        secret_required=True,
        secret_env="GATEWAY_CXML_SECRET",
    )
    # when it is shown every way and checked with another secret and with none
    issues = [
        *check_credentials(header, identity, "another", "sample.xml"),
        *check_credentials(header, identity, None, "sample.xml"),
    ]
    shown = [str(header), repr(header), repr(header.shared_secret), str(header.shared_secret)]
    shown += [str(issue) for issue in issues] + [repr(issue) for issue in issues]
    # then the secret is in none of them, and the checks did find problems
    assert {issue.code for issue in issues} >= {"cxml.secret", "cxml.secret_unset", "cxml.from"}
    assert all(secret not in text for text in shown)
    assert "<secret>" in repr(header)


def test_an_identity_requiring_a_secret_must_name_its_variable() -> None:
    with pytest.raises(ValueError, match="secret_env"):
        CxmlIdentity((Credential("DUNS", "1"),), (Credential("DUNS", "2"),), secret_required=True)
