CREATE TABLE product (
    id          BIGINT PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    price_cents BIGINT NOT NULL
);
