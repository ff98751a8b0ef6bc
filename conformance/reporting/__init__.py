"""Every output of a run: the console (plan, progress, summary), the report files, the
reproductions of each failure, and the redaction every byte written passes through.

One module per output (`console`, `files`, `json_report`, `junit`, `markdown`, `reproduce`,
`redact`), imported by name: this package stays empty so the transport can use `redact`
without loading the renderers.
"""
