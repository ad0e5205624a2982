"""Monitoring and re-planning: what a country actually did (:mod:`.actuals`), how far that is from its plan
and pathway (:mod:`.tracking`), and the best plan for the years that remain (:mod:`.replan`).
docs/monitoring.md explains the commands; docs/formulation.md section 8 the re-plan's constraints."""
