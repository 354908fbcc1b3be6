"""UserSnack: the pizza-ordering HTTP API."""
