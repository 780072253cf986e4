"""A CyberTipline-shaped rendering of a child-case referral (NCMEC's report structure).

Element names and order follow the report sections listed in research/trust-and-safety.md
§5.1 (from NCMEC's API documentation, Coop's ``ncmecReporting.ts`` and
Cybertipline-Tools' types): ``report`` with ``incidentSummary``, ``internetDetails``,
``lawEnforcement``, ``reporter``, ``personOrUserReported``, ``victim``; and one
``fileDetails`` document per file, as sent to ``/fileinfo``. ASSUMPTION: NCMEC's
authoritative XSD (``GET /xsd``) was not available offline; check element names against it
before submitting. vigil does not submit: it writes the documents for a person to review
and send through NCMEC's own channel. ``reportId`` stays ``PENDING`` until ``/submit``
returns one.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # building output only, never parsing input
from typing import Any

from vigil.reporting.referral import CHILD_TYPES

__all__ = ["INCIDENT_TYPES", "NotAChildCase", "cybertip_documents"]

#: referral incident type → NCMEC ``incidentType`` (research §5.1)
INCIDENT_TYPES = {
    "child_sex_trafficking": "Child Sex Trafficking",
    "child_sexual_exploitation": "Child Pornography (possession, manufacture, and distribution)",
    "online_enticement_of_children": "Online Enticement of Children for Sexual Acts",
}


class NotAChildCase(ValueError):
    """The CyberTipline takes reports about children only."""


def _sub(parent: ET.Element, tag: str, text: Any = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = str(text).lower() if isinstance(text, bool) else str(text)
    return el


def _person(parent: ET.Element, tag: str, contact: dict[str, Any]) -> None:
    person = _sub(parent, tag)
    first, _, last = str(contact.get("name") or "").partition(" ")
    _sub(person, "firstName", first)
    if last:
        _sub(person, "lastName", last)
    if contact.get("phone"):
        _sub(person, "phone", contact["phone"])
    if contact.get("email"):
        _sub(person, "email", contact["email"])


def _report(doc: dict[str, Any]) -> ET.Element:
    s = doc["incident_summary"]
    report = ET.Element("report")
    summary = _sub(report, "incidentSummary")
    _sub(summary, "incidentType", INCIDENT_TYPES[s["type"]])
    if s.get("escalate_to_high_priority"):
        _sub(summary, "escalateToHighPriority", s["escalate_to_high_priority"])
    _sub(summary, "incidentDateTime", s["date_time"])
    if s.get("date_time_description"):
        _sub(summary, "incidentDateTimeDescription", s["date_time_description"])
    details = _sub(report, "internetDetails")
    for d in doc["internet_details"]:
        if d.get("urls"):
            web = _sub(details, "webPageIncident")
            for url in d["urls"]:
                _sub(web, "url", url)
            _sub(web, "additionalInfo", f"platform {d.get('platform') or 'unknown'}")
        for email in d.get("emails") or []:
            _sub(_sub(details, "emailIncident"), "emailAddress", email)
        for phone in d.get("phones") or []:
            _sub(_sub(details, "cellPhoneIncident"), "phoneNumber", phone)
    le = doc["law_enforcement"]
    law = _sub(report, "lawEnforcement")
    _sub(law, "agencyName", le["agency"])
    if le.get("case_number"):
        _sub(law, "caseNumber", le["case_number"])
    _person(law, "officerContact", le["contact"])
    _sub(law, "reportedToLe", bool(le.get("reported_to_law_enforcement_before")))
    rep = doc["reporter"]
    reporter = _sub(report, "reporter")
    _person(reporter, "reportingPerson", rep["contact"])
    if rep.get("terms_of_service_url"):
        _sub(reporter, "termsOfService", rep["terms_of_service_url"])
    for suspect in doc["suspects"]:
        reported = _sub(report, "personOrUserReported")
        person = _sub(reported, "personOrUserReportedPerson")
        for ident in suspect["identifiers"]:
            if ident["type"] in ("phone", "email"):
                _sub(person, ident["type"], ident["value"])
        for name in suspect.get("screen_names") or []:
            _sub(reported, "screenName", name)
        if suspect.get("additional_info"):
            _sub(reported, "additionalInfo", suspect["additional_info"])
    for v in doc["victims_at_risk"]:
        victim = _sub(report, "victim")
        _sub(victim, "additionalInfo", f"{v['reference']}; age group {v['age_group']}; "
             f"immediate danger {v['immediate_danger']}")  # fmt: skip
    return report


def _file_details(f: dict[str, Any]) -> ET.Element:
    el = ET.Element("fileDetails")
    _sub(el, "reportId", "PENDING")
    _sub(el, "fileId", f["file_id"])
    _sub(el, "originalFileName", f["name"])
    if f.get("source"):
        _sub(el, "locationOfFile", f["source"])
    _sub(el, "fileViewedByEsp", f["viewed_by_person"])
    _sub(el, "exifViewedByEsp", f["exif_viewed_by_person"])
    _sub(el, "publiclyAvailable", f["publicly_available"])
    _sub(el, "fileRelevance", "Reported" if f.get("relevance", "reported") == "reported"
         else "Supplemental Reported")  # fmt: skip
    _sub(el, "originalFileHash", f["sha256"], hashType="SHA256")
    return el


def _bytes(el: ET.Element) -> bytes:
    ET.indent(el)
    data: bytes = ET.tostring(el, encoding="utf-8", xml_declaration=True)
    return data


def cybertip_documents(doc: dict[str, Any]) -> dict[str, bytes]:
    """``report.xml`` and ``fileinfo-N.xml`` for a valid child-case referral ``doc``."""
    kind = doc["incident_summary"]["type"]
    if kind not in CHILD_TYPES or not doc["incident_summary"]["minor_involved"]:
        raise NotAChildCase(
            f"incident type {kind!r} is not a child case: the CyberTipline takes reports about "
            "children only; send the neutral referral package instead"
        )
    out = {"report.xml": _bytes(_report(doc))}
    for n, f in enumerate(doc["files"], start=1):
        out[f"fileinfo-{n}.xml"] = _bytes(_file_details(f))
    return out
