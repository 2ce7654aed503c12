"""The client surfaces: one generic handler per surface a wire format declares."""
