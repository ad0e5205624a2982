"""Marks this folder as the package ``optimizer.data.intervention_library`` when noregret is installed
(see ``pyproject.toml``); the library itself is the YAML files."""
