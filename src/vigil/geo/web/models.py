"""Response models of ``/api/v1/geo`` (the OpenAPI schema of the geo endpoints)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

__all__ = [
    "CircuitOut",
    "CorridorOut",
    "EdgeOut",
    "FlagOut",
    "FrameOut",
    "HotspotsOut",
    "ImportedOut",
    "ItineraryOut",
    "MovementOut",
    "NodeOut",
    "RangeOut",
    "RouteOut",
    "RoutesOut",
]


class NodeOut(BaseModel):
    city: str = Field(description='"City, REGION" as geocoded.')
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    lat: float
    lon: float
    posts: int = Field(description="Posts of the networks in the city.")
    networks: int
    visits: int


class EdgeOut(BaseModel):
    source: str
    target: str
    networks: int = Field(description="Networks that made the move.")
    moves: int
    posts: int = Field(description="Posts of the arriving visits.")
    first_move: datetime
    last_move: datetime
    cluster_ids: list[str]


class CircuitOut(BaseModel):
    cities: list[str] = Field(description="The loop, starting at the alphabetically first city.")
    networks: int
    returns: int = Field(description="Times the loop was closed, all networks together.")
    cluster_ids: list[str]


class CorridorOut(BaseModel):
    city_a: str
    city_b: str
    networks: int
    moves: int
    posts: int
    cluster_ids: list[str]


class MovementOut(BaseModel):
    itineraries: int = Field(description="Networks on the map (cluster risk >= 0.5).")
    nodes: list[NodeOut]
    edges: list[EdgeOut]
    circuits: list[CircuitOut]
    corridors: list[CorridorOut]


class VisitOut(BaseModel):
    city: str
    country: str
    lat: float
    lon: float
    first_seen: datetime
    last_seen: datetime
    posts: int
    identifiers: list[str] = Field(description="kind:value contacts seen in the visit.")


class LoopOut(BaseModel):
    cities: list[str]
    returns: int


class PositionOut(BaseModel):
    cluster_id: str
    city: str
    lat: float
    lon: float
    posts: int


class FrameOut(BaseModel):
    start: date
    end: date = Field(description="Exclusive.")
    positions: list[PositionOut]


class ItineraryOut(BaseModel):
    cluster_id: str
    risk: float | None
    posts: int = Field(description="Geocoded posts of the cluster.")
    visits: list[VisitOut]
    loops: list[LoopOut]
    frames: list[FrameOut] = Field(description="Per week (Monday-aligned): where it was.")


class FlagOut(BaseModel):
    place: str
    country: str
    lat: float
    lon: float
    window_start: date
    window_end: date = Field(description="Exclusive.")
    observed: int
    expected: float
    ratio: float | None
    p_value: float
    q_value: float = Field(description="Benjamini-Hochberg q-value within the window.")
    history_windows: int
    history_total: int
    trend: float
    dispersion: float


class HotspotsOut(BaseModel):
    count: str = Field(description="new_networks, active_networks or high_risk.")
    metric: str = Field(description="The hotspot metric counted (docs/geo.md).")
    window_days: int
    alpha: float
    week: date | None = Field(description="Only flags whose windows contain this day.")
    windows: list[date]
    tests: int = Field(description="Place-window tests made.")
    flags: list[FlagOut]
    notes: list[str]


class RangeOut(BaseModel):
    lo: int = Field(description="Lower bound.")
    hi: int | None = Field(description="Upper bound; null: unbounded (a '>N' cell).")


class RouteOut(BaseModel):
    origin: str
    origin_name: str
    destination: str
    destination_name: str
    count: RangeOut = Field(description="Victims; censored cells make it a range.")
    source: str
    basis: str
    years: list[int]


class ChangeOut(BaseModel):
    origin: str
    destination: str
    year: int
    previous_year: int | None
    kind: str = Field(description="appears, possibly appears or grows.")
    before: RangeOut | None
    after: RangeOut
    source: str
    basis: str


class ImportedOut(BaseModel):
    name: str
    size: int
    sha256: str = Field(description="First 16 hex digits of the file's SHA-256.")
    format: str = Field(description="glotip or ctdc.")


class RoutesOut(BaseModel):
    files: list[ImportedOut]
    flows: int
    censored_flows: int
    top: list[RouteOut]
    by_year: dict[str, list[RouteOut]]
    by_region: dict[str, list[RouteOut]]
    by_form: dict[str, list[RouteOut]]
    changes: list[ChangeOut]
    left_out: dict[str, int]
