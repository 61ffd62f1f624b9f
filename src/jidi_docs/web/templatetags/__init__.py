"""The portal's template tags (`review`)."""
