"""Every output of a run: the console (plan, progress, summary), the report files, the
reproductions of each failure and of each shrunk example; every byte written goes through
`secrets.redact`.

One module per output (`console`, `files`, `json_report`, `junit`, `markdown`, `reproduce`,
`shrunk`), imported by name: this package stays empty so importing one renderer does not load
the others.
"""
