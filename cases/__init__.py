"""Marks this folder as the package ``optimizer.data.cases`` when noregret is installed (see
``pyproject.toml``); the cases are the YAML files (``noregret cases`` lists them)."""
