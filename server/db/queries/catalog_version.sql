-- The catalog's version: the highest revision of any product or price (0 when empty).
SELECT greatest((SELECT coalesce(max(revision), 0) FROM products),
                (SELECT coalesce(max(revision), 0) FROM product_prices))
