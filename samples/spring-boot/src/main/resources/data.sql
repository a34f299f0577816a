INSERT INTO product (id, name, price_cents)
SELECT x, 'Product ' || x, 100 + MOD(x * 37, 9900) FROM SYSTEM_RANGE(1, 1000);
