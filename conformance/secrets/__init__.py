"""Credentials as text to hide: what one looks like (`patterns`), which ones this process
actually used (`values`), and text with them masked (`redact`).

Cassettes (`conformance.recording`) and reports (`conformance.secrets.redact`) hide the same
secrets in different ways, and the sender and the plugin remember what they sign with; all of
them read these two modules, so a secret one of them knows is a secret to all.
"""
