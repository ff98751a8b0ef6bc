"""Transitional alias of `conformance.plugin.vcr`, for environments installed before the plugins
became one package.

An editable install keeps the `pytest11` entry points it was installed with, so until it is
reinstalled its `searchusers_conformance_vcr` entry still names this module; without it, every
pytest run in such an environment would stop at startup. A fresh install never imports it.
Delete it once no such environment is left.
"""

from conformance.plugin.vcr import TARGETS_INI, pytest_addoption, pytest_recording_configure

__all__ = ["TARGETS_INI", "pytest_addoption", "pytest_recording_configure"]
