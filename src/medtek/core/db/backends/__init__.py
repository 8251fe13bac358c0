"""Database backends of medtek's own (Django loads `<ENGINE>.base`)."""
