"""Credentials as text to hide: what one looks like (`patterns`) and which ones this process
actually used (`values`).

Cassettes (`conformance.recording`) and reports (`conformance.reporting.redact`) hide the same
secrets in different ways, and the sender and the plugin remember what they sign with; all of
them read these two modules, so a secret one of them knows is a secret to all.
"""
