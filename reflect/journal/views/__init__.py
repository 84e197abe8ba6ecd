"""The journal's pages, one module per idea: entries (reading), writing (writing and editing), drafts, and
portability (export, import, delete everything)."""
