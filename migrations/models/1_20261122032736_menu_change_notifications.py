"""Menu change notifications.

Every write to a menu table NOTIFYs `usersnack_menu_changed` (delivered at commit), so each app
process can drop its cached menu at once, whoever made the change (admin API, fixture loader,
psql). Statement-level triggers: one notification per statement, not per row.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

MENU_TABLES = ("ingredient", "extra", "pizza", "pizza_ingredient", "pizza_extra")


async def upgrade(db: BaseDBAsyncClient) -> str:
    triggers = "\n".join(
        f"""CREATE TRIGGER "menu_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION usersnack_menu_changed();"""
        for table in MENU_TABLES
    )
    return f"""
CREATE OR REPLACE FUNCTION usersnack_menu_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('usersnack_menu_changed', TG_TABLE_NAME);
    RETURN NULL;
END;
$$;
{triggers}
"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    drops = "\n".join(
        f'DROP TRIGGER IF EXISTS "menu_changed" ON "{table}";' for table in MENU_TABLES
    )
    return f"""
{drops}
DROP FUNCTION IF EXISTS usersnack_menu_changed();
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
