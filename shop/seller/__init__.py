"""The seller center at /seller/: a seller's own products, variants, stock, images,
commission rates and the Shopify CSV import."""
