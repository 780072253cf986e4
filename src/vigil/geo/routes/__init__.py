"""Routes from case data: GLOTIP and CTDC importers, censored counts, route analysis."""

from vigil.geo.routes.analysis import (
    RouteChange,
    RouteReport,
    RouteTotal,
    analyse,
    changes,
    load_flows,
    routes,
    top_routes,
    trend,
)
from vigil.geo.routes.ctdc import CtdcRecord, ctdc_flows, read_ctdc
from vigil.geo.routes.flow import ALL_FORMS, Flow
from vigil.geo.routes.glotip import GlotipRow, glotip_flows, read_glotip
from vigil.geo.routes.interval import Count, parse_count

__all__ = [
    "ALL_FORMS",
    "Count",
    "CtdcRecord",
    "Flow",
    "GlotipRow",
    "RouteChange",
    "RouteReport",
    "RouteTotal",
    "analyse",
    "changes",
    "ctdc_flows",
    "glotip_flows",
    "load_flows",
    "parse_count",
    "read_ctdc",
    "read_glotip",
    "routes",
    "top_routes",
    "trend",
]
