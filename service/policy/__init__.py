"""Openbaar, tenzij: what each dataset withholds, on which Woo ground, and the guards that keep it withheld."""
