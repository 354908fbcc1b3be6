// The typed UserSnack client for the front end: openapi-fetch over the types that
// scripts/generate_ts_client.sh generates from openapi.json into ./schema.d.ts.
import createClient, { type ClientOptions } from "openapi-fetch";
import type { components, paths } from "./schema";

export type { components, paths } from "./schema";

type Schemas = components["schemas"];
export type Pizza = Schemas["PizzaOut"];
export type PizzaExtra = Schemas["PizzaExtraOut"];
export type Ingredient = Schemas["IngredientOut"];
export type OrderIn = Schemas["OrderIn"];
export type Order = Schemas["OrderOut"];
export type ApiError = Schemas["ErrorOut"];

export function createUserSnackClient(baseUrl: string, options: Omit<ClientOptions, "baseUrl"> = {}) {
  return createClient<paths>({ ...options, baseUrl });
}

export type UserSnackClient = ReturnType<typeof createUserSnackClient>;
