"""The files the package ships beside its code: sql/, templates/, the curated seeds, the
lexicons and the default source registry.

The folders stay at the top of the repository (sql/, templates/, warehouse/seeds/,
warehouse/lexicons/, warehouse/sources.toml), where the layout says they belong; the entries of
this package are relative symlinks to them. One mechanism then serves every way of running:
from the checkout and under `pip install -e`, importlib.resources finds this folder in the
checkout and the symlinks lead to the repository's files; `pip install .` builds a wheel in
which setuptools has copied the files the symlinks point to (package-data in pyproject.toml;
its globs follow symlinks), so the installed package holds real folders. flows/paths.py is the
only reader.
"""
