"""Templates, one module per family of post classes (each with en + es text)."""
