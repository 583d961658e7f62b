"""aidc domain model: the scenario schema and the Pyomo formulation."""
