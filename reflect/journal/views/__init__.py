"""The journal's pages, one module per idea: entries (reading and writing), drafts, and
portability (export, import, delete everything)."""
