"""Questions clients ask in public, their answers, and finding similar ones."""
