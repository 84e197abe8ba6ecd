"""The practice's pages, one module per person and task: the therapist's pages, joining from a
code, and the client's side inside their journal."""
