"""Build data/boundaries/ from the full geoBoundaries KAZ ADM1 file (run once; the output is committed).

    python -m scripts.build_boundaries ../shared/reference/geo/geoBoundaries-KAZ-ADM1.geojson

The source is 1.6 MB; at country zoom a tolerance of ~1 km is invisible, so the copy is simplified with
topology preserved and coordinates rounded to 4 decimals (~10 m). The output stays under ODbL 1.0.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from shapely.geometry import mapping, shape

OUT = Path(__file__).resolve().parent.parent / "data" / "boundaries" / "kazakhstan_adm1_simplified.geojson"
TOLERANCE_DEG = 0.002  # about 200 m: coarser tolerances moved the Ile-Alatau point (2012) into Almaty city


def _round(obj, ndigits=4):
    if isinstance(obj, float):
        return round(obj, ndigits)
    if isinstance(obj, (list, tuple)):
        return [_round(o, ndigits) for o in obj]
    return obj


def main(src: str) -> None:
    raw = Path(src).read_bytes()
    data = json.loads(raw)
    features = []
    for feat in sorted(data["features"], key=lambda f: f["properties"]["shapeName"]):
        geom = shape(feat["geometry"]).simplify(TOLERANCE_DEG, preserve_topology=True)
        gj = mapping(geom)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "region": feat["properties"]["shapeName"],
                    "iso_code": feat["properties"]["shapeISO"],
                },
                "geometry": {"type": gj["type"], "coordinates": _round(gj["coordinates"])},
            }
        )
    out = {
        "type": "FeatureCollection",
        "attribution": "Boundaries © OpenStreetMap contributors (ODbL), via geoBoundaries (Runfola et al.), gbOpen KAZ ADM1",
        "license": "ODbL-1.0",
        "derived_from_sha256": hashlib.sha256(raw).hexdigest(),
        "simplify_tolerance_deg": TOLERANCE_DEG,
        "features": features,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes, {len(features)} features)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference/geo/geoBoundaries-KAZ-ADM1.geojson")
