"""The embedded reference service: a local, deterministic stand-in for Rekognition's user APIs.

`server.ReferenceServer` serves AWS JSON 1.1 over HTTP; `faces` holds the documented fake face
model and synthetic person images; `faults` lets a run inject deliberate deviations.
"""
