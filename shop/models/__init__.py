from .cart import Cart, CartLine
from .catalog import Category, Product, ProductImage, ProductStatus, Variant
from .deals import Deal
from .sellers import Seller

__all__ = [
    "Cart",
    "CartLine",
    "Category",
    "Deal",
    "Product",
    "ProductImage",
    "ProductStatus",
    "Seller",
    "Variant",
]
