"""The `pliktvakt` command: a face, like the duty desk. It calls the domain, flows and Prefect."""
