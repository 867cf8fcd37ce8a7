from .catalog import Category, Product, ProductImage, ProductStatus, Variant
from .deals import Deal
from .sellers import Seller

__all__ = [
    "Category",
    "Deal",
    "Product",
    "ProductImage",
    "ProductStatus",
    "Seller",
    "Variant",
]
