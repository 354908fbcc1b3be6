"""Tortoise models, one module per area; repositories are the only code that imports them."""

from usersnack.models.menu import Extra, Ingredient, Pizza, PizzaExtra
from usersnack.models.orders import Order, OrderGarnish, OrderPackage

__models__ = [Ingredient, Extra, Pizza, PizzaExtra, Order, OrderPackage, OrderGarnish]
__all__ = ["Ingredient", "Extra", "Pizza", "PizzaExtra", "Order", "OrderPackage", "OrderGarnish"]
