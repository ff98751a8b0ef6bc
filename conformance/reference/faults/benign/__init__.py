"""Benign variations: choices a correct SearchUsers implementation may make differently.

The mirror image of the fault catalog. Each variation changes the reference only where AWS
leaves the behaviour open (aws-behaviour.md: NONE) or where clients must cope with variation
(header forms, unknown members, page sizes, opaque tokens). `tests/variations/` proves the gate
fails no MUST rule on any of them; a variation's `trips` declares the SHOULD (AWS parity) rules
it is allowed to fire, because it deviates from what AWS has been seen to do.
"""

from conformance.reference.faults.benign import image_search, listing, scores, wire

FAMILIES = (scores, wire, listing, image_search)
