"""An origin -> destination flow of trafficking victims, as read from case data."""

from __future__ import annotations

from dataclasses import dataclass

from vigil.geo.routes.interval import Count

__all__ = ["ALL_FORMS", "Flow"]

#: ``form`` of a flow not broken down by form of exploitation.
ALL_FORMS = "all forms"


@dataclass(frozen=True, slots=True)
class Flow:
    """``count`` victims from ``origin`` detected in / exploited in ``destination``.

    ``basis`` says what links them: ``citizenship`` or ``repatriation`` (GLOTIP
    tables) or ``victim records`` (CTDC, one record per victim). ``region`` is the
    destination's region (GLOTIP's Region column; the continent for CTDC).
    """

    origin: str  # ISO 3166 alpha-3
    origin_name: str
    destination: str
    destination_name: str
    year: int | None
    region: str
    form: str
    count: Count
    source: str
    basis: str
