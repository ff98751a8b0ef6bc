"""The pieces behind `conformance.reports` (console, report files, reproductions, redaction).

Named apart from `conformance.reports` because the project ignores `reports/` folders (that is
where users' report files land), which would keep a `reports/` package out of git and wheels.
"""
