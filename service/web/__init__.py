"""HTTP: blueprints that read the live release and never write to it."""
