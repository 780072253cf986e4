"""Shared plumbing for the atheris harnesses in this folder.

Each harness is a script with a ``one(data: bytes) -> None`` target and a ``seeds()``
generator of synthetic seed inputs. ``main`` runs it:

* ``python fuzz/fuzz_X.py --write-seeds DIR`` writes the seed corpus into ``DIR``;
* ``python fuzz/fuzz_X.py [libFuzzer flags] [CORPUS_DIR]`` fuzzes it with atheris;
* ``python fuzz/fuzz_X.py --replay FILE...`` runs the target once per file, without
  coverage instrumentation, and exits 1 on the first failure (with its traceback): the
  runner uses it to tell a real finding from an artefact of atheris' bytecode
  instrumentation (seen with PyYAML's scanner and httpx under Python 3.11).

A target either returns or raises one of the harness's documented error types (caught in
the harness); any other exception, a libFuzzer timeout (a hang) or running out of memory
is a finding: libFuzzer stops and writes the input under ``-artifact_prefix``.
Run them through ``fuzz/run.py``.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(1, str(REPO / "tests"))  # shared synthetic fixtures (sharing_partners)

Target = Callable[[bytes], None]
Seeds = Callable[[], Iterable[bytes]]

#: one scratch directory per harness process, for targets that read files
SCRATCH = Path(tempfile.mkdtemp(prefix="vigil-fuzz-"))


REPLAY = len(sys.argv) > 1 and sys.argv[1] in ("--replay", "--write-seeds")


@contextlib.contextmanager
def instrumented(*include: str) -> Iterator[None]:
    """Instrument the modules imported in the block (only when fuzzing)."""
    if REPLAY:
        yield
        return
    import atheris

    with atheris.instrument_imports(include=list(include)):
        yield


def main(one: Target, seeds: Seeds) -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--replay":
        for name in sys.argv[2:]:
            try:
                one(Path(name).read_bytes())
            except Exception:
                traceback.print_exc()
                print(f"FAILED: {name}", file=sys.stderr)
                sys.exit(1)
        print(f"replayed {len(sys.argv) - 2} input(s): no failure")
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--write-seeds":
        out = Path(sys.argv[2])
        out.mkdir(parents=True, exist_ok=True)
        for i, seed in enumerate(seeds()):
            (out / f"seed-{i:03d}").write_bytes(seed)
        return
    import atheris

    atheris.Setup(sys.argv, one)
    atheris.Fuzz()
