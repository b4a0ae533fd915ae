"""Reviews: after a paid call the client rates the expert once; the rating feeds search ranking."""
