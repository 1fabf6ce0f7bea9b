"""Small pure functions that turn one raw field value into its contract form."""
