from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "pizza" DROP CONSTRAINT IF EXISTS "pizza_name_key";
        DROP INDEX IF EXISTS "uid_pizza_name_88f3b6";
        ALTER TABLE "extra" DROP CONSTRAINT IF EXISTS "extra_name_key";
        DROP INDEX IF EXISTS "uid_extra_name_979048";
        ALTER TABLE "ingredient" DROP CONSTRAINT IF EXISTS "ingredient_name_key";
        DROP INDEX IF EXISTS "uid_ingredient_name_652134";
        ALTER TABLE "ingredient" ADD "retired_at" TIMESTAMPTZ;
        ALTER TABLE "extra" ADD "retired_at" TIMESTAMPTZ;
        ALTER TABLE "pizza" ADD "retired_at" TIMESTAMPTZ;
        CREATE INDEX IF NOT EXISTS "idx_customer_or_process_8525d4" ON "customer_order" ("processed", "created_at");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_customer_or_process_8525d4";
        ALTER TABLE "extra" DROP COLUMN "retired_at";
        ALTER TABLE "pizza" DROP COLUMN "retired_at";
        ALTER TABLE "ingredient" DROP COLUMN "retired_at";
        CREATE UNIQUE INDEX IF NOT EXISTS "uid_extra_name_979048" ON "extra" ("name");
        CREATE UNIQUE INDEX IF NOT EXISTS "uid_pizza_name_88f3b6" ON "pizza" ("name");
        CREATE UNIQUE INDEX IF NOT EXISTS "uid_ingredient_name_652134" ON "ingredient" ("name");"""


MODELS_STATE = (
    "eJztXG1v2zYQ/iuCPnVAFrSumxbdMMBJ3NVrEheJsw0tCpWWaJuITKkS1dTt8t9HUm8URc"
    "mRIyV2yi+JTd5J4nM88rk7yj/MpedAN9wf4XkAHQQxMV8bP0wMlpB+UPTuGSbw/byPNRAw"
    "dbk4KspNQxIAm11xBtwQ0iYHhnaAfII8TFtx5Lqs0bOpINXNmyKMvkTQIt4ckgUMaMfHT3"
    "vs+g78BsP0q39lzRB0ncIjI4fdm7dbZOXztsvL0fEbLsluN7Vsz42WOJf2V2Th4Uw8ipCz"
    "z3RY3xxiGAACHWEY7CmTMadN8RPTBhJEMHtUJ29w4AxELgPD/H0WYZthYPA7sT/9P5JHE8"
    "Qs62w8sS6GE8syG2Bne5jhjjBhQP24ia+bA8JbTXaDo7eD8yfPD37hEHghocYLU7jMG64I"
    "CIhVOeg5ynYAGSYWIGW0j2kPQUuoRryoKSHvJKr76YdNLJA25CbIp18KbgpfB4CbdIDOGL"
    "urxPY1BpiMTocXk8Hpe3a7ZRh+cTl+g8mQ9fR460pqfRLby6OeFTtddhHjn9HkrcG+Gh/G"
    "Z0PZqpnc5IPJnglExLOwd20BR5imaWuKGpXMrR75zoZWL2pqq2+L1VOMBLMnT59bnf8v2f"
    "toAQK1rVN5ycoUrV206xJ8s1yI52RBvz57+rTGsH8PzvmSSqUka50lXb2476aAb0DnfLCR"
    "VxU1W/CqZBHYFvB314nitZORlNmVsIGyhimwr65B4FilHq/nVcmWu5a9pXJn9tH37yAsz6"
    "RTgFcTj/3lc2lEgQbYVjlqQvreswt1w4C6nzJ5a35/Pi5LorbZKAPo8h0q45EZl43B9AJu"
    "iCu4ylC2YvaYGSnpyzUTAbIIvGi+EPQKPJlCTx8FknhZHVwcDY75DLRE4PmqzO0OMJjzJg"
    "bAzV42kuE3OmBTwd7jjlriDjMRzdk1Z9ecfUc2Hs3Zf0ara86uObvm7F1xdtHKfoBshRsd"
    "Qxstgau2b6YjmzZW2k+Ud9Ctaix7PDwanQ5OqKfs9bi9qBVRTGhTB+tzH2oQEeVm8GYzyF"
    "zmGlGHLlnjMNF+8+6cUXg2qDL6ItvP+PBu4l8KbW7uGDvWRhVxfKSIKrLAqTqq8DMRHVXo"
    "qEJHFTuyNeqo4me0uo4qdFShowodVWyRZW8dVYjoUhjmUFH/+OtifFbB/DINGVxkE+M/w0"
    "Uh6QpYgQFOI+QShMN9dr+HIIEMoYIPpWvVk9PBv/IydnQyPpSdg13g8K5BHi9FKOynw7zW"
    "SoRyaetudcLi4bBHXSwsDlWuGAqV12KxsFQQlCuGYjWxjWJhXn2uj+srS4ZFB1oT4Vu3rx"
    "6aA2xwaSNxd4PldAxg8Av9ZnxGoTULIPxsXC8gNhAxbG8Jw1iKLACJBQ36AXuGTYnnHO6b"
    "kq07u4kiF/ExT3LEKHzS2Yltyk4kplZsJ57nQoAr0M61JMinVK2rPSVruV90D8fjk8K2fz"
    "iaSJv95enhkAYzEgcbnU0k7sVdwGo2s0WdNuf3duziG01n6TBPQ0BFHQ2oio5K+JbBfeMF"
    "EM3xO9j5WantAFVFgAJwne1ahTmlZCDlZaAFVB8bg5dRFZc+NaqdnRes5YbjwOHspkQL44"
    "5aRmhHIaFsKrC8TLbL4g/lX4FnwzCEHEWhpPBJM68HZV46V9xtrpjekVCvsnyKVrN8V1nz"
    "/vNeD0MUWstwiYagSyD6CoMVSwFTsUamUOlqY9zBGMQjwKUAh6oKSl2Cvaj4U2bZew2y7I"
    "Vdt0FkXdDTsXWD2DpDboPqoKyr64PbXB/crRM195mv39GjFbc5UIMcuPQ9ArG94lWBBsxZ"
    "oboRiZZd+kFLM0UG3Xvx4hYMmkpVMmjeJ5+2oOMMieWgOVTxhWrEy5qtAL5VQctB/xaIH/"
    "QrAWddG5aCfdqvLuI3KQLzZMX7+FK7y9ju97RvAbOqBJCAaXUeiKd/LF8QbTUN9NHM8kt0"
    "IUb8Err0tlUJoMwuJawvaAzljjCpIKuCnoQ62uyMwUOvq9yXfn3ee3nwivbyZ2RfXtbgfk"
    "EjshNFEJDk4SnDyxOsTQtDBWVdIVJCHGLghwtPwQqqkzllTZ3KuUMqJ4Zzo8OSRU2dzFmT"
    "zPkSAUwQUQQd9Su1qKdX6iKmdEhko8lbVNRzd83cDaMpT902RFlU0xivwTjm8s1Ys6ijOU"
    "b9KZQKJtf4vERWnt9NUNeelxDnVNPzEjnacxBgFC5aSS/8GV/rEWHefXohxawqvSBgui69"
    "MBdEW04vCJkLnWDQCYat9uUWaWt6JG2jBINSWW/+EsT6YFS3B6NYemWjyKuoqKOCNVHBLr"
    "1a8TCwtnj6Q6cTdCpsVzlFQqWbvsZS0NIsYs2LLHm40kYS4fGVzffkN1oK02ub3r4YQLpa"
    "K8PjpGevLjAGuczW/OhW5aqp9G3FepkY8G4hb/eLZe9Z/2X/1fODfrZiZi11y2a6YlZHul"
    "9hECoD3eqoQVB5hIFDJ+fBmFM1QDgRf4Todva+SvIbBk1eVElUdCW9u99gaX8zu/kfVt5F"
    "Vw=="
)
