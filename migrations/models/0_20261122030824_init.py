from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "ingredient" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "name" VARCHAR(100) NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS "extra" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "name" VARCHAR(100) NOT NULL UNIQUE,
    "price" DECIMAL(10,2) NOT NULL
);
CREATE TABLE IF NOT EXISTS "pizza" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "name" VARCHAR(100) NOT NULL UNIQUE,
    "price" DECIMAL(10,2) NOT NULL,
    "images" JSONB NOT NULL
);
CREATE TABLE IF NOT EXISTS "pizza_extra" (
    "id" UUID NOT NULL PRIMARY KEY,
    "is_free" BOOL NOT NULL,
    "extra_id" UUID NOT NULL REFERENCES "extra" ("id") ON DELETE CASCADE,
    "pizza_id" UUID NOT NULL REFERENCES "pizza" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_pizza_extra_pizza_i_56f457" UNIQUE ("pizza_id", "extra_id")
);
COMMENT ON TABLE "pizza_extra" IS 'An extra offered with a pizza; `is_free` when it comes with that pizza at no charge.';
CREATE TABLE IF NOT EXISTS "customer_order" (
    "id" UUID NOT NULL PRIMARY KEY,
    "name" VARCHAR(100) NOT NULL,
    "contact_phones" JSONB NOT NULL,
    "delivery_address" JSONB NOT NULL,
    "total_cost" DECIMAL(12,2) NOT NULL,
    "processed" BOOL NOT NULL,
    "processed_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "idempotency_key" VARCHAR(255) UNIQUE,
    "request_digest" VARCHAR(64)
);
CREATE INDEX IF NOT EXISTS "idx_customer_or_created_f903a0" ON "customer_order" ("created_at");
CREATE TABLE IF NOT EXISTS "order_package" (
    "id" UUID NOT NULL PRIMARY KEY,
    "position" SMALLINT NOT NULL,
    "pizza_id_at_order" UUID NOT NULL,
    "pizza_snapshot" JSONB NOT NULL,
    "pizza_price" DECIMAL(12,2) NOT NULL,
    "quantity" SMALLINT NOT NULL,
    "unit_price" DECIMAL(12,2) NOT NULL,
    "subtotal" DECIMAL(12,2) NOT NULL,
    "order_id" UUID NOT NULL REFERENCES "customer_order" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_order_packa_order_i_4d3ab3" UNIQUE ("order_id", "position")
);
CREATE TABLE IF NOT EXISTS "order_garnish" (
    "id" UUID NOT NULL PRIMARY KEY,
    "position" SMALLINT NOT NULL,
    "extra_id_at_order" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "list_price" DECIMAL(12,2) NOT NULL,
    "is_free" BOOL NOT NULL,
    "unit_price" DECIMAL(12,2) NOT NULL,
    "quantity" SMALLINT NOT NULL,
    "package_id" UUID NOT NULL REFERENCES "order_package" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_order_garni_package_539ca6" UNIQUE ("package_id", "position")
);
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSONB NOT NULL
);
CREATE TABLE IF NOT EXISTS "pizza_ingredient" (
    "pizza_id" UUID NOT NULL REFERENCES "pizza" ("id") ON DELETE CASCADE,
    "ingredient_id" UUID NOT NULL REFERENCES "ingredient" ("id") ON DELETE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS "uidx_pizza_ingre_pizza_i_81633c" ON "pizza_ingredient" ("pizza_id", "ingredient_id");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztXG1v2zYQ/iuCP3VAFrSumxbdMMBJ3NVrEheJsw0tCpWWaJuITKoS1dTt/N9HUm+URM"
    "mRI8V2yi+OTd5J4nPk8bk7Kj86C2JDxz8c4pkHbQQx7bw2fnQwWED2RdF7YHSA66Z9vIGC"
    "iSPEUVZu4lMPWPyKU+D4kDXZ0Lc85FJEMGvFgePwRmIxQaabNgUYfQmgSckM0jn0WMfHTw"
    "f8+jb8Bv34p3tjThF07MwjI5vfW7SbdOmKtuvr4ekbIclvNzEt4gQLnEq7SzonOBEPAmQf"
    "ch3eN4MYeoBCWxoGf8pozHFT+MSsgXoBTB7VThtsOAWBw8Ho/D4NsMUxMMSd+Efvj+jRJD"
    "HTvBiNzavB2DQ7NbCzCOa4I0w5UD9W4XVTQERrh9/g5G3/8snzo18EBMSnzHh+DFdnJRQB"
    "BaGqAD1F2fIgx8QEtIj2KeuhaAHViGc1c8jbkeph/GUTC8QNqQnS6ReDG8PXAuAdNkB7hJ"
    "1lZPsKA4yH54Orcf/8Pb/dwve/OAK//njAe7qidZlrfRLai7CVFS665CLGP8PxW4P/ND6M"
    "LgZ5qyZy4w8d/kwgoMTE5NYEtjRN49YYNSaZWj1w7Q2tntXUVt8Vq8cYSWaPnj61uvhbsP"
    "fJHHhqW8fyOSsztNrxp21adQG+mQ7EMzpnP589fVph1r/7l8KhMqmcrS6irm7Yt1rxzWt6"
    "IzlW3jAB1s0t8Gyz0EO6pEy22LXoLpQe20XfvwO/aMdzgJdjwj+FNYds/ABbKgNGZOA9v9"
    "DeWXIVz9K4Nb2/GJeZozzJKD3oCM+V8IuE44RgEk8Y4gYuE5TNkFUkRor6Us1IgM49Eszm"
    "kl6GPzHo2aNAGi63/tVJ/1Qsb1MGXqxWYXeAwUw0cQBWB8lIBt/YgFWsLuyoJHQwEdFcTn"
    "M5zeX2ZFfXXO5ntLrmctvgcjK6rocsBbyn0EIL4KgRTnTyCylUOoyU93AZVeB7OjgZnvfP"
    "GIYHXQEwWyIoJDox9L26TDk1A5lOIeNR5i1ipi5Y4zjSfvPuklM7PqhqrpvwpP3Ev0B5V/"
    "eMKSrZZsibFWwzIdTlbNNNRDTb1GxTs8094R2abf6MVtdsU7PNXVpGTbBNGV0Gwwwq8qV/"
    "XY0uShhBopEHF1nU+M9wkE/bAlZiBpMAORRh/5DfbxvkgCOUcVDxLH5y3v83P8FPzkbHec"
    "/DL3B8X/IvUpcK+2n631hJIZ8Kv19dIXvIYK+cfd3iQnao+QqDVKnJFhcKBYR8hUGuPjRR"
    "XAh53Pp4r7TEkF1AayI/8+7Vhk4fG0LaiJa7wWN9AxjiQr8Zn5FvTj0IPxu3c4gNRA2LLK"
    "AfStE5oKGgwb5gYliMkMzgYSdn69ZuoohRP6bBb4jCJx217lLUGplasZ0Q4kCAS9BOtXKQ"
    "T5haW3tK0vKw6B6PRmeZbf94OM5t9tfnxwNGc3McbHgxznEvsQTMejNb1mlyfu/GLr7RdM"
    "4V/2sCKutoQFV0NIdvEdw3xINoht/B1s9W7AaoKgLkgdtk18rMKSUDKbqBBlB9bAw+j6rs"
    "+tSotna+qJIbjjxbsJsCLQw7KhmhFfiUsSnPJImsLgo8Wnq13UThthPA7acK2R0pWzqmy9"
    "Cql9Qqaj58cms7bKCxNJZsCObn0FfoLXkSnYnVMoVKVxvjHsaghAKHAeyrilJVWfSs4k+Z"
    "Su/WSKW7HrHYfIWKrbQyfM7o6QC6RgCdILdBwTWv20DJNeIsezC/d7zCWiys79dxigetwO"
    "5nXf0upymQDRcuoRBbS5H6r8GcFaobkej8kt6hYnv3xYs7MGgmVcqgRV/Wo3qQjdOnpo1m"
    "UMUXyhEvajYC+E4FLUe9OyB+1CsFnHdtWO91Wb+6Ul+n0isyEu/DS+0vY3vYo54ZzMqyPB"
    "Km5ckekeMxXUm00VzPx06SRGKOGIlL6PraTiWAErsUsL5iMZQzxLSErEp6OdTRZgcJtu1X"
    "xVr69Xn35dEr1iuekf94WYH7FYvIzhRBQJRsZwwvzaLWrf5klHUZSAmxj4Hrz4mCFZQnc4"
    "qaOpVzj1ROCOdGJyKzmjqZsyaZ8yUAmCKqCDqqPbWspz11FlM2JLrR5M0q6rm7Zu76wUSk"
    "bmuiLKtpjNdgHHL5eqxZ1tEco/qoSQmTq30oIqnB7yeoaw9FyHOq7qGIFO0Z8DDy542kF/"
    "4Mr/WIMG8/vRBjVpZekDBdl16YSaINpxekzIVOMOgEw06v5QZpa3zubKMEg1JZb/45iPXB"
    "qHYPRvH0ykaRV1ZRRwVrooJ9en9iO7A2ePpDpxN0KmxfOUVEpeu+q5LR0ixizdsqabjSRB"
    "Lh8ZXND/KvrWSm1y69YtGHzFsrw+Oo56AqMAapzM68XFHqNZVrW+EvIwPeL+Rt31l2n/Ve"
    "9l49P+olHjNpqXKbsccsj3S/Qs9XBrrlUYOk8ggDh1bOg/FFVQPhSPwRotva+yrRPyqo86"
    "JKpKIr6e39o5XmN7PV/0RAaZ4="
)
