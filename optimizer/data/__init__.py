"""Data installed with noregret: ``optimizer.data.intervention_library`` and ``optimizer.data.cases``.

Both live at the top of the repository (``intervention_library/``, ``cases/``) and are mapped here by
``[tool.setuptools.package-dir]`` in ``pyproject.toml``; find them with :mod:`optimizer.bundled`."""
