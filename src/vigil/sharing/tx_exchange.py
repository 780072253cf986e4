"""A python-threatexchange exchange that reads vigil signal packages (for HMA).

HMA and the ``threatexchange`` CLI fetch signals through ``SignalExchangeAPI``
implementations loaded from an extension's ``TX_MANIFEST``. This module is such an
extension: configure a collaboration with API ``vigil_package``, the package file and the
sender's public key (base64, from ``vigil share keys list``), and HMA fetches the package's
PDQ signals with their opinions and tags, after checking the schema and the Ed25519
signature. Identifier tokens are skipped: HMA cannot compute tokens of its own content
without the group key.

    threatexchange config extensions add vigil.sharing.tx_exchange
"""

from __future__ import annotations

import base64
import binascii
import typing as t
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from threatexchange.exchanges import fetch_state as state
from threatexchange.exchanges.collab_config import CollaborationConfigWithDefaults
from threatexchange.exchanges.signal_exchange_api import SignalExchangeAPIWithSimpleUpdates
from threatexchange.extensions.manifest import ThreatExchangeExtensionManifest
from threatexchange.signal_type.pdq.signal import PdqSignal
from threatexchange.signal_type.signal_base import SignalType

from vigil.sharing.model import Opinion
from vigil.sharing.package import PackageError, verify_signed
from vigil.sharing.tx import to_pytx_opinion

__all__ = [
    "TX_MANIFEST",
    "VigilPackageCollabConfig",
    "VigilPackageSignalExchangeAPI",
    "VigilSignalMetadata",
]


@dataclass
class _Required:
    filename: str = field(metadata={"help": "path of the vigil signal package (JSON)"})
    public_key: str = field(metadata={"help": "the sender's Ed25519 public key, base64"})


@dataclass
class VigilPackageCollabConfig(CollaborationConfigWithDefaults, _Required):
    """Where the package is and whose signature it must carry."""


@dataclass
class VigilSignalMetadata(state.FetchedSignalMetadata):
    """A signal's opinion, category and tags as the sender gave them."""

    opinion: str = "investigation_seed"
    category: str = "other"
    tags: tuple[str, ...] = ()
    source_org: str = ""

    def get_as_opinions(self) -> Sequence[state.SignalOpinion]:
        tags = {*self.tags, f"category:{self.category}", f"source:{self.source_org}"}
        return [to_pytx_opinion(Opinion(self.opinion), tags)]


_Delta = state.FetchDelta[tuple[str, str], VigilSignalMetadata, state.FetchCheckpointBase]


@dataclass
class VigilPackageSignalExchangeAPI(
    SignalExchangeAPIWithSimpleUpdates[
        VigilPackageCollabConfig, state.FetchCheckpointBase, VigilSignalMetadata
    ]
):
    """Reads the PDQ signals of one signed vigil package."""

    collab: VigilPackageCollabConfig

    @classmethod
    def get_name(cls) -> str:
        return "vigil_package"

    @staticmethod
    def get_config_cls() -> type[VigilPackageCollabConfig]:
        return VigilPackageCollabConfig

    @staticmethod
    def get_checkpoint_cls() -> type[state.FetchCheckpointBase]:
        return state.FetchCheckpointBase

    @staticmethod
    def get_record_cls() -> type[VigilSignalMetadata]:
        return VigilSignalMetadata

    @classmethod
    def for_collab(cls, collab: VigilPackageCollabConfig) -> VigilPackageSignalExchangeAPI:
        return cls(collab)

    def fetch_iter(
        self,
        _supported_signal_types: Sequence[type[SignalType]],
        checkpoint: state.FetchCheckpointBase | None,
    ) -> Iterator[_Delta]:
        """The whole package in one delta; raises ``PackageError`` on a bad package."""
        try:
            key = base64.b64decode(self.collab.public_key, validate=True)
        except (binascii.Error, ValueError):
            raise PackageError("public_key is not base64") from None
        doc = verify_signed(Path(self.collab.filename).read_bytes(), key)
        updates: dict[tuple[str, str], VigilSignalMetadata | None] = {}
        for s in doc["signals"]:
            if s["type"] != "pdq":
                continue
            updates[PdqSignal.get_name(), s["value"]] = VigilSignalMetadata(
                opinion=s["opinion"],
                category=s["category"],
                tags=tuple(s["tags"]),
                source_org=doc["source_org"],
            )
        yield _Delta(updates, state.FetchCheckpointBase())


TX_MANIFEST = ThreatExchangeExtensionManifest(apis=(t.cast(t.Any, VigilPackageSignalExchangeAPI),))
