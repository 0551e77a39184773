"""JSON Schemas shipped with the package: the report contract and the rule-pack formats."""
