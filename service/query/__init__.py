"""SPARQL query execution for the web layer: protocol parsing, text checks, killable query processes, cache."""
